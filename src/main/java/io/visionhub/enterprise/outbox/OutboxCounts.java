package io.visionhub.enterprise.outbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outbox's rows by status, as one reading ({@link OutboxRepository#counts()}). PENDING (in flight or waiting
 * for a retry: a claimed row stays PENDING under its lease), PARKED and CANCELLED are exact counts; DELIVERED is
 * the table's row count less those three (the migrations allow no other status): exact on H2, where the row count
 * is kept by the table; on PostgreSQL the row count is the statistics' live-row figure, so DELIVERED is an
 * estimate there ({@code deliveredEstimated}).
 */
public record OutboxCounts(long pending, long delivered, long parked, long cancelled, boolean deliveredEstimated) {

    /** The count of one status (PENDING, DELIVERED, PARKED, CANCELLED); 0 for any other. */
    public long of(String status) {
        return switch (status) {
            case OutboxRow.PENDING -> pending;
            case OutboxRow.DELIVERED -> delivered;
            case OutboxRow.PARKED -> parked;
            case OutboxRow.CANCELLED -> cancelled;
            default -> 0L;
        };
    }

    /**
     * Status to count, as {@link OutboxRepository#countsByStatus()} answers: only the statuses that have rows, in
     * the order PENDING, DELIVERED, PARKED, CANCELLED (the health indicator's {@code rows} detail).
     */
    public Map<String, Long> asMap() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String status : OutboxRow.STATUSES) {
            long n = of(status);
            if (n > 0) {
                out.put(status, n);
            }
        }
        return out;
    }
}
