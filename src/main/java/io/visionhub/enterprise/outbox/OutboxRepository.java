package io.visionhub.enterprise.outbox;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL on the outbox (H2 and PostgreSQL). Claiming is optimistic: a row is claimed by moving its
 * {@code next_attempt_at} forward by a lease while it is still due, so two deliverers (two nodes) never take
 * the same row, and a row whose deliverer died becomes due again when the lease ends.
 */
public class OutboxRepository {

    private static final String COLUMNS = "id, inspection_id, target, document_type, delivery_key, status, attempts, "
            + "next_attempt_at, last_error, document_number, created_at, updated_at";
    private static final int MAX_ERROR = 3900;

    private final JdbcTemplate jdbc;

    public OutboxRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    private static final RowMapper<OutboxRow> ROW = (ResultSet rs, int n) -> new OutboxRow(rs.getLong("id"),
            rs.getString("inspection_id"), rs.getString("target"), rs.getString("document_type"),
            rs.getString("delivery_key"), rs.getString("status"), rs.getInt("attempts"), instant(rs, "next_attempt_at"),
            rs.getString("last_error"), rs.getString("document_number"), instant(rs, "created_at"), instant(rs, "updated_at"));

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    /** PENDING rows that are due, oldest first, of targets not in {@code excludedTargets}. */
    public List<OutboxRow> due(Instant now, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE status = 'PENDING' AND "
                + "(next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?", ROW, ts(now), limit);
    }

    /** The oldest PENDING row of a target, due or not (ordered targets deliver only their head). */
    public Optional<OutboxRow> head(String target) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE status = 'PENDING' AND target = ? ORDER BY id LIMIT 1",
                ROW, target).stream().findFirst();
    }

    /**
     * Claims a due row until {@code leaseUntil} and counts the attempt (so that after a crash mid-delivery the
     * next attempt knows an earlier one may have reached the target); false when another deliverer took it first.
     */
    public boolean claim(long id, Instant now, Instant leaseUntil) {
        return jdbc.update("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'PENDING' "
                + "AND (next_attempt_at IS NULL OR next_attempt_at <= ?)", ts(leaseUntil), ts(now), id, ts(now)) == 1;
    }

    public boolean markDelivered(long id, int attempts, String documentNumber, Instant now) {
        return jdbc.update("UPDATE outbox SET status = 'DELIVERED', attempts = ?, document_number = ?, last_error = NULL, "
                + "next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status = 'PENDING'",
                attempts, documentNumber, ts(now), id) == 1;
    }

    public boolean markRetry(long id, int attempts, Instant nextAttempt, String error, Instant now) {
        return jdbc.update("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'PENDING'", attempts, ts(nextAttempt), cut(error), ts(now), id) == 1;
    }

    public boolean park(long id, int attempts, String error, Instant now) {
        return jdbc.update("UPDATE outbox SET status = 'PARKED', attempts = ?, next_attempt_at = NULL, last_error = ?, "
                + "updated_at = ? WHERE id = ? AND status = 'PENDING'", attempts, cut(error), ts(now), id) == 1;
    }

    /** PARKED → PENDING, attempts reset, due now. */
    public boolean requeue(long id, Instant now) {
        return jdbc.update("UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'PARKED'", ts(now), ts(now), id) == 1;
    }

    /** PENDING or PARKED → CANCELLED. */
    public boolean cancel(long id, Instant now) {
        return jdbc.update("UPDATE outbox SET status = 'CANCELLED', next_attempt_at = NULL, updated_at = ? "
                + "WHERE id = ? AND status IN ('PENDING', 'PARKED')", ts(now), id) == 1;
    }

    public Optional<OutboxRow> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE id = ?", ROW, id).stream().findFirst();
    }

    public List<OutboxRow> list(String status, int limit) {
        if (status == null || status.isBlank()) {
            return jdbc.query("SELECT " + COLUMNS + " FROM outbox ORDER BY id DESC LIMIT ?", ROW, limit);
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE status = ? ORDER BY id LIMIT ?", ROW, status, limit);
    }

    /** Rows of one inspection (for the lot trace: document numbers per target). */
    public List<OutboxRow> forInspection(String inspectionId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE inspection_id = ? ORDER BY id", ROW, inspectionId);
    }

    public Map<String, Long> countsByStatus() {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbc.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status", rs -> {
            out.put(rs.getString("status"), rs.getLong("n"));
        });
        return out;
    }

    /** The recorded inspection event (JSON) of a row, or empty when the ledger has no such inspection. */
    public Optional<String> eventJson(String inspectionId) {
        if (inspectionId == null) {
            return Optional.empty();
        }
        return jdbc.query("SELECT event_json FROM inspection WHERE id = ?", (rs, n) -> rs.getString(1), inspectionId)
                .stream().findFirst();
    }

    public void audit(long outboxId, String action, String actor, String reason, String oldStatus, String newStatus,
                      String oldError, Instant now) {
        jdbc.update("INSERT INTO enterprise_outbox_audit (outbox_id, action, actor, reason, old_status, new_status, "
                + "old_error, at) VALUES (?,?,?,?,?,?,?,?)", outboxId, action, actor, reason, oldStatus, newStatus,
                cut(oldError), ts(now));
    }

    public List<OutboxAuditEntry> auditOf(long outboxId) {
        return jdbc.query("SELECT outbox_id, action, actor, reason, old_status, new_status, old_error, at "
                + "FROM enterprise_outbox_audit WHERE outbox_id = ? ORDER BY id", (rs, n) -> new OutboxAuditEntry(
                rs.getLong("outbox_id"), rs.getString("action"), rs.getString("actor"), rs.getString("reason"),
                rs.getString("old_status"), rs.getString("new_status"), rs.getString("old_error"), instant(rs, "at")), outboxId);
    }

    /** Inserts a row as the ledger does (tests, benchmarks, and the quality summary push). */
    public void insert(String inspectionId, String target, String documentType, String key, Instant now) {
        jdbc.update("INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts, "
                + "next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,'PENDING',0,?,?,?)",
                inspectionId, target, documentType, key, ts(now), ts(now), ts(now));
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR) + "…";
    }
}
