package io.visionhub.enterprise.outbox;

import java.time.Instant;

/** One integrator action on an outbox row: who, what, when, the status before and after, the error it replaced, why. */
public record OutboxAuditEntry(
        long outboxId,
        String action,
        String actor,
        String reason,
        String oldStatus,
        String newStatus,
        String oldError,
        Instant at) {}
