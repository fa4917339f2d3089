package io.visionhub.enterprise.outbox;

import java.time.Instant;
import java.util.List;

/**
 * One outbox row (table owned by the ledger, delivered by the enterprise concern).
 *
 * @param mayHaveReached    an attempt was started once (set at the first claim, never cleared, not even by a
 *                          retry of a parked row): every later attempt looks the document up before creating it.
 *                          Only a claim given back unsent ({@link OutboxRepository#release}) restores it
 * @param externalReference the short reference sent in the target's lookup field (delivery.reference20), stored at
 *                          the first claim; null before it
 * @param legacyReference   a row made before Flyway V31: its reference is derived from the key as it was then
 * @param orderingKey       the ordering group (an NCR's document and its items), null for none: a row of a group is
 *                          delivered only after every older row of its group
 */
public record OutboxRow(
        long id,
        String inspectionId,
        String target,
        String documentType,
        String deliveryKey,
        String status,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        String documentNumber,
        Instant createdAt,
        Instant updatedAt,
        boolean mayHaveReached,
        String externalReference,
        boolean legacyReference,
        String orderingKey) {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String PARKED = "PARKED";
    public static final String CANCELLED = "CANCELLED";

    /** Every status a row can have (the CHECK constraint ck_outbox_status of Flyway V1). */
    public static final List<String> STATUSES = List.of(PENDING, DELIVERED, PARKED, CANCELLED);
}
