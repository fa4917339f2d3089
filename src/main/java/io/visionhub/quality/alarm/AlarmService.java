package io.visionhub.quality.alarm;

import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.quality.spc.NelsonRule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The SPC alarms: a Nelson rule that fires on a chart raises an alarm (one active alarm per station, chart, defect
 * class and rule); it clears when the rule has not fired for {@code clear-after} subgroups in a row, or when a person
 * acknowledges it. Each raise and clear is recorded in the ledger (record type {@value #RECORD_TYPE}, with the
 * {@code quality_alarm} row in the same transaction) on the service's own thread, and only then shown to the
 * listeners (screens, the {@code quality:alarms} route that publishes on MQTT and OPC UA): nothing about an alarm
 * leaves the hub that the ledger does not hold. With an {@link AlarmDocuments} target, the raise (and optionally the
 * clear) also writes its enterprise outbox row in that transaction.
 */
public class AlarmService implements AlarmBoard, AutoCloseable {

    public static final String RECORD_TYPE = "QUALITY_ALARM";
    /** Who clears an alarm whose rule stopped firing. */
    public static final String CLEARED_BY_SPC = "spc";

    private static final Logger LOG = LoggerFactory.getLogger(AlarmService.class);
    private static final String COLUMNS =
            "id, ledger_seq, rule, severity, line, station, defect_class, chart, message, raised_at, cleared_at, "
                    + "cleared_by, clear_reason";
    private static final String INSERT = "INSERT INTO quality_alarm (id, ledger_seq, rule, severity, line, station, "
            + "defect_class, chart, message, raised_at, enterprise_target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String CLEAR = "UPDATE quality_alarm SET cleared_at = ?, cleared_by = ?, clear_reason = ?, "
            + "clear_ledger_seq = ? WHERE id = ?";

    /** An alarm as the history lists it: the alarm, and who cleared it why (null while active). */
    public record Recorded(QualityAlarm alarm, String clearedBy, String clearReason) {}

    /** An active alarm and the subgroups in a row its rule has not fired on. */
    private static final class Entry {
        QualityAlarm alarm;
        int inControl;

        Entry(QualityAlarm alarm) {
            this.alarm = alarm;
        }
    }

    private final JdbcInspectionLedger ledger;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    /** active alarms by source and rule (guarded by this) */
    private final Map<String, Entry> active = new LinkedHashMap<>();

    private final List<Consumer<QualityAlarm>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService recorder;
    /** the enterprise documents of the alarms; null: alarms are not sent to an enterprise target */
    private final AlarmDocuments documents;

    public AlarmService(JdbcInspectionLedger ledger, DataSource dataSource, Clock clock) {
        this(ledger, dataSource, clock, null);
    }

    /** @param documents where raises (and clears) go as enterprise documents; null: nowhere */
    public AlarmService(JdbcInspectionLedger ledger, DataSource dataSource, Clock clock, AlarmDocuments documents) {
        this.documents = documents;
        this.ledger = ledger;
        this.jdbc = new JdbcTemplate(dataSource);
        this.clock = clock;
        this.recorder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "quality-alarms");
            t.setDaemon(true);
            return t;
        });
        // alarms active when the hub stopped stay active (their in-control count starts again)
        for (Recorded r : jdbc.query(
                "SELECT " + COLUMNS + " FROM quality_alarm WHERE cleared_at IS NULL ORDER BY raised_at", ROW)) {
            QualityAlarm a = r.alarm();
            active.put(AlarmSource.of(a).key(a.rule()), new Entry(a));
        }
        if (!active.isEmpty()) {
            LOG.info("Quality alarms: {} active from before the restart", active.size());
        }
    }

    /** Now, to the microsecond the database keeps (an alarm reads the same from memory and from the table). */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The alarm rule name of a Nelson rule, e.g. NELSON_1. */
    public static String ruleName(NelsonRule rule) {
        return "NELSON_" + rule.number();
    }

    /** HIGH for a point beyond the limits, MEDIUM for shifts and trends, LOW for the patterns of rules 4, 7, 8. */
    public static String severity(NelsonRule rule) {
        return switch (rule) {
            case RULE_1 -> "HIGH";
            case RULE_2, RULE_3, RULE_5, RULE_6 -> "MEDIUM";
            default -> "LOW";
        };
    }

    /**
     * The rules evaluated on a new subgroup of a chart: each rule in {@code fired} raises an alarm unless one is
     * active (then its in-control count starts again); every other active alarm of the chart counts one more
     * subgroup in control and clears at {@code clearAfter}.
     *
     * @param message  the text a person reads, per rule
     * @param evidence the subgroup and limits, recorded with the raise
     */
    public synchronized void evaluated(
            AlarmSource source,
            Set<NelsonRule> fired,
            int clearAfter,
            Function<NelsonRule, String> message,
            Map<String, Object> evidence) {
        for (NelsonRule rule : fired) {
            String name = ruleName(rule);
            Entry e = active.get(source.key(name));
            if (e != null) {
                e.inControl = 0;
                continue;
            }
            QualityAlarm alarm = new QualityAlarm(
                    UUID.randomUUID().toString(),
                    name,
                    severity(rule),
                    source.line(),
                    source.station(),
                    source.defectClass(),
                    source.chart(),
                    message.apply(rule),
                    now(),
                    null,
                    null);
            Entry entry = new Entry(alarm);
            active.put(source.key(name), entry);
            recorder.execute(() -> recordRaise(entry, rule, evidence));
        }
        for (Entry e : List.copyOf(active.values())) {
            QualityAlarm a = e.alarm;
            if (!AlarmSource.of(a).equals(source)
                    || fired.stream().anyMatch(r -> ruleName(r).equals(a.rule()))) {
                continue;
            }
            e.inControl++;
            if (e.inControl >= clearAfter) {
                clear(e, CLEARED_BY_SPC, "back in control for " + e.inControl + " subgroups");
            }
        }
    }

    /**
     * A person acknowledges an active alarm: it clears, recorded with who and why. Returns the cleared alarm once
     * the ledger holds the acknowledgement.
     *
     * @throws NoSuchElementException no alarm with this id
     * @throws IllegalStateException  the alarm is already cleared
     */
    public QualityAlarm acknowledge(String id, String user, String comment) {
        CompletableFuture<QualityAlarm> done;
        synchronized (this) {
            Entry e = active.values().stream()
                    .filter(x -> x.alarm.id().equals(id))
                    .findFirst()
                    .orElse(null);
            if (e == null) {
                List<Recorded> known = jdbc.query("SELECT " + COLUMNS + " FROM quality_alarm WHERE id = ?", ROW, id);
                if (known.isEmpty()) {
                    throw new NoSuchElementException("no quality alarm " + id);
                }
                throw new IllegalStateException("quality alarm " + id + " was already cleared at "
                        + known.get(0).alarm().cleared() + " by " + known.get(0).clearedBy());
            }
            String reason = "acknowledged" + (comment == null || comment.isBlank() ? "" : ": " + comment.strip());
            done = clear(e, user, reason);
        }
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording the acknowledgement of " + id, ex);
        } catch (ExecutionException | TimeoutException ex) {
            Throwable cause = ex.getCause() == null ? ex : ex.getCause();
            throw new IllegalStateException(
                    "the acknowledgement of quality alarm " + id + " was not recorded: " + cause.getMessage(), cause);
        }
    }

    private CompletableFuture<QualityAlarm> clear(Entry e, String by, String reason) {
        QualityAlarm a = e.alarm;
        active.remove(AlarmSource.of(a).key(a.rule()));
        Instant at = now();
        CompletableFuture<QualityAlarm> done = new CompletableFuture<>();
        recorder.execute(() -> {
            try {
                done.complete(recordClear(e, at, by, reason));
            } catch (RuntimeException ex) {
                done.completeExceptionally(ex);
            }
        });
        return done;
    }

    private void recordRaise(Entry entry, NelsonRule rule, Map<String, Object> evidence) {
        QualityAlarm a = entry.alarm;
        Map<String, Object> body = new TreeMap<>();
        body.put("action", "RAISED");
        body.put("alarmId", a.id());
        body.put("rule", a.rule());
        body.put("ruleText", rule.description());
        body.put("severity", a.severity());
        putIfSet(body, "line", a.line());
        putIfSet(body, "station", a.station());
        putIfSet(body, "defectClass", a.defectClass());
        body.put("chart", a.chart());
        body.put("message", a.message());
        body.put("raisedAt", a.raised().toString());
        body.put("subgroup", evidence);
        if (documents != null) {
            body.put("enterpriseTarget", documents.target());
        }
        LedgerReceipt r;
        try {
            List<SqlRow> rows = new ArrayList<>();
            rows.add(SqlRow.of(
                    INSERT,
                    a.id(),
                    SqlRow.SEQUENCE,
                    a.rule(),
                    a.severity(),
                    a.line(),
                    a.station(),
                    a.defectClass(),
                    a.chart(),
                    a.message(),
                    OffsetDateTime.ofInstant(a.raised(), ZoneOffset.UTC),
                    documents == null ? null : documents.target()));
            if (documents != null) {
                // in the raise's transaction: the document is sent exactly when the ledger holds the alarm
                rows.add(documents.raiseRow(a.id(), now()));
            }
            r = ledger.append(new LedgerWrite(RECORD_TYPE, a.id(), CanonicalJson.write(body), rows));
        } catch (RuntimeException ex) {
            // not recorded: not shown or published; the rule raises it again on its next subgroup
            synchronized (this) {
                active.remove(AlarmSource.of(a).key(a.rule()), entry);
            }
            LOG.error("Quality alarm {} ({}) NOT recorded, not published: {}", a.rule(), a.message(), ex.toString());
            return;
        }
        QualityAlarm recorded = copy(a, a.cleared(), r.sequence());
        synchronized (this) {
            entry.alarm = recorded;
        }
        LOG.warn("Quality alarm raised: {} {} ({}), ledger seq {}", a.severity(), a.rule(), a.message(), r.sequence());
        tell(recorded);
    }

    private QualityAlarm recordClear(Entry e, Instant at, String by, String reason) {
        QualityAlarm a;
        synchronized (this) {
            a = e.alarm;
        }
        if (a.ledgerSeq() == null) {
            throw new IllegalStateException("quality alarm " + a.id() + " was never recorded");
        }
        Map<String, Object> body = new TreeMap<>();
        body.put("action", "CLEARED");
        body.put("alarmId", a.id());
        body.put("raisedSeq", a.ledgerSeq());
        body.put("clearedAt", at.toString());
        body.put("clearedBy", by);
        body.put("reason", reason);
        try {
            List<SqlRow> rows = new ArrayList<>();
            rows.add(SqlRow.of(
                    CLEAR, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), by, reason, SqlRow.SEQUENCE, a.id()));
            if (documents != null) {
                rows.addAll(documents.clearRows(a.id(), at));
            }
            ledger.append(new LedgerWrite(RECORD_TYPE, a.id() + ":cleared", CanonicalJson.write(body), rows));
        } catch (RuntimeException ex) {
            // still active: put it back so the rules (or a person) can clear it again
            synchronized (this) {
                active.putIfAbsent(AlarmSource.of(a).key(a.rule()), e);
            }
            LOG.error("Clear of quality alarm {} ({}) NOT recorded, still active: {}", a.id(), a.rule(), ex.toString());
            throw ex;
        }
        QualityAlarm cleared = copy(a, at, a.ledgerSeq());
        LOG.info("Quality alarm cleared by {}: {} ({}) {}", by, a.rule(), a.message(), reason);
        tell(cleared);
        return cleared;
    }

    private void tell(QualityAlarm alarm) {
        for (Consumer<QualityAlarm> l : listeners) {
            try {
                l.accept(alarm);
            } catch (RuntimeException ex) {
                LOG.warn("Quality alarm listener {} failed on {}: {}", l, alarm.id(), ex.toString(), ex);
            }
        }
    }

    @Override
    public synchronized List<QualityAlarm> active() {
        return active.values().stream()
                .map(e -> e.alarm)
                .filter(a -> a.ledgerSeq() != null)
                .sorted(Comparator.comparing(QualityAlarm::raised).reversed())
                .toList();
    }

    @Override
    public List<QualityAlarm> raisedBetween(String line, Instant from, Instant to) {
        return jdbc
                .query(
                        "SELECT " + COLUMNS + " FROM quality_alarm WHERE line = ? AND raised_at >= ? AND raised_at < ?"
                                + " ORDER BY raised_at, ledger_seq",
                        ROW,
                        line,
                        OffsetDateTime.ofInstant(from, ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .stream()
                .map(Recorded::alarm)
                .toList();
    }

    /** Alarms raised in [from, to), of one line or all (null), active or cleared, oldest first; at most limit. */
    public List<Recorded> history(String line, Instant from, Instant to, int limit) {
        List<Object> args = new ArrayList<>();
        String where = "raised_at >= ? AND raised_at < ?";
        args.add(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        args.add(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
        if (line != null) {
            where += " AND line = ?";
            args.add(line);
        }
        args.add(limit);
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM quality_alarm WHERE " + where + " ORDER BY raised_at, ledger_seq LIMIT ?",
                ROW,
                args.toArray());
    }

    @Override
    public void addListener(Consumer<QualityAlarm> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<QualityAlarm> listener) {
        listeners.remove(listener);
    }

    /** Waits until every raise and clear handed to the recorder so far is recorded and told (tests, shutdown). */
    public void awaitRecorded(long timeoutMillis) throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture.runAsync(() -> {}, recorder).get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        recorder.shutdown();
        try {
            if (!recorder.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Quality alarms: recorder did not finish within 10 s; pending raises or clears are lost "
                        + "(the rules raise them again on their next subgroup)");
                recorder.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            recorder.shutdownNow();
        }
    }

    /** The alarm with its clearing time and ledger sequence set (a record: copied, not changed). */
    private static QualityAlarm copy(QualityAlarm a, Instant cleared, long seq) {
        return new QualityAlarm(
                a.id(),
                a.rule(),
                a.severity(),
                a.line(),
                a.station(),
                a.defectClass(),
                a.chart(),
                a.message(),
                a.raised(),
                cleared,
                seq);
    }

    private static void putIfSet(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    private static final RowMapper<Recorded> ROW = AlarmService::row;

    private static Recorded row(ResultSet rs, int n) throws SQLException {
        return new Recorded(
                new QualityAlarm(
                        rs.getString("id"),
                        rs.getString("rule"),
                        rs.getString("severity"),
                        rs.getString("line"),
                        rs.getString("station"),
                        rs.getString("defect_class"),
                        rs.getString("chart"),
                        rs.getString("message"),
                        instant(rs, "raised_at"),
                        instant(rs, "cleared_at"),
                        rs.getLong("ledger_seq")),
                rs.getString("cleared_by"),
                rs.getString("clear_reason"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        if (t != null) {
            return t.toInstant();
        }
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
