package io.visionhub.vision.challenger;

import java.util.List;

/**
 * Where a challenger run keeps its figures so that they survive a restart of the hub: counters, the latest outcomes
 * (for the confusion against dispositions) and disagreements. Implementations are thread-safe; a failing store must
 * never stop a challenger (the run logs and carries on in memory).
 */
public interface ChallengerStore {

    /** A run's counters. */
    record Counts(long offered, long compared, long agreed, long skipped, long failed, String lastError) {}

    /**
     * What was kept of a run.
     *
     * @param outcomes      the latest outcomes, oldest first
     * @param disagreements the latest disagreements, latest first
     */
    record Saved(Counts counts, List<Outcome> outcomes, List<ChallengerRun.Disagreement> disagreements) {}

    /** The saved state of the station's run of the challenger at {@code location}, or null when none. */
    Saved load(String station, String location, int keepOutcomes, int keepDisagreements);

    /**
     * Saves one judged frame (number {@code counts.compared()} of the run) with the counters after it, and drops
     * outcomes older than the latest {@code keepOutcomes}.
     *
     * @param disagreement set when the verdicts differ, else null
     */
    void record(
            String station,
            String location,
            Counts counts,
            Outcome outcome,
            ChallengerRun.Disagreement disagreement,
            int keepOutcomes);

    /** Saves the counters alone (frames skipped or failed, at shutdown). */
    void saveCounts(String station, String location, Counts counts);

    /** Forgets the run (the challenger was stopped or replaced: its figures go). */
    void forget(String station, String location);
}
