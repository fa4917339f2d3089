package io.visionhub.enterprise.outbox;

import io.visionhub.enterprise.DeliveryInput;
import io.visionhub.ledger.store.DatabaseKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ParameterizedPreparedStatementSetter;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SQL on the outbox (H2 and PostgreSQL). Claiming is optimistic: a row is claimed by moving its
 * {@code next_attempt_at} forward by a lease while it is still due, so two deliverers (two nodes) never take
 * the same row, and a row whose deliverer died becomes due again when the lease ends.
 */
public class OutboxRepository {

    private static final String COLUMNS = "id, inspection_id, target, document_type, delivery_key, status, attempts, "
            + "next_attempt_at, last_error, document_number, created_at, updated_at, may_have_reached, external_reference, "
            + "legacy_reference, ordering_key";
    private static final int MAX_ERROR = 3900;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public OutboxRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    private static final RowMapper<OutboxRow> ROW = (ResultSet rs, int n) -> new OutboxRow(
            rs.getLong("id"),
            rs.getString("inspection_id"),
            rs.getString("target"),
            rs.getString("document_type"),
            rs.getString("delivery_key"),
            rs.getString("status"),
            rs.getInt("attempts"),
            instant(rs, "next_attempt_at"),
            rs.getString("last_error"),
            rs.getString("document_number"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"),
            rs.getBoolean("may_have_reached"),
            rs.getString("external_reference"),
            rs.getBoolean("legacy_reference"),
            rs.getString("ordering_key"));

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    /**
     * PENDING rows that are due, oldest first. A row of an ordering group (ordering_key, e.g. an NCR's document
     * and its items) is due only when no older row of its group is still PENDING (in flight or waiting to retry).
     */
    public List<OutboxRow> due(Instant now, int limit) {
        return due(now, null, limit);
    }

    /**
     * As {@link #due(Instant, int)}, and a row whose next attempt lies beyond {@code clockBack} counts as due too: no
     * backoff or lease the deliverer sets reaches that far, so it was set before the clock went back (an NTP step, a
     * box booted with a wrong RTC) and would otherwise wait for the size of the step. Null: none counts.
     */
    public List<OutboxRow> due(Instant now, Instant clockBack, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Instant back = clockBack == null ? NEVER : clockBack;
        // ungrouped rows through ix_outbox_ordering (ordering_key IS NULL, status, id): a group's backlog is not
        // walked; only ungrouped PENDING rows that are not due yet (leased, backing off) are passed over
        List<OutboxRow> due = new ArrayList<>(jdbc.query(
                "SELECT " + COLUMNS + " FROM outbox WHERE ordering_key IS NULL AND status = 'PENDING' AND "
                        + "(next_attempt_at IS NULL OR next_attempt_at <= ? OR next_attempt_at > ?) "
                        + "ORDER BY ordering_key, status, id LIMIT ?",
                ROW,
                ts(now),
                ts(back),
                limit));
        // a grouped row is due only as its group's head (no older PENDING row of the group) and when due itself
        for (OutboxRow head : groupHeads()) {
            if (head.nextAttemptAt() == null
                    || !head.nextAttemptAt().isAfter(now)
                    || head.nextAttemptAt().isAfter(back)) {
                due.add(head);
            }
        }
        due.sort(Comparator.comparingLong(OutboxRow::id));
        return due.size() <= limit ? due : new ArrayList<>(due.subList(0, limit));
    }

    /**
     * The oldest PENDING row of every ordering group that has one, in key order: a skip scan of ix_outbox_pending_groups
     * (status, ordering_key, id), one index probe per group (the first entry past the previous group's key is the
     * next group's oldest row), so the cost follows the number of groups, not their backlog.
     */
    List<OutboxRow> groupHeads() {
        List<OutboxRow> heads = new ArrayList<>();
        // '' is below every key: a seek that passes over no ungrouped (NULL) entry, wherever NULLs sort
        List<OutboxRow> next = jdbc.query(GROUP_AT_OR_AFTER, ROW, "");
        while (!next.isEmpty()) {
            OutboxRow head = next.get(0);
            heads.add(head);
            next = jdbc.query(GROUP_AFTER, ROW, head.orderingKey(), seekPast(head.orderingKey()));
        }
        return heads;
    }

    private static final String GROUP_AT_OR_AFTER = "SELECT " + COLUMNS + " FROM outbox WHERE status = 'PENDING' AND "
            + "ordering_key >= ? ORDER BY status, ordering_key, id LIMIT 1";
    // "> key" decides; ">= seek" only lets H2 start the index scan past the key's entries (H2 starts a "> key" range
    // at the key and walks its entries: the group's whole backlog)
    private static final String GROUP_AFTER = "SELECT " + COLUMNS + " FROM outbox WHERE status = 'PENDING' AND "
            + "ordering_key > ? AND ordering_key >= ? ORDER BY status, ordering_key, id LIMIT 1";

    /** the database this repository talks to, looked up once (its SQL differs in two places) */
    private DatabaseKind kind;

    private DatabaseKind kind() {
        if (kind == null) {
            kind = DatabaseKind.of(jdbc);
        }
        return kind;
    }

    /**
     * The lowest bound at or below the next key after {@code key}: on H2 (strings compared by UTF-16 code unit, no
     * collation in the hub's URL) {@code key + U+0000}, the smallest string above it; elsewhere {@code key} itself
     * (PostgreSQL's collations may order other strings between the two, and its btree seeks past a "> key" anyway).
     */
    private String seekPast(String key) {
        return kind() == DatabaseKind.H2 ? key + '\u0000' : key;
    }

    /** Beyond any next attempt: {@code clockBack} off. */
    private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

    /** The oldest PENDING row of a target, due or not (ordered targets deliver only their head). */
    public Optional<OutboxRow> head(String target) {
        return jdbc
                .query(
                        // the order of ix_outbox_target_head (V34), so one index probe finds it (H2 sorts otherwise);
                        // the row comparison (true of every row the equalities pick) steers PostgreSQL to that index:
                        // by its statistics alone it walks the primary key from the oldest id, through all history
                        "SELECT " + COLUMNS + " FROM outbox WHERE target = ? AND status = 'PENDING' AND "
                                + "(target, status, id) >= (?, 'PENDING', ?) ORDER BY target, status, id LIMIT 1",
                        ROW,
                        target,
                        target,
                        Long.MIN_VALUE)
                .stream()
                .findFirst();
    }

    /**
     * Claims a due row until {@code leaseUntil}, counts the attempt and sets {@code may_have_reached} (so that
     * after a crash mid-delivery, or a retry of a parked row, the next attempt knows an earlier one may have
     * reached the target), and stores {@code reference} as the row's external reference unless it has one
     * already; false when another deliverer took it first. Read the stored reference with {@link #find}.
     */
    public boolean claim(long id, Instant now, Instant leaseUntil, String reference) {
        return claim(id, now, null, leaseUntil, reference);
    }

    /** {@link #claim(long, Instant, Instant, String)} that also takes a row scheduled beyond {@code clockBack}. */
    public boolean claim(long id, Instant now, Instant clockBack, Instant leaseUntil, String reference) {
        return jdbc.update(
                        "UPDATE outbox SET attempts = attempts + 1, may_have_reached = TRUE, "
                                + "external_reference = COALESCE(external_reference, ?), next_attempt_at = ?, updated_at = ? "
                                + "WHERE id = ? AND status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= ? "
                                + "OR next_attempt_at > ?)",
                        reference,
                        ts(leaseUntil),
                        ts(now),
                        id,
                        ts(now),
                        ts(clockBack == null ? NEVER : clockBack))
                == 1;
    }

    /** {@link #claim(long, Instant, Instant, String)} with a new random reference (tests, tools). */
    public boolean claim(long id, Instant now, Instant leaseUntil) {
        return claim(id, now, leaseUntil, DeliveryInput.randomReference20());
    }

    /** Runs {@code work} in one transaction: the repository's calls in it share its connection and its commit. */
    public <T> T inTransaction(java.util.function.Supplier<T> work) {
        return tx.execute(status -> work.get());
    }

    /** A row as the poll read it, and the reference its claim stores unless the row holds one already. */
    public record Claim(OutboxRow row, String reference) {}

    /**
     * Claims several due rows in one transaction (one commit): each as {@link #claim(long, Instant, Instant, Instant,
     * String)} does, and only if the row is still as the poll read it (same attempts, and no reference stored since
     * it read none), so the claimed row is exactly {@code claim.row()} and the reference it now holds is
     * {@code claim.reference()}. Rows are claimed in id order (two nodes claiming overlapping rows on PostgreSQL
     * wait for each other's row locks in the same order, never in a cycle). Answers, per claim in the order given,
     * whether this call took the row (false: another deliverer took it first, or it changed since it was read).
     */
    public boolean[] claimAll(List<Claim> claims, Instant now, Instant clockBack, Instant leaseUntil) {
        return batchInIdOrder(
                claims,
                c -> c.row().id(),
                "UPDATE outbox SET attempts = attempts + 1, may_have_reached = TRUE, external_reference = ?, "
                        + "next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'PENDING' AND attempts = ? "
                        + "AND (external_reference IS NULL OR external_reference = ?) AND (next_attempt_at IS NULL "
                        + "OR next_attempt_at <= ? OR next_attempt_at > ?)",
                (ps, c) -> {
                    ps.setString(1, c.reference());
                    ps.setObject(2, ts(leaseUntil));
                    ps.setObject(3, ts(now));
                    ps.setLong(4, c.row().id());
                    ps.setInt(5, c.row().attempts());
                    ps.setString(6, c.reference());
                    ps.setObject(7, ts(now));
                    ps.setObject(8, ts(clockBack == null ? NEVER : clockBack));
                });
    }

    /** A delivered row's outcome, for {@link #markDeliveredAll}. */
    public record Delivered(long id, int attempts, String documentNumber) {}

    /**
     * Marks several rows DELIVERED in one transaction (one commit), each as {@link #markDelivered} does; answers, per
     * row in the order given, whether it was still PENDING (a row cancelled meanwhile stays CANCELLED).
     */
    public boolean[] markDeliveredAll(List<Delivered> rows, Instant now) {
        return batchInIdOrder(
                rows,
                Delivered::id,
                "UPDATE outbox SET status = 'DELIVERED', attempts = ?, document_number = ?, last_error = NULL, "
                        + "next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status = 'PENDING'",
                (ps, d) -> {
                    ps.setInt(1, d.attempts());
                    ps.setString(2, d.documentNumber());
                    ps.setObject(3, ts(now));
                    ps.setLong(4, d.id());
                });
    }

    /**
     * Runs {@code sql} once per item as one JDBC batch in one transaction (one commit), the items in the order of
     * their row ids (two nodes batching overlapping rows on PostgreSQL wait for each other's row locks in the same
     * order, never in a cycle); answers, per item in the order given, whether its statement changed its row.
     */
    private <T> boolean[] batchInIdOrder(
            List<T> items, ToLongFunction<T> rowId, String sql, ParameterizedPreparedStatementSetter<T> setter) {
        boolean[] changed = new boolean[items.size()];
        if (items.isEmpty()) {
            return changed;
        }
        Integer[] order = new Integer[items.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> rowId.applyAsLong(items.get(i))));
        int[] counts = tx.execute(status -> jdbc.batchUpdate(sql, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int n) throws SQLException {
                setter.setValues(ps, items.get(order[n]));
            }

            @Override
            public int getBatchSize() {
                return items.size();
            }
        }));
        for (int n = 0; n < counts.length; n++) {
            changed[order[n]] = counts[n] == 1;
        }
        return changed;
    }

    /**
     * The oldest PENDING rows of an ordering group, due or not, oldest first, at most {@code limit}: the rows that may
     * be delivered next, in the order they must go (one index range of ix_outbox_ordering, V57).
     */
    public List<OutboxRow> groupRun(String orderingKey, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM outbox WHERE ordering_key = ? AND status = 'PENDING' "
                        + "ORDER BY ordering_key, status, id LIMIT ?",
                ROW,
                orderingKey,
                limit);
    }

    /**
     * Gives claimed rows back unsent (the rest of a run that stopped early): each row as it was before its claim
     * (attempts, whether an earlier attempt may have reached the target) and due now, so the attempt that never
     * went out is not counted and the row does not wait for its lease. The reference the claim stored stays. Only
     * rows this claim still holds change (PENDING, attempts as the claim left them).
     */
    public void release(List<Claim> claims, Instant now) {
        batchInIdOrder(
                claims,
                c -> c.row().id(),
                "UPDATE outbox SET attempts = ?, may_have_reached = ?, next_attempt_at = NULL, updated_at = ? "
                        + "WHERE id = ? AND status = 'PENDING' AND attempts = ?",
                (ps, c) -> {
                    ps.setInt(1, c.row().attempts());
                    ps.setBoolean(2, c.row().mayHaveReached());
                    ps.setObject(3, ts(now));
                    ps.setLong(4, c.row().id());
                    ps.setInt(5, c.row().attempts() + 1);
                });
    }

    public boolean markDelivered(long id, int attempts, String documentNumber, Instant now) {
        return jdbc.update(
                        "UPDATE outbox SET status = 'DELIVERED', attempts = ?, document_number = ?, last_error = NULL, "
                                + "next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status = 'PENDING'",
                        attempts,
                        documentNumber,
                        ts(now),
                        id)
                == 1;
    }

    public boolean markRetry(long id, int attempts, Instant nextAttempt, String error, Instant now) {
        return jdbc.update(
                        "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? "
                                + "WHERE id = ? AND status = 'PENDING'",
                        attempts,
                        ts(nextAttempt),
                        cut(error),
                        ts(now),
                        id)
                == 1;
    }

    public boolean park(long id, int attempts, String error, Instant now) {
        return jdbc.update(
                        "UPDATE outbox SET status = 'PARKED', attempts = ?, next_attempt_at = NULL, last_error = ?, "
                                + "updated_at = ? WHERE id = ? AND status = 'PENDING'",
                        attempts,
                        cut(error),
                        ts(now),
                        id)
                == 1;
    }

    /**
     * PARKED → PENDING, attempts reset, due now. {@code may_have_reached} and the external reference stay: the
     * next attempt looks the document up first, by the reference earlier attempts sent.
     */
    public boolean requeue(long id, Instant now) {
        return jdbc.update(
                        "UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ? "
                                + "WHERE id = ? AND status = 'PARKED'",
                        ts(now),
                        ts(now),
                        id)
                == 1;
    }

    /** PENDING or PARKED → CANCELLED. */
    public boolean cancel(long id, Instant now) {
        return jdbc.update(
                        "UPDATE outbox SET status = 'CANCELLED', next_attempt_at = NULL, updated_at = ? "
                                + "WHERE id = ? AND status IN ('PENDING', 'PARKED')",
                        ts(now),
                        id)
                == 1;
    }

    public Optional<OutboxRow> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE id = ?", ROW, id).stream()
                .findFirst();
    }

    /** The first {@code limit} rows of a status (all when null), oldest first; see {@link #page}. */
    public List<OutboxRow> list(String status, int limit) {
        return page(status, 0, limit);
    }

    /**
     * Rows with an id above {@code afterId}, of a status (all when null), in id order: the id is the row's
     * identity, never reused and never changed, so paging by it neither skips nor repeats a row while rows are
     * added or change status between pages.
     */
    public List<OutboxRow> page(String status, long afterId, int limit) {
        if (status == null || status.isBlank()) {
            return jdbc.query(
                    "SELECT " + COLUMNS + " FROM outbox WHERE id > ? ORDER BY id LIMIT ?", ROW, afterId, limit);
        }
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM outbox WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                ROW,
                status,
                afterId,
                limit);
    }

    /**
     * Moves every PARKED row that matches the filter to PENDING, as {@link #requeue} does one (attempts reset, due
     * now, {@code may_have_reached} and the external reference kept), and writes one audit record naming the
     * actor, the filter, the count and the id range; all in one transaction. Answers the audit record.
     */
    public BulkRetryAudit requeueMatching(BulkRetryFilter filter, String actor, String reason, Instant now) {
        return tx.execute(status -> {
            StringBuilder where = new StringBuilder(" WHERE status = 'PARKED'");
            List<Object> args = new ArrayList<>();
            if (filter.target() != null) {
                where.append(" AND target = ?");
                args.add(filter.target());
            }
            if (filter.from() != null) {
                where.append(" AND created_at >= ?");
                args.add(ts(filter.from()));
            }
            if (filter.to() != null) {
                where.append(" AND created_at < ?");
                args.add(ts(filter.to()));
            }
            Long[] range = jdbc.queryForObject(
                    "SELECT MIN(id), MAX(id) FROM outbox" + where,
                    (rs, n) -> new Long[] {
                        rs.getObject(1) == null ? null : rs.getLong(1), rs.getObject(2) == null ? null : rs.getLong(2)
                    },
                    args.toArray());
            int moved = 0;
            if (range[0] != null) {
                List<Object> updateArgs = new ArrayList<>(List.of(ts(now), ts(now)));
                updateArgs.addAll(args);
                updateArgs.add(range[0]);
                updateArgs.add(range[1]);
                moved = jdbc.update(
                        "UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ?"
                                + where + " AND id BETWEEN ? AND ?",
                        updateArgs.toArray());
            }
            Long first = moved == 0 ? null : range[0];
            Long last = moved == 0 ? null : range[1];
            jdbc.update(
                    "INSERT INTO enterprise_outbox_audit (outbox_id, action, actor, reason, old_status, new_status, at, "
                            + "filter_json, row_count, first_outbox_id, last_outbox_id) VALUES (NULL,'BULK_RETRY',?,?,'PARKED','PENDING',?,?,?,?,?)",
                    actor,
                    reason,
                    ts(now),
                    filter.toJson(),
                    moved,
                    first,
                    last);
            return new BulkRetryAudit(actor, reason, filter, moved, first, last, now);
        });
    }

    /** Bulk retries, newest first (the audit of {@link #requeueMatching}). */
    public List<BulkRetryAudit> bulkRetries(int limit) {
        return jdbc.query(
                "SELECT actor, reason, filter_json, row_count, first_outbox_id, last_outbox_id, at FROM "
                        + "enterprise_outbox_audit WHERE action = 'BULK_RETRY' ORDER BY id DESC LIMIT ?",
                (rs, n) -> new BulkRetryAudit(
                        rs.getString("actor"),
                        rs.getString("reason"),
                        BulkRetryFilter.fromJson(rs.getString("filter_json")),
                        rs.getInt("row_count"),
                        (Long) rs.getObject("first_outbox_id", Long.class),
                        (Long) rs.getObject("last_outbox_id", Long.class),
                        instant(rs, "at")),
                limit);
    }

    /** Rows of one inspection (for the lot trace: document numbers per target). */
    public List<OutboxRow> forInspection(String inspectionId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE inspection_id = ? ORDER BY id", ROW, inspectionId);
    }

    /**
     * Exact rows by status, from one GROUP BY over the whole table: a full scan (of the table or of an index that
     * starts with status) that grows with every row ever delivered, since the outbox is never pruned. For tests,
     * benchmarks and one-off checks; metrics and health read {@link #counts()}.
     */
    public Map<String, Long> countsByStatus() {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbc.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status", rs -> {
            out.put(rs.getString("status"), rs.getLong("n"));
        });
        return out;
    }

    // PENDING, PARKED and CANCELLED stay small (rows wait for a delivery or a person): each is counted exactly
    // through a range of an index that starts with status (ix_outbox_pending_groups; V35 dropped ix_outbox_due, which
    // no other query read); one statement, so the four figures come from one snapshot and one round trip
    private static final String SMALL_STATUS_COUNTS =
            "(SELECT COUNT(*) FROM outbox WHERE status = 'PENDING') AS pending, "
                    + "(SELECT COUNT(*) FROM outbox WHERE status = 'PARKED') AS parked, "
                    + "(SELECT COUNT(*) FROM outbox WHERE status = 'CANCELLED') AS cancelled";

    /**
     * H2: {@code SELECT COUNT(*)} of a whole table is answered from the row count its primary index keeps (EXPLAIN:
     * "direct lookup"), without reading a row; rows of transactions not committed yet are taken out by walking their
     * undo log, not the table.
     */
    static final String COUNTS_H2 = "SELECT " + SMALL_STATUS_COUNTS + ", (SELECT COUNT(*) FROM outbox) AS total";

    /**
     * PostgreSQL counts a whole table by reading it (a sequential or full index scan), so the total is the statistics'
     * live-row figure: pg_stat_get_live_tuples (kept up to date with every committed insert and delete, reported by
     * each backend within about a second; lost after a crash or a statistics reset) or, when larger, pg_class.reltuples
     * (the last VACUUM's or ANALYZE's figure, kept across crashes). The outbox is never pruned, so the larger is the
     * closer. Rows inserted just before a VACUUM or ANALYZE whose backend reports them after it are counted twice
     * until the next one (OutboxRowsGaugeBench: 430 of 1,000,000); the figure is an estimate, not a count.
     */
    static final String COUNTS_POSTGRESQL = "SELECT " + SMALL_STATUS_COUNTS + ", (SELECT GREATEST("
            + "pg_stat_get_live_tuples(c.oid), CAST(c.reltuples AS BIGINT)) FROM pg_class c "
            + "WHERE c.oid = CAST('outbox' AS regclass)) AS total";

    /** Any other database (the hub's SQL is written for H2 and PostgreSQL): DELIVERED counted exactly, row by row. */
    static final String COUNTS_OTHER =
            "SELECT " + SMALL_STATUS_COUNTS + ", (SELECT COUNT(*) FROM outbox WHERE status = 'DELIVERED') AS delivered";

    /** The SQL {@link #counts()} sends to this database. */
    String countsSql() {
        return switch (kind()) {
            case H2 -> COUNTS_H2;
            case POSTGRESQL -> COUNTS_POSTGRESQL;
            case OTHER -> COUNTS_OTHER;
        };
    }

    /**
     * Rows by status in one statement that reads no DELIVERED row: PENDING, PARKED and CANCELLED exact through an index
     * range; DELIVERED the table's row count less those three (no other status exists, ck_outbox_status), exact on
     * H2, an estimate from the statistics on PostgreSQL ({@link OutboxCounts#deliveredEstimated()}).
     */
    public OutboxCounts counts() {
        DatabaseKind db = kind();
        return jdbc.queryForObject(countsSql(), (rs, n) -> {
            long pending = rs.getLong("pending");
            long parked = rs.getLong("parked");
            long cancelled = rs.getLong("cancelled");
            if (db == DatabaseKind.OTHER) {
                return new OutboxCounts(pending, rs.getLong("delivered"), parked, cancelled, false);
            }
            long delivered = Math.max(0L, rs.getLong("total") - pending - parked - cancelled);
            return new OutboxCounts(pending, delivered, parked, cancelled, db == DatabaseKind.POSTGRESQL);
        });
    }

    /** The recorded inspection event (JSON) of a row, or empty when the ledger has no such inspection. */
    public Optional<String> eventJson(String inspectionId) {
        if (inspectionId == null) {
            return Optional.empty();
        }
        return jdbc
                .query("SELECT event_json FROM inspection_event WHERE id = ?", (rs, n) -> rs.getString(1), inspectionId)
                .stream()
                .findFirst();
    }

    public void audit(
            long outboxId,
            String action,
            String actor,
            String reason,
            String oldStatus,
            String newStatus,
            String oldError,
            Instant now) {
        jdbc.update(
                "INSERT INTO enterprise_outbox_audit (outbox_id, action, actor, reason, old_status, new_status, "
                        + "old_error, at) VALUES (?,?,?,?,?,?,?,?)",
                outboxId,
                action,
                actor,
                reason,
                oldStatus,
                newStatus,
                cut(oldError),
                ts(now));
    }

    public List<OutboxAuditEntry> auditOf(long outboxId) {
        return jdbc.query(
                "SELECT outbox_id, action, actor, reason, old_status, new_status, old_error, at "
                        + "FROM enterprise_outbox_audit WHERE outbox_id = ? ORDER BY id",
                (rs, n) -> new OutboxAuditEntry(
                        rs.getLong("outbox_id"),
                        rs.getString("action"),
                        rs.getString("actor"),
                        rs.getString("reason"),
                        rs.getString("old_status"),
                        rs.getString("new_status"),
                        rs.getString("old_error"),
                        instant(rs, "at")),
                outboxId);
    }

    /** Inserts a row as the ledger does (tests, benchmarks, and the quality summary push). */
    public void insert(String inspectionId, String target, String documentType, String key, Instant now) {
        jdbc.update(
                "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts, "
                        + "next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,'PENDING',0,?,?,?)",
                inspectionId,
                target,
                documentType,
                key,
                ts(now),
                ts(now),
                ts(now));
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR) + "…";
    }
}
