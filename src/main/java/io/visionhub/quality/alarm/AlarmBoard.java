package io.visionhub.quality.alarm;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The active quality alarms of the hub, which screens show and outputs publish. Implemented by the SPC monitor's
 * alarm service; screens look it up as an optional bean (no board, no alarms shown).
 */
public interface AlarmBoard {

    /** Active alarms, newest first. */
    List<QualityAlarm> active();

    /** Active alarms of one line, newest first. */
    default List<QualityAlarm> active(String line) {
        return active().stream().filter(a -> line.equals(a.line())).toList();
    }

    /** Alarms of one line raised in [from, to), active or cleared, oldest first (for shift reports). */
    List<QualityAlarm> raisedBetween(String line, Instant from, Instant to);

    /** Called on each raise and each clear (the alarm as it is now), on the raising thread: keep it short. */
    void addListener(Consumer<QualityAlarm> listener);
}
