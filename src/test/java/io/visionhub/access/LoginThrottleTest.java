package io.visionhub.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The back-off rules of {@link LoginThrottle} on a clock the test moves. */
class LoginThrottleTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-05T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final MovableClock clock = new MovableClock();
    final LoginThrottle throttle = new LoginThrottle(
            "http",
            new LoginThrottleProperties(
                    true, 3, 10, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(15), 100),
            null,
            clock);

    @Test
    void locksOutAfterTheFreeFailuresAndDoublesTheDelayUpToTheMaximum() {
        for (int i = 0; i < 2; i++) {
            assertThat(throttle.check("op", "10.0.0.1")).isInstanceOf(LoginThrottle.Allowed.class);
            throttle.failed("op", "10.0.0.1", "wrong password");
        }
        throttle.failed("op", "10.0.0.1", "wrong password");
        assertThat(throttle.check("op", "10.0.0.1")).isEqualTo(new LoginThrottle.Locked(Duration.ofSeconds(1), false));
        // other user, other address: free
        assertThat(throttle.check("qa", "10.0.0.1")).isInstanceOf(LoginThrottle.Allowed.class);
        assertThat(throttle.check("op", "10.0.0.2")).isInstanceOf(LoginThrottle.Allowed.class);

        long[] expected = {2, 4, 8, 8};
        for (long seconds : expected) {
            clock.advance(Duration.ofSeconds(9));
            assertThat(throttle.check("op", "10.0.0.1")).isInstanceOf(LoginThrottle.Allowed.class);
            throttle.failed("op", "10.0.0.1", "wrong password");
            assertThat(((LoginThrottle.Locked) throttle.check("op", "10.0.0.1")).retryAfter())
                    .isEqualTo(Duration.ofSeconds(seconds));
        }
    }

    @Test
    void successClearsTheUserAndQuietTimeResetsTheCount() {
        for (int i = 0; i < 2; i++) {
            throttle.failed("op", "10.0.0.1", "wrong password");
        }
        throttle.succeeded("op", "10.0.0.1");
        throttle.failed("op", "10.0.0.1", "wrong password");
        throttle.failed("op", "10.0.0.1", "wrong password");
        assertThat(throttle.check("op", "10.0.0.1")).isInstanceOf(LoginThrottle.Allowed.class);
        clock.advance(Duration.ofMinutes(16));
        throttle.failed("op", "10.0.0.1", "wrong password");
        assertThat(throttle.check("op", "10.0.0.1")).isInstanceOf(LoginThrottle.Allowed.class);
    }

    @Test
    void manyUsersFailingFromOneAddressLockTheAddress() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("user-" + i, "10.0.0.9", "unknown user");
        }
        LoginThrottle.Decision d = throttle.check("admin", "10.0.0.9");
        assertThat(d).isEqualTo(new LoginThrottle.Locked(Duration.ofSeconds(1), true));
        assertThat(((LoginThrottle.Locked) d).retryAfterSeconds()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1001));
        assertThat(throttle.check("admin", "10.0.0.9")).isInstanceOf(LoginThrottle.Allowed.class);
    }

    @Test
    void disabledThrottleLocksNobodyOut() {
        LoginThrottle off = new LoginThrottle(
                "http", new LoginThrottleProperties(false, 1, 1, null, null, null, null), null, clock);
        for (int i = 0; i < 5; i++) {
            off.failed("op", "10.0.0.1", "wrong password");
        }
        assertThat(off.check("op", "10.0.0.1")).isInstanceOf(LoginThrottle.Allowed.class);
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> new LoginThrottleProperties(true, 0, 5, null, null, null, null))
                .hasMessageContaining("free-failures");
        assertThatThrownBy(() -> new LoginThrottleProperties(
                        true, 3, 5, Duration.ofMinutes(10), Duration.ofMinutes(1), null, null))
                .hasMessageContaining("base-delay");
    }

    @Test
    void userNamesAreLoggedWithoutControlCharacters() {
        assertThat(LoginThrottle.printable("op\r\nFAKE LOG LINE")).isEqualTo("op??FAKE LOG LINE");
        assertThat(LoginThrottle.printable(null)).isEqualTo("?");
    }
}
