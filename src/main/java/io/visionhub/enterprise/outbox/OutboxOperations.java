package io.visionhub.enterprise.outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * What an integrator does with parked deliveries (REST /api/outbox): list, retry, cancel. Every retry and
 * cancel writes an audit entry (who, what, when, old and new status, the error it replaced, the reason).
 */
public class OutboxOperations {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxOperations.class);

    /** Outcome of a retry or cancel: the row after it, or why nothing changed. */
    public record Result(boolean changed, int httpStatus, String message, OutboxRow row) {
    }

    private final OutboxRepository repo;
    private final Clock clock;

    public OutboxOperations(OutboxRepository repo, Clock clock) {
        this.repo = repo;
        this.clock = clock;
    }

    public List<OutboxRow> list(String status, int limit) {
        if (status != null && !status.isBlank() && !List.of(OutboxRow.PENDING, OutboxRow.DELIVERED, OutboxRow.PARKED,
                OutboxRow.CANCELLED).contains(status)) {
            throw new IllegalArgumentException("status must be PENDING, DELIVERED, PARKED or CANCELLED, not '" + status + "'");
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, not " + limit);
        }
        return repo.list(status, limit);
    }

    public java.util.Optional<OutboxRow> find(long id) {
        return repo.find(id);
    }

    public Result retry(long id, String actor, String reason) {
        return change(id, actor, reason, "RETRY", OutboxRow.PARKED, OutboxRow.PENDING);
    }

    public Result cancel(long id, String actor, String reason) {
        return change(id, actor, reason, "CANCEL", null, OutboxRow.CANCELLED);
    }

    public List<OutboxAuditEntry> audit(long id) {
        return repo.auditOf(id);
    }

    private synchronized Result change(long id, String actor, String reason, String action, String requiredStatus,
                                       String newStatus) {
        OutboxRow before = repo.find(id).orElse(null);
        if (before == null) {
            return new Result(false, 404, "no outbox row " + id, null);
        }
        boolean ok = "RETRY".equals(action) ? repo.requeue(id, clock.instant()) : repo.cancel(id, clock.instant());
        if (!ok) {
            String allowed = requiredStatus != null ? requiredStatus : "PENDING or PARKED";
            return new Result(false, 409, "outbox row " + id + " is " + before.status() + "; " + action.toLowerCase()
                    + " needs " + allowed, before);
        }
        repo.audit(id, action, actor, reason, before.status(), newStatus, before.lastError(), clock.instant());
        LOG.info("Outbox row {} ({} {} for inspection {}): {} by {} ({} -> {}){}", id, before.target(),
                before.documentType(), before.inspectionId(), action, actor, before.status(), newStatus,
                reason == null ? "" : ", reason: " + reason);
        return new Result(true, 200, action.toLowerCase() + " done", repo.find(id).orElse(before));
    }
}
