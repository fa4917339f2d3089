package io.visionhub.quality.alarm;

import java.time.Instant;

/**
 * A quality alarm: an SPC rule violation (or another quality rule) on a line, station and, where it applies, defect
 * class. Active while {@code cleared} is null.
 *
 * @param id          unique id (UUID)
 * @param rule        what fired, e.g. {@code NELSON_1} (a point beyond the control limits)
 * @param severity    {@code HIGH}, {@code MEDIUM} or {@code LOW}
 * @param line        production line
 * @param station     station, or null for a line-wide alarm
 * @param defectClass defect class of a u-chart, or null for the NG rate
 * @param chart       the chart the rule ran on, e.g. {@code p}, {@code np}, {@code u}
 * @param message     what a person reads on screen
 * @param raised      when it was raised
 * @param cleared     when it was cleared (acknowledged by the process returning in control), null while active
 * @param ledgerSeq   sequence of the ledger record of the raise, null until recorded
 */
public record QualityAlarm(
        String id,
        String rule,
        String severity,
        String line,
        String station,
        String defectClass,
        String chart,
        String message,
        Instant raised,
        Instant cleared,
        Long ledgerSeq) {

    public boolean active() {
        return cleared == null;
    }
}
