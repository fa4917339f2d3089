package io.visionhub.enterprise.outbox;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an integrator does with parked deliveries (REST /api/outbox): list, retry, cancel. Every retry and
 * cancel writes an audit entry (who, what, when, old and new status, the error it replaced, the reason).
 */
public class OutboxOperations {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxOperations.class);

    /** Outcome of a retry or cancel: the row after it, or why nothing changed. */
    public record Result(boolean changed, int httpStatus, String message, OutboxRow row) {}

    private final OutboxRepository repo;
    private final Clock clock;

    public OutboxOperations(OutboxRepository repo, Clock clock) {
        this.repo = repo;
        this.clock = clock;
    }

    /**
     * One page of rows in id order: {@code rows}, and {@code next}, the cursor (the last row's id, as text) to pass
     * as {@code after} for the following page, or null when this page is the last.
     */
    public record Page(List<OutboxRow> rows, String next) {}

    public List<OutboxRow> list(String status, int limit) {
        return page(status, null, limit).rows();
    }

    /** Rows of a status (all when null) after the cursor {@code after} (null: from the start), in id order. */
    public Page page(String status, String after, int limit) {
        if (status != null
                && !status.isBlank()
                && !List.of(OutboxRow.PENDING, OutboxRow.DELIVERED, OutboxRow.PARKED, OutboxRow.CANCELLED)
                        .contains(status)) {
            throw new IllegalArgumentException(
                    "status must be PENDING, DELIVERED, PARKED or CANCELLED, not '" + status + "'");
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, not " + limit);
        }
        long afterId = 0;
        if (after != null && !after.isBlank()) {
            try {
                afterId = Long.parseLong(after);
            } catch (NumberFormatException e) {
                afterId = -1;
            }
            if (afterId < 0) {
                throw new IllegalArgumentException(
                        "after must be the 'next' cursor of a previous page (a row id), not '" + after + "'");
            }
        }
        // One row more than asked tells whether another page follows, without a count.
        List<OutboxRow> rows = repo.page(status, afterId, limit + 1);
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<OutboxRow> page = List.copyOf(rows.subList(0, limit));
        return new Page(page, String.valueOf(page.get(limit - 1).id()));
    }

    /**
     * Retries every PARKED row the filter matches (as {@link #retry} does one) with one audit record naming the
     * actor, the filter, the count and the id range.
     */
    public BulkRetryAudit retryMatching(BulkRetryFilter filter, String actor, String reason) {
        BulkRetryAudit a = repo.requeueMatching(filter, actor, reason, clock.instant());
        LOG.info(
                "Outbox bulk retry by {}: {} parked row(s) back to PENDING (ids {}..{}), filter {}{}",
                actor,
                a.count(),
                a.firstId(),
                a.lastId(),
                filter.toJson(),
                reason == null ? "" : ", reason: " + reason);
        return a;
    }

    public List<BulkRetryAudit> bulkRetries(int limit) {
        return repo.bulkRetries(limit);
    }

    public Optional<OutboxRow> find(long id) {
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

    private synchronized Result change(
            long id, String actor, String reason, String action, String requiredStatus, String newStatus) {
        OutboxRow before = repo.find(id).orElse(null);
        if (before == null) {
            return new Result(false, 404, "no outbox row " + id, null);
        }
        boolean ok = "RETRY".equals(action) ? repo.requeue(id, clock.instant()) : repo.cancel(id, clock.instant());
        if (!ok) {
            String allowed = requiredStatus != null ? requiredStatus : "PENDING or PARKED";
            return new Result(
                    false,
                    409,
                    "outbox row " + id + " is " + before.status() + "; " + action.toLowerCase() + " needs " + allowed,
                    before);
        }
        repo.audit(id, action, actor, reason, before.status(), newStatus, before.lastError(), clock.instant());
        LOG.info(
                "Outbox row {} ({} {} for inspection {}): {} by {} ({} -> {}){}",
                id,
                before.target(),
                before.documentType(),
                before.inspectionId(),
                action,
                actor,
                before.status(),
                newStatus,
                reason == null ? "" : ", reason: " + reason);
        return new Result(
                true, 200, action.toLowerCase() + " done", repo.find(id).orElse(before));
    }
}
