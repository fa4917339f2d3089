package io.visionhub.quality.spc;

import java.time.Instant;
import java.util.Objects;

/**
 * One subgroup of a control chart: {@code inspected} parts, of which {@code count} were nonconforming (p/np charts)
 * or carried {@code count} defects in all (u chart). {@code from}/{@code to} say which inspections it covers, so a
 * point on a chart can be traced to its ledger records.
 */
public record Subgroup(Instant from, Instant to, long inspected, long count) {

    public Subgroup {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (inspected <= 0) {
            throw new IllegalArgumentException("a subgroup needs at least one inspected part, got " + inspected);
        }
        if (count < 0) {
            throw new IllegalArgumentException("a subgroup's count cannot be negative, got " + count);
        }
    }
}
