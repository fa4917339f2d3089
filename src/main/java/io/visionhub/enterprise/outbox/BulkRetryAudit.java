package io.visionhub.enterprise.outbox;

import java.time.Instant;

/**
 * The one audit record of a bulk retry: who, why, the filter, how many PARKED rows it moved to PENDING and the
 * lowest and highest of their ids (null when it moved none).
 */
public record BulkRetryAudit(
        String actor, String reason, BulkRetryFilter filter, int count, Long firstId, Long lastId, Instant at) {}
