package io.visionhub.images.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Retention of stored images ({@code visionhub.retention.*}). Days are counted from the frame's capture time;
 * 0 keeps those images for ever. The ledger records stay whole: each pruning run appends an IMAGES_PRUNED record
 * naming every image it removed.
 *
 * @param enabled           run the pruner
 * @param okDays            frames of OK inspections are removed after this many days
 * @param ngDays            frames of NG inspections
 * @param uncertainDays     frames of UNCERTAIN (and any other non-OK/NG) inspections
 * @param annotatedDays     annotated copies (boxes drawn), whatever the verdict
 * @param interval          how often the pruner and the disk check run
 * @param batch             most images removed by one ledger record (a run writes several when more are due)
 * @param diskLowPercent    disk-low alarm when the free space of the image folder's disk falls below this share
 * @param diskLowBytes      … or below this many bytes (0: off)
 * @param growthWindow      the recent period the growth rate (for the projected days left) is measured over
 */
@ConfigurationProperties(prefix = "visionhub.retention")
public record RetentionProperties(
        Boolean enabled,
        Integer okDays,
        Integer ngDays,
        Integer uncertainDays,
        Integer annotatedDays,
        Duration interval,
        Integer batch,
        Double diskLowPercent,
        Long diskLowBytes,
        Duration growthWindow) {

    public RetentionProperties {
        enabled = enabled == null || enabled;
        okDays = orDefault(okDays, 30, "ok-days");
        ngDays = orDefault(ngDays, 0, "ng-days");
        uncertainDays = orDefault(uncertainDays, 0, "uncertain-days");
        annotatedDays = orDefault(annotatedDays, 0, "annotated-days");
        interval = interval == null ? Duration.ofHours(1) : interval;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("visionhub.retention.interval must be positive, not " + interval);
        }
        batch = batch == null ? 1000 : batch;
        if (batch < 1 || batch > 10_000) {
            throw new IllegalArgumentException("visionhub.retention.batch must be 1..10000, not " + batch);
        }
        diskLowPercent = diskLowPercent == null ? 10.0 : diskLowPercent;
        if (diskLowPercent < 0 || diskLowPercent >= 100) {
            throw new IllegalArgumentException(
                    "visionhub.retention.disk-low-percent must be 0..99, not " + diskLowPercent);
        }
        diskLowBytes = diskLowBytes == null ? 0L : diskLowBytes;
        if (diskLowBytes < 0) {
            throw new IllegalArgumentException(
                    "visionhub.retention.disk-low-bytes must be 0 or more, not " + diskLowBytes);
        }
        growthWindow = growthWindow == null ? Duration.ofHours(24) : growthWindow;
    }

    public static RetentionProperties defaults() {
        return new RetentionProperties(null, null, null, null, null, null, null, null, null, null);
    }

    private static int orDefault(Integer days, int fallback, String key) {
        int d = days == null ? fallback : days;
        if (d < 0) {
            throw new IllegalArgumentException(
                    "visionhub.retention." + key + " must be 0 (keep for ever) or more days, not " + d);
        }
        return d;
    }

    /** Days a frame of this verdict is kept (0: for ever). */
    public int daysFor(String result) {
        return "OK".equals(result) ? okDays : "NG".equals(result) ? ngDays : uncertainDays;
    }
}
