package io.visionhub.images.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** Disk usage, growth rate, projected days left and the disk-low alarm, with a controlled clock and disk. */
class DiskSpaceMonitorTest {

    private static final long GIB = 1024L * 1024 * 1024;

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");

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
    }

    @Test
    void growthGivesTheDaysLeftAndTheAlarmIsRaisedBeforeTheDiskIsFull() {
        MovingClock clock = new MovingClock();
        AtomicLong free = new AtomicLong(50 * GIB);
        RetentionProperties props = new RetentionProperties(true, 30, 0, 0, 0, null, null, 10.0, null, null);
        DiskSpaceMonitor m = new DiskSpaceMonitor(
                Path.of("data/images"), props, clock, f -> new DiskSpaceMonitor.Space(100 * GIB, free.get()));
        DiskHealthIndicator health = new DiskHealthIndicator(m, props);

        DiskSpaceMonitor.Status first = m.sample();
        assertThat(first.daysLeft()).as("one sample: no rate yet").isNull();
        assertThat(first.low()).isFalse();

        // the 2 fps station of the issue: about 14 GB a day
        clock.now = clock.now.plus(Duration.ofHours(6));
        free.addAndGet(-14 * GIB / 4);
        DiskSpaceMonitor.Status later = m.sample();
        assertThat(later.growthBytesPerDay()).isCloseTo(14.0 * GIB, Offset.offset(1.0 * GIB));
        assertThat(later.daysLeft()).isCloseTo(46.5 / 14, Offset.offset(0.05));
        Health up = health.health();
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(up.getDetails()).containsKeys("freeBytes", "growthBytesPerDay", "daysLeft", "retention");

        // below 10 % free: the alarm, with the days left, while the disk still has room
        clock.now = clock.now.plus(Duration.ofDays(2));
        free.set(9 * GIB);
        DiskSpaceMonitor.Status low = m.sample();
        assertThat(low.low()).isTrue();
        assertThat(low.problem()).contains("below the disk-low limit").contains("full in about");
        assertThat(health.health().getStatus()).isEqualTo(DiskHealthIndicator.DEGRADED);

        // full: DOWN at once (read live, not at the next minute's sample), with what cannot be written
        free.set(4096);
        Health full = health.health();
        assertThat(full.getStatus()).isEqualTo(Status.DOWN);
        assertThat(String.valueOf(full.getDetails().get("problem")))
                .startsWith("disk full: 4096 bytes free")
                .contains("parts wait at their camera source");

        free.set(40 * GIB); // pruned
        assertThat(m.sample().low()).isFalse();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void anAbsoluteLimitAndBadSettingsAreNamed() {
        RetentionProperties props = new RetentionProperties(true, 30, 0, 0, 0, null, null, 0.0, 20 * GIB, null);
        DiskSpaceMonitor m = new DiskSpaceMonitor(
                Path.of("data/images"),
                props,
                new MovingClock(),
                f -> new DiskSpaceMonitor.Space(1000 * GIB, 19 * GIB));
        assertThat(m.sample().low()).isTrue();
        assertThatThrownBy(() -> new RetentionProperties(true, -1, 0, 0, 0, null, null, null, null, null))
                .hasMessageContaining("visionhub.retention.ok-days");
        assertThatThrownBy(() -> new RetentionProperties(true, 1, 0, 0, 0, null, null, 100.0, null, null))
                .hasMessageContaining("disk-low-percent");
    }

    @Test
    void theRealDiskIsReadEvenBeforeTheImageFolderExists(@TempDir Path dir) {
        DiskSpaceMonitor m =
                new DiskSpaceMonitor(dir.resolve("not/yet/images"), RetentionProperties.defaults(), Clock.systemUTC());
        DiskSpaceMonitor.Status s = m.sample();
        assertThat(s.totalBytes()).isPositive();
        assertThat(s.problem() == null || !s.problem().contains("cannot read")).isTrue();
    }
}
