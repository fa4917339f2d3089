package io.visionhub.images.retention;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health "imageDisk" (/actuator/health): the disk of the image folder, its free space, growth per day, projected
 * days left and the retention policy; DEGRADED (the disk-low alarm) when free space is below the configured limit,
 * before the disk is full; DOWN while it is full (read live at each check), since no image can be stored then.
 */
public class DiskHealthIndicator extends AbstractHealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "disk low");

    private final DiskSpaceMonitor monitor;
    private final RetentionProperties props;

    public DiskHealthIndicator(DiskSpaceMonitor monitor, RetentionProperties props) {
        super("disk health check failed");
        this.monitor = monitor;
        this.props = props;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        DiskSpaceMonitor.Status s = monitor.status();
        String full = monitor.fullNow();
        builder.status(full != null ? Status.DOWN : s.low() ? DEGRADED : Status.UP)
                .withDetail("folder", s.folder().toAbsolutePath().toString())
                .withDetail("totalBytes", s.totalBytes())
                .withDetail("freeBytes", s.freeBytes())
                .withDetail("freePercent", Math.round(s.freePercent() * 10) / 10.0)
                .withDetail(
                        "growthBytesPerDay",
                        s.growthBytesPerDay() == null ? "not yet measured" : (Object) Math.round(s.growthBytesPerDay()))
                .withDetail(
                        "daysLeft",
                        s.daysLeft() == null
                                ? "not growing or not yet measured"
                                : (Object) (Math.round(s.daysLeft() * 10) / 10.0))
                .withDetail(
                        "retention",
                        props.enabled()
                                ? "ok " + props.okDays() + " d, ng " + props.ngDays()
                                        + " d, uncertain " + props.uncertainDays() + " d, annotated "
                                        + props.annotatedDays()
                                        + " d (0 = for ever)"
                                : "off");
        if (full != null) {
            builder.withDetail("problem", full);
        } else if (s.problem() != null) {
            builder.withDetail("problem", s.problem());
        }
    }
}
