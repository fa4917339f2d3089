package io.visionhub.context;

import java.time.Instant;
import java.util.List;

/** Durable log of every accepted context change (the shared map keeps only the recent versions). */
public interface ContextHistoryLog {

    void record(ContextChange change);

    /** Changes of a line with validFrom in [from, to), newest first (by epoch, then version), at most limit. */
    List<ContextChange> history(String line, Instant from, Instant to, int limit);

    /**
     * The newest {@code limit} changes of every line within its newest epoch (since its last reset, the reset's own row
     * first), oldest first per line (to restore the map after a restart).
     */
    List<ContextChange> latestOfEachLine(int limit);
}
