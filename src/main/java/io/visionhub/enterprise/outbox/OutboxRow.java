package io.visionhub.enterprise.outbox;

import java.time.Instant;

/** One outbox row (table owned by the ledger, delivered by the enterprise concern). */
public record OutboxRow(long id, String inspectionId, String target, String documentType, String deliveryKey,
                        String status, int attempts, Instant nextAttemptAt, String lastError, String documentNumber,
                        Instant createdAt, Instant updatedAt) {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String PARKED = "PARKED";
    public static final String CANCELLED = "CANCELLED";
}
