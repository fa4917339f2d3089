package io.visionhub.access;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exponential back-off after failed logins, per (user, source address) and per source address, kept in memory
 * (a restart forgets it, as it forgets nothing that matters: the ledger records signatures, not logins). After
 * {@code freeFailures} failures of a user from an address, that pair is locked out for {@code baseDelay},
 * doubled with each further failure up to {@code maxDelay}; after {@code sourceFreeFailures} failures from an
 * address for any users (password spraying), the address is locked out the same way. A locked-out attempt is
 * refused without checking its secret and does not count as a new failure, so a caller who waits the lock-out
 * gets in with the right credentials; a success clears the pair's counter.
 *
 * <p>Each refusal is logged at WARN with the protocol, user and address (never the secret) and counted in
 * {@code visionhub.login.refused{protocol, reason}}.
 */
public class LoginThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);

    /** What the caller may do now. */
    public sealed interface Decision permits Allowed, Locked {}

    /** Check the credentials. */
    public record Allowed() implements Decision {}

    /**
     * Refuse without checking.
     *
     * @param retryAfter how long until the next attempt is checked
     * @param bySource   true when the whole address is locked out (many users failed from it)
     */
    public record Locked(Duration retryAfter, boolean bySource) implements Decision {
        /** Whole seconds to wait, rounded up (the HTTP Retry-After value). */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    private static final Allowed ALLOWED = new Allowed();

    private static final class Failures {
        int count;
        Instant last = Instant.EPOCH;
        Instant lockedUntil = Instant.EPOCH;
    }

    private final String protocol;
    private final LoginThrottleProperties props;
    private final Clock clock;
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
    private final Map<String, Failures> bySource = new ConcurrentHashMap<>();
    private final Counter refusedCredentials;
    private final Counter refusedLocked;

    /**
     * @param protocol "http" or "opcua": in logs and the metric's tag
     * @param registry where to count refusals, or null
     */
    public LoginThrottle(String protocol, LoginThrottleProperties props, MeterRegistry registry, Clock clock) {
        this.protocol = protocol;
        this.props = props;
        this.clock = clock;
        this.refusedCredentials = registry == null
                ? null
                : Counter.builder("visionhub.login.refused")
                        .description("logins refused: wrong credentials, or locked out after failures")
                        .tag("protocol", protocol)
                        .tag("reason", "bad_credentials")
                        .register(registry);
        this.refusedLocked = registry == null
                ? null
                : Counter.builder("visionhub.login.refused")
                        .description("logins refused: wrong credentials, or locked out after failures")
                        .tag("protocol", protocol)
                        .tag("reason", "locked_out")
                        .register(registry);
    }

    /** Whether a login of this user from this address may be checked now; logs and counts a refusal. */
    public Decision check(String user, String source) {
        if (!props.enabled()) {
            return ALLOWED;
        }
        Instant now = clock.instant();
        Duration userWait = remaining(byUser.get(key(user, source)), now);
        Duration sourceWait = remaining(bySource.get(source), now);
        if (userWait.isZero() && sourceWait.isZero()) {
            return ALLOWED;
        }
        boolean bySourceLock = sourceWait.compareTo(userWait) > 0;
        Locked locked = new Locked(bySourceLock ? sourceWait : userWait, bySourceLock);
        LOG.warn(
                "{} login refused for user '{}' from {}: locked out after repeated failed logins {}, retry in {} s "
                        + "(visionhub.login-throttle)",
                protocol,
                printable(user),
                source,
                bySourceLock ? "from this address" : "of this user from this address",
                locked.retryAfterSeconds());
        if (refusedLocked != null) {
            refusedLocked.increment();
        }
        return locked;
    }

    /** Records a failed login (wrong password, unknown user, unknown key); logs and counts it. */
    public void failed(String user, String source, String why) {
        Instant now = clock.instant();
        int userFailures = record(byUser, key(user, source), props.freeFailures(), now);
        int sourceFailures = record(bySource, source, props.sourceFreeFailures(), now);
        LOG.warn(
                "{} login refused for user '{}' from {}: {} (failure {} of this user from this address, {} from "
                        + "this address{})",
                protocol,
                printable(user),
                source,
                why,
                userFailures,
                sourceFailures,
                props.enabled() && userFailures >= props.freeFailures()
                        ? "; locked out for "
                                + delay(userFailures, props.freeFailures()).toMillis() + " ms"
                        : "");
        if (refusedCredentials != null) {
            refusedCredentials.increment();
        }
    }

    /** Records a successful login: the pair's failures are forgotten (the address's stay, against spraying). */
    public void succeeded(String user, String source) {
        byUser.remove(key(user, source));
    }

    private int record(Map<String, Failures> map, String key, int free, Instant now) {
        if (map.size() >= props.maxTracked()) {
            forgetOldest(map, now);
        }
        Failures f = map.computeIfAbsent(key, k -> new Failures());
        synchronized (f) {
            if (Duration.between(f.last, now).compareTo(props.resetAfter()) > 0) {
                f.count = 0;
            }
            f.count++;
            f.last = now;
            if (f.count >= free) {
                f.lockedUntil = now.plus(delay(f.count, free));
            }
            return f.count;
        }
    }

    private void forgetOldest(Map<String, Failures> map, Instant now) {
        map.entrySet().removeIf(e -> Duration.between(e.getValue().last, now).compareTo(props.resetAfter()) > 0);
        if (map.size() >= props.maxTracked()) {
            map.entrySet().stream()
                    .min((a, b) -> a.getValue().last.compareTo(b.getValue().last))
                    .ifPresent(e -> map.remove(e.getKey()));
        }
    }

    /** baseDelay * 2^(count - free), at most maxDelay. */
    private Duration delay(int count, int free) {
        int doublings = Math.min(count - free, 30);
        long millis = props.baseDelay().toMillis() << doublings;
        return millis <= 0 || millis > props.maxDelay().toMillis() ? props.maxDelay() : Duration.ofMillis(millis);
    }

    private static Duration remaining(Failures f, Instant now) {
        if (f == null) {
            return Duration.ZERO;
        }
        synchronized (f) {
            return f.lockedUntil.isAfter(now) ? Duration.between(now, f.lockedUntil) : Duration.ZERO;
        }
    }

    private static String key(String user, String source) {
        return source + "\u0000" + user;
    }

    /** The user name as logged: no line breaks or control characters (it comes from the caller), at most 64 chars. */
    public static String printable(String user) {
        if (user == null) {
            return "?";
        }
        String s = user.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
