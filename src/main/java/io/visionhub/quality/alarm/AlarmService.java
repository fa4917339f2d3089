package io.visionhub.quality.alarm;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.quality.StepNotRecordedException;
import io.visionhub.quality.StepPendingException;
import io.visionhub.quality.spc.NelsonRule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
 * clear) also writes its enterprise outbox row in that transaction. A raise or clear not committed within the
 * ledger's append timeout may still commit (a long writer backlog): it stays the alarm's pending step, shown or
 * published only once it commits, and the alarm's next step first waits for its outcome, so that a rule that keeps
 * firing raises no second alarm and an alarm is never cleared twice.
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

    /**
     * An active alarm and the subgroups in a row its rule has not fired on; its step (raise or clear) whose commit
     * outlived the append timeout, if any, and whether a clear is under way. Guarded by the service.
     */
    private static final class Entry {
        QualityAlarm alarm;
        int inControl;
        /** a clear is queued, under way or pending: the rules do not clear it again, a firing rule waits for it */
        boolean clearing;
        /** its rule fired again while clearing, and that is queued on the recorder (one at a time, not per subgroup) */
        boolean refiring;
        /** the raise or clear not committed within the append timeout (may still commit); null: none */
        CompletableFuture<LedgerReceipt> pending;
        /** the pending step's outcome as the alarm then reads: raised (seq to come) or cleared */
        QualityAlarm pendingAlarm;

        Entry(QualityAlarm alarm) {
            this.alarm = alarm;
        }

        boolean pendingClear() {
            return pendingAlarm != null && pendingAlarm.cleared() != null;
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
        this.recorder = SingleThreadExecutors.inOrder(null, this, "quality-alarms");
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
     * active (then its in-control count starts again; one whose clear is under way is settled first, on the
     * recorder, and raised anew once cleared); every other active alarm of the chart counts one more subgroup in
     * control and clears at {@code clearAfter}.
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
            if (e == null) {
                raise(source, rule, message.apply(rule), evidence);
            } else if (e.clearing) {
                // its clear may still commit: decided first (in order, on the recorder), then raised anew if cleared
                if (!e.refiring) {
                    e.refiring = true;
                    String text = message.apply(rule);
                    recorder.execute(() -> refired(e, source, rule, text, evidence));
                }
            } else {
                e.inControl = 0;
            }
        }
        for (Entry e : List.copyOf(active.values())) {
            QualityAlarm a = e.alarm;
            if (e.clearing
                    || !AlarmSource.of(a).equals(source)
                    || fired.stream().anyMatch(r -> ruleName(r).equals(a.rule()))) {
                continue;
            }
            e.inControl++;
            if (e.inControl >= clearAfter) {
                clear(e, CLEARED_BY_SPC, "back in control for " + e.inControl + " subgroups", null);
            }
        }
    }

    /** A new alarm of the source and rule, active at once (no second one while it may commit), recorded in turn. */
    private void raise(AlarmSource source, NelsonRule rule, String text, Map<String, Object> evidence) {
        QualityAlarm alarm = new QualityAlarm(
                UUID.randomUUID().toString(),
                ruleName(rule),
                severity(rule),
                source.line(),
                source.station(),
                source.defectClass(),
                source.chart(),
                text,
                now(),
                null,
                null);
        Entry entry = new Entry(alarm);
        active.put(source.key(alarm.rule()), entry);
        recorder.execute(() -> recordRaise(entry, rule, evidence));
    }

    /** On the recorder: the rule fired again on an alarm whose clear was under way. */
    private void refired(Entry e, AlarmSource source, NelsonRule rule, String text, Map<String, Object> evidence) {
        synchronized (this) {
            e.refiring = false;
        }
        try {
            settle(e);
        } catch (LedgerException undecided) {
            LOG.warn(
                    "Quality alarm {}: {}; its rule fired again, raised again on a later subgroup if cleared",
                    e.alarm.id(),
                    undecided.getMessage());
            return;
        }
        synchronized (this) {
            Entry now = active.get(source.key(ruleName(rule)));
            if (now == null) {
                raise(source, rule, text, evidence); // cleared: the rule's new firing is a new alarm
            } else {
                now.inControl = 0; // its clear was refused: the same alarm stays
            }
        }
    }

    /**
     * A person acknowledges an active alarm: it clears, recorded with who and why. The clear runs on the recorder
     * after the work queued before it; it first waits (up to the append timeout) for the alarm's pending step, then
     * for its own record (the append timeout again). Returns the cleared alarm once the ledger holds the
     * acknowledgement.
     *
     * @throws NoSuchElementException     no alarm with this id
     * @throws IllegalStateException      the alarm is already cleared
     * @throws StepPendingException the clear was not committed within the append timeout (it may still commit,
     *                                    or be refused), or is still under way when this stops waiting
     * @throws StepNotRecordedException   nothing recorded, try again: the alarm's previous step is undecided, or the
     *                                    recorder did not reach the clear in time (withdrawn)
     * @throws LedgerException            the ledger refused the clear
     */
    public QualityAlarm acknowledge(String id, String user, String comment) {
        CompletableFuture<QualityAlarm> done;
        AtomicInteger state = new AtomicInteger(); // 0 queued, 1 started, 2 withdrawn
        Entry e;
        synchronized (this) {
            e = active.values().stream()
                    .filter(x -> x.alarm.id().equals(id))
                    .findFirst()
                    .orElse(null);
            if (e == null) {
                throw notActive(id);
            }
            String reason = "acknowledged" + (comment == null || comment.isBlank() ? "" : ": " + comment.strip());
            done = clear(e, user, reason, state);
        }
        Duration wait = acknowledgeWait();
        try {
            return done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(
                    "the acknowledgement of quality alarm " + id + " was not recorded: " + ex.getCause(),
                    ex.getCause());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            if (withdraw(e, state)) {
                throw new StepNotRecordedException(
                        "recorder_busy",
                        "quality alarm " + id + " not cleared: interrupted before its turn",
                        retryAfter());
            }
            throw clearUnderWay(id, wait);
        } catch (TimeoutException ex) {
            if (withdraw(e, state)) {
                throw new StepNotRecordedException(
                        "recorder_busy",
                        "quality alarm " + id + " not cleared, nothing recorded: the alarm recorder did not reach the "
                                + "acknowledgement within " + wait + " (its earlier steps wait for a slow ledger); "
                                + "try again later",
                        retryAfter());
            }
            throw clearUnderWay(id, wait);
        }
    }

    /** The queued clear will not run; the rules may clear the alarm again unless an earlier clear is pending. */
    private boolean withdraw(Entry e, AtomicInteger state) {
        if (!state.compareAndSet(0, 2)) {
            return false;
        }
        synchronized (this) {
            e.clearing = e.pendingClear();
        }
        return true;
    }

    /**
     * How long an acknowledgement waits for the recorder, once its turn has come: the alarm's pending step (one
     * append timeout) and its own clear (another), and a little more.
     */
    Duration acknowledgeWait() {
        return ledger.appendTimeout().multipliedBy(2).plusSeconds(5);
    }

    /** The ledger's append timeout (visionhub.ledger.append-timeout), after which trying again makes sense. */
    public Duration retryAfter() {
        return ledger.appendTimeout();
    }

    private StepPendingException clearUnderWay(String id, Duration waited) {
        return new StepPendingException(
                id,
                "quality alarm " + id + ": the acknowledgement is still being recorded after " + waited + " (the "
                        + "ledger is slow); it may still commit, or be refused. " + howToSee(id));
    }

    private static String howToSee(String id) {
        return "GET /api/quality/alarms/" + id + " (the Location of this answer) shows its clearing time once the "
                + "clear is committed; until then GET /api/quality/alarms lists it as active, and another "
                + "acknowledgement waits for the ledger's decision.";
    }

    /** The alarm is not active: unknown (404) or already cleared (409), as the table has it. */
    private RuntimeException notActive(String id) {
        Optional<Recorded> known = recorded(id);
        if (known.isEmpty()) {
            return new NoSuchElementException("no quality alarm " + id);
        }
        return new IllegalStateException("quality alarm " + id + " was already cleared at "
                + known.get().alarm().cleared() + " by " + known.get().clearedBy());
    }

    /**
     * One alarm as the ledger holds it: its {@code quality_alarm} row is written in the transaction of its record, so
     * it is cleared here once its clear committed, and absent while its raise is not committed (as in the active
     * list). Empty: no such alarm.
     */
    public Optional<QualityAlarm> find(String id) {
        return recorded(id).map(Recorded::alarm);
    }

    private Optional<Recorded> recorded(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM quality_alarm WHERE id = ?", ROW, id).stream()
                .findFirst();
    }

    /**
     * Queues the alarm's clear on the recorder (called holding the lock).
     *
     * @param state an acknowledgement's turn (0 queued; the clear runs only if it sets 1); null: always runs
     */
    private CompletableFuture<QualityAlarm> clear(Entry e, String by, String reason, AtomicInteger state) {
        e.clearing = true;
        Instant at = now();
        CompletableFuture<QualityAlarm> done = new CompletableFuture<>();
        recorder.execute(() -> {
            if (state != null && !state.compareAndSet(0, 1)) {
                return; // withdrawn: the caller was answered that nothing was recorded
            }
            try {
                done.complete(recordClear(e, at, by, reason));
            } catch (RuntimeException ex) {
                if (state == null) {
                    LOG.warn("Quality alarm {} not cleared by {}: {}", e.alarm.id(), by, ex.getMessage());
                }
                done.completeExceptionally(ex);
            }
        });
        return done;
    }

    private String key(Entry e) {
        return AlarmSource.of(e.alarm).key(e.alarm.rule());
    }

    /**
     * Submits an alarm's record and waits up to the append timeout: the receipt, or null when it may still commit
     * (then it is the entry's pending step, settled by the alarm's next step or when it commits). Throws when the
     * ledger refuses it.
     */
    private LedgerReceipt append(Entry e, LedgerWrite write, QualityAlarm outcome) {
        CompletableFuture<LedgerReceipt> f = ledger.submit(write);
        try {
            return f.get(ledger.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new LedgerException(write.recordId() + " not recorded: " + ex.getCause(), ex.getCause());
        } catch (TimeoutException | InterruptedException ex) {
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                e.pending = f;
                e.pendingAlarm = outcome;
            }
            // told when it commits (or forgotten when refused), in order on the recorder
            f.whenComplete((r, x) -> {
                try {
                    recorder.execute(() -> settled(e, f, r, x));
                } catch (RejectedExecutionException stopped) {
                    LOG.warn(
                            "Quality alarm {}: its late record was decided after the recorder stopped",
                            write.recordId());
                }
            });
            LOG.warn(
                    "Quality alarm {}: {} record not committed within {} (ledger writer backlog); it may still "
                            + "commit, and the alarm's next step waits for its outcome",
                    outcome.id(),
                    outcome.cleared() == null ? "raise" : "clear",
                    ledger.appendTimeout());
            return null;
        }
    }

    /**
     * On the recorder: waits (up to the append timeout) for the outcome of the alarm's pending step, if any, and
     * applies it. Still undecided: throws, and the pending step stays.
     */
    private void settle(Entry e) {
        CompletableFuture<LedgerReceipt> f;
        synchronized (this) {
            f = e.pending;
        }
        if (f == null) {
            return;
        }
        Duration wait = ledger.appendTimeout();
        try {
            settled(e, f, f.get(wait.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException refused) {
            settled(e, f, null, refused.getCause());
        } catch (TimeoutException undecided) {
            throw new LedgerException("the " + (e.pendingClear() ? "clear" : "raise") + " of quality alarm "
                    + e.alarm.id() + " is still not committed after another " + wait
                    + "; the alarm takes no new step until the ledger decides it");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new LedgerException(
                    "interrupted while waiting for the pending step of quality alarm " + e.alarm.id());
        }
    }

    /**
     * The outcome of the entry's pending step {@code f}, applied once (by the alarm's next step or by the notice of
     * its commit, whichever runs first on the recorder): a raise committed late is shown, a clear committed late
     * clears; a refused raise drops the alarm (its rule raises it again), a refused clear leaves it active.
     */
    private void settled(Entry e, CompletableFuture<LedgerReceipt> f, LedgerReceipt r, Throwable refused) {
        QualityAlarm show = null;
        synchronized (this) {
            if (e.pending != f) {
                return; // already applied
            }
            QualityAlarm outcome = e.pendingAlarm;
            boolean clear = e.pendingClear();
            e.pending = null;
            e.pendingAlarm = null;
            if (r != null && clear) {
                active.remove(key(e), e);
                e.clearing = false;
                show = outcome;
                LOG.info("Quality alarm {} cleared, committed late (ledger seq {})", outcome.id(), r.sequence());
            } else if (r != null) {
                e.alarm = copy(e.alarm, e.alarm.cleared(), r.sequence());
                show = e.alarm;
                LOG.warn(
                        "Quality alarm raised (committed late): {} {} ({}), ledger seq {}",
                        show.severity(),
                        show.rule(),
                        show.message(),
                        r.sequence());
            } else {
                Throwable why = refused instanceof CompletionException && refused.getCause() != null
                        ? refused.getCause()
                        : refused;
                if (clear) {
                    e.clearing = false;
                    LOG.error(
                            "Clear of quality alarm {} was refused by the ledger after its append timed out, still "
                                    + "active: {}",
                            outcome.id(),
                            String.valueOf(why));
                } else {
                    active.remove(key(e), e);
                    LOG.error(
                            "Quality alarm {} ({}) was refused by the ledger after its append timed out, not "
                                    + "published: {}",
                            outcome.rule(),
                            outcome.message(),
                            String.valueOf(why));
                }
            }
        }
        if (show != null) {
            tell(show);
        }
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
            r = append(entry, new LedgerWrite(RECORD_TYPE, a.id(), CanonicalJson.write(body), rows), a);
        } catch (RuntimeException ex) {
            // not recorded: not shown or published; the rule raises it again on its next subgroup
            synchronized (this) {
                active.remove(AlarmSource.of(a).key(a.rule()), entry);
            }
            LOG.error("Quality alarm {} ({}) NOT recorded, not published: {}", a.rule(), a.message(), ex.toString());
            return;
        }
        if (r == null) {
            return; // pending: stays the active alarm of its rule (not shown) until the ledger decides
        }
        QualityAlarm recorded = copy(a, a.cleared(), r.sequence());
        synchronized (this) {
            entry.alarm = recorded;
        }
        LOG.warn("Quality alarm raised: {} {} ({}), ledger seq {}", a.severity(), a.rule(), a.message(), r.sequence());
        tell(recorded);
    }

    /** On the recorder: the alarm's pending step settled first, then its clear recorded. */
    private QualityAlarm recordClear(Entry e, Instant at, String by, String reason) {
        try {
            settle(e);
        } catch (LedgerException undecided) {
            synchronized (this) {
                e.clearing = e.pendingClear(); // an earlier clear may still commit; otherwise the rules may clear
            }
            throw new StepNotRecordedException(
                    "previous_step_pending",
                    "quality alarm " + e.alarm.id() + " not cleared, nothing recorded: " + undecided.getMessage()
                            + ". Try again later.",
                    retryAfter());
        }
        QualityAlarm a;
        synchronized (this) {
            a = e.alarm;
            if (active.get(key(e)) != e) {
                throw notActive(a.id()); // cleared meanwhile (an earlier clear committed), or its raise refused
            }
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
        QualityAlarm cleared = copy(a, at, a.ledgerSeq());
        LedgerReceipt r;
        try {
            List<SqlRow> rows = new ArrayList<>();
            rows.add(SqlRow.of(
                    CLEAR, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), by, reason, SqlRow.SEQUENCE, a.id()));
            if (documents != null) {
                rows.addAll(documents.clearRows(a.id(), at));
            }
            r = append(e, new LedgerWrite(RECORD_TYPE, a.id() + ":cleared", CanonicalJson.write(body), rows), cleared);
        } catch (RuntimeException ex) {
            // still active: the rules (or a person) can clear it again
            synchronized (this) {
                e.clearing = false;
            }
            LOG.error("Clear of quality alarm {} ({}) NOT recorded, still active: {}", a.id(), a.rule(), ex.toString());
            throw ex;
        }
        if (r == null) {
            throw new StepPendingException(
                    a.id(),
                    "quality alarm " + a.id() + ": its clear was not committed within " + ledger.appendTimeout()
                            + " (ledger writer backlog); it may still commit, or be refused. " + howToSee(a.id()));
        }
        synchronized (this) {
            active.remove(key(e), e);
            e.clearing = false;
        }
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
