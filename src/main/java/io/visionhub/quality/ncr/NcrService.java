package io.visionhub.quality.ncr;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.GroupDocuments;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.quality.QualityListener;
import io.visionhub.quality.StepNotRecordedException;
import io.visionhub.quality.StepPendingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The non-conformance register: hears recorded inspections and signed dispositions ({@link QualityListener}), opens
 * ONE NCR per production order and defect class when a defect is confirmed (a signed disposition of the configured
 * kinds, or {@link NcrRules}: N NG of the class within the window) and adds later parts of that order and class as
 * items. Each step is a ledger record (NCR_OPENED, NCR_ITEM_ADDED, NCR_CLOSED) written with its register row and its
 * outbox rows in one transaction: the NCR's document in every configured target (key {@code NCR|<id>}), and an item
 * per part in targets that take items (key {@code NCR|<id>|<n>}), one ordering group per NCR and target so the
 * document is created before its items. The work runs on one worker thread (the listener only queues it), which
 * also keeps the decisions free of races; the REST close joins that thread. A step whose record is not committed
 * within the ledger's append timeout may still commit (a long writer backlog): it stays pending for its NCR, and the
 * NCR's next step first waits for its outcome, so that an item number is never taken twice, a second NCR for the
 * same order and class is never opened while the first may still commit, and no part is added to (nor a second
 * closure recorded for) an NCR whose NCR_CLOSED may still commit.
 */
public class NcrService implements QualityListener, NcrRegister, GroupDocuments, AutoCloseable {

    public static final String OPENED = "NCR_OPENED";
    public static final String ITEM_ADDED = "NCR_ITEM_ADDED";
    public static final String CLOSED = "NCR_CLOSED";

    private static final Logger LOG = LoggerFactory.getLogger(NcrService.class);
    private static final String INSERT_NCR = "INSERT INTO ncr (id, ledger_seq, line, station, production_order, "
            + "defect_class, product, batch, trigger_kind, trigger_detail, target, opened_at) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final String INSERT_ITEM =
            "INSERT INTO ncr_item (ncr_id, item_no, ledger_seq, inspection_id, added_at) VALUES (?,?,?,?,?)";
    private static final String INSERT_CLOSE = "INSERT INTO ncr_close (ncr_id, ledger_seq, user_name, printed_name, "
            + "meaning, reason, closed_at) VALUES (?,?,?,?,?,?,?)";
    private static final String INSERT_OUTBOX = "INSERT INTO outbox (inspection_id, target, document_type, "
            + "delivery_key, status, attempts, next_attempt_at, created_at, updated_at, ordering_key) "
            + "VALUES (?,?,?,?,'PENDING',0,?,?,?,?)";

    private final NcrProperties config;
    private final NcrRepository repo;
    private final JdbcInspectionLedger ledger;
    private final DeliveryService delivery;
    private final DispositionService signatures;
    private final Clock clock;
    private final NcrRules rules;
    private final ExecutorService worker;
    private final AtomicLong failures = new AtomicLong();
    /** (order, class) → the open NCR; touched on the worker thread only. */
    private Map<String, NcrRepository.OpenNcr> open;

    private final Map<String, Set<String>> itemsOf = new LinkedHashMap<>();

    /** NCR id → its step whose commit outlived the append timeout; touched on the worker thread only. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /**
     * A ledger record of an NCR that was not committed within the append timeout and may still commit.
     *
     * @param type         its record type: {@link #OPENED}, {@link #ITEM_ADDED} or {@link #CLOSED}
     * @param itemNo       the item number it takes (0: not an item)
     * @param inspectionId the part it adds (null: not an item)
     */
    private record Pending(
            String type, String what, int itemNo, String inspectionId, CompletableFuture<LedgerReceipt> commit) {}

    /**
     * @param delivery   the enterprise deliveries (null: the register only, no documents)
     * @param signatures the e-signature checks of the dispositions (closing an NCR is signed the same way)
     * @param worker     ONE thread that runs all the register's work, in order (in the hub a single-thread pool of
     *                   Camel's ExecutorServiceManager, so it shows in Camel's management); shut down by
     *                   {@link #close()}
     */
    public NcrService(
            NcrProperties config,
            NcrRepository repo,
            JdbcInspectionLedger ledger,
            DeliveryService delivery,
            DispositionService signatures,
            Clock clock,
            ExecutorService worker) {
        this.config = config;
        this.repo = repo;
        this.ledger = ledger;
        this.delivery = delivery;
        this.signatures = signatures;
        this.clock = clock;
        this.rules = new NcrRules(config.threshold(), config.window(), config.classes());
        this.worker = worker;
        if (delivery != null) {
            for (String t : config.targets()) {
                if (!delivery.targets().names().contains(t)) {
                    throw new IllegalArgumentException("visionhub.quality.ncr.targets: unknown target '" + t
                            + "' (configured under visionhub.enterprise.targets: "
                            + delivery.targets().names() + ")");
                }
            }
            delivery.setGroupDocuments(this);
        } else if (!config.targets().isEmpty()) {
            throw new IllegalArgumentException("visionhub.quality.ncr.targets " + config.targets()
                    + " needs the enterprise concern (visionhub.enterprise), which is off");
        }
    }

    // ---- hearing the line (calls come on the inspection's or the signer's thread: queue and return)

    @Override
    public void onInspection(InspectionEvent event) {
        if (!config.enabled() || event.result() != InspectionEvent.Verdict.NG || order(event) == null) {
            return;
        }
        worker.execute(() -> guarded(event.id(), () -> ng(event)));
    }

    @Override
    public void onDisposition(SignedDisposition d) {
        if (!config.enabled()
                || !"INSPECTION".equals(d.targetType())
                || !config.dispositions().contains(d.disposition())) {
            return;
        }
        worker.execute(() -> guarded(d.targetId(), () -> confirmed(d)));
    }

    private void guarded(String about, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.error(
                    "NCR register could not handle {}: {}. The inspection and dispositions stay recorded; a later "
                            + "part of the order and class is handled again.",
                    about,
                    e.toString(),
                    e);
        }
    }

    /** Waits until the work queued so far is done (tests, the REST close). */
    public void flush() {
        call(() -> null);
    }

    private <T> T call(java.util.concurrent.Callable<T> work) {
        Future<T> f = worker.submit(work);
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the NCR register", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the NCR register did not answer within 30 s", e);
        }
    }

    /**
     * How long a closure waits for the register, once its turn has come: the NCR's pending step (one append timeout)
     * and its own NCR_CLOSED (another), and a little for the register's reads.
     */
    Duration closeWait() {
        return ledger.appendTimeout().multipliedBy(2).plusSeconds(5);
    }

    /** Handling failures since start (the part stays recorded; the log says why). */
    public long failures() {
        return failures.get();
    }

    private static String order(InspectionEvent e) {
        String o = e.context() == null ? null : e.context().productionOrder();
        return o == null || o.isBlank() ? null : o;
    }

    private Map<String, NcrRepository.OpenNcr> open() {
        if (open == null) {
            open = repo.open();
        }
        return open;
    }

    private Set<String> items(NcrRepository.OpenNcr n) {
        return itemsOf.computeIfAbsent(n.id, id -> new HashSet<>(repo.itemInspections(id)));
    }

    /** The open NCR of the order and class, its pending step settled first; null: none. */
    private NcrRepository.OpenNcr openNcrOf(String order, String cls) {
        NcrRepository.OpenNcr n = open().get(NcrRepository.OpenNcr.key(order, cls));
        return n == null || settle(n) ? n : null;
    }

    /**
     * Waits (up to the append timeout) for the outcome of the NCR's pending step, if any: an item that committed
     * late takes its number ({@code lastItem}); a refused item is no item (its part may be added again); a refused
     * NCR_OPENED removes the NCR. Still undecided: throws, and the pending step stays (no number is taken twice).
     *
     * @return false when the NCR itself was refused (it is no longer open)
     */
    private boolean settle(NcrRepository.OpenNcr n) {
        Pending p = pending.get(n.id);
        if (p == null) {
            return true;
        }
        Duration wait = ledger.appendTimeout();
        try {
            LedgerReceipt r = p.commit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            pending.remove(n.id);
            LOG.info("NCR {}: {} committed late, ledger seq {}", n.id, p.what(), r.sequence());
            if (CLOSED.equals(p.type())) {
                forget(n.id); // closed: its order and class take no more items, the rule counts anew
                return false;
            }
            n.lastItem = Math.max(n.lastItem, p.itemNo());
            return true;
        } catch (ExecutionException refused) {
            pending.remove(n.id);
            failures.incrementAndGet();
            LOG.error(
                    "NCR {}: {} was refused by the ledger after its append timed out: {}{}",
                    n.id,
                    p.what(),
                    refused.getCause() == null
                            ? refused.toString()
                            : refused.getCause().toString(),
                    CLOSED.equals(p.type()) ? "; the NCR stays open (close it again)" : "");
            if (CLOSED.equals(p.type())) {
                return true;
            }
            if (p.inspectionId() != null) {
                items(n).remove(p.inspectionId()); // a later hearing of that part may add it again
                return true;
            }
            forget(n.id);
            return false;
        } catch (TimeoutException e) {
            throw new LedgerException("NCR " + n.id + ": " + p.what() + " still not committed after another " + wait
                    + "; the NCR takes no new step until the ledger decides it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while waiting for " + p.what() + " of NCR " + n.id);
        }
    }

    /** The NCR is no longer open in the register's memory (closed, or its NCR_OPENED refused). */
    private void forget(String id) {
        open().values().removeIf(o -> o.id.equals(id));
        itemsOf.remove(id);
        pending.remove(id);
    }

    /**
     * Submits an NCR's record and waits up to the append timeout: the receipt, or null when it may still commit (then
     * it is pending for the NCR). Throws when the ledger refuses it.
     */
    private LedgerReceipt append(String ncrId, LedgerWrite write, int itemNo, String inspectionId) {
        CompletableFuture<LedgerReceipt> f = ledger.submit(write);
        String type = write.type();
        String what = write.type() + " " + write.recordId();
        try {
            return f.get(ledger.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new LedgerException(what + " not recorded: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            pending.put(ncrId, new Pending(type, what, itemNo, inspectionId, f));
            LOG.warn(
                    "NCR {}: {} not committed within {} (ledger writer backlog); it may still commit, and the "
                            + "NCR's next step waits for its outcome",
                    ncrId,
                    what,
                    ledger.appendTimeout());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.put(ncrId, new Pending(type, what, itemNo, inspectionId, f));
            throw new LedgerException("interrupted while waiting for " + what + " to commit (it may still commit)");
        }
    }

    private void ng(InspectionEvent e) {
        String order = order(e);
        Instant at = e.captureTime() != null ? e.captureTime() : clock.instant();
        for (String cls : rules.classesOf(e)) {
            NcrRepository.OpenNcr n = openNcrOf(order, cls);
            if (n != null) {
                addItem(n, e.id());
                continue;
            }
            List<NcrRules.Part> fired = rules.count(order, cls, new NcrRules.Part(e.id(), at));
            if (!fired.isEmpty()) {
                String detail = fired.size() + " NG part(s) of class " + cls + " in order " + order + " within "
                        + config.window() + " (rule visionhub.quality.ncr.threshold=" + config.threshold() + ")";
                openNcr(
                        e,
                        cls,
                        "RULE",
                        detail,
                        fired.stream().map(NcrRules.Part::inspectionId).toList());
            }
        }
    }

    private void confirmed(SignedDisposition d) {
        InspectionEvent e =
                repo.eventJson(d.targetId()).map(EventJson::fromJson).orElse(null);
        if (e == null || order(e) == null) {
            LOG.info(
                    "Disposition {} ({} of {}) opens no NCR: {}",
                    d.id(),
                    d.disposition(),
                    d.targetId(),
                    e == null ? "no such recorded inspection" : "the inspection has no production order");
            return;
        }
        String order = order(e);
        for (String cls : rules.classesOf(e)) {
            NcrRepository.OpenNcr n = openNcrOf(order, cls);
            if (n != null) {
                addItem(n, e.id());
            } else {
                rules.forget(order, cls);
                openNcr(
                        e,
                        cls,
                        "DISPOSITION",
                        d.disposition() + " signed by " + d.printedName() + " (" + d.user() + "), disposition " + d.id()
                                + ": " + d.reason(),
                        List.of(e.id()));
            }
        }
    }

    private void openNcr(InspectionEvent e, String cls, String trigger, String detail, List<String> parts) {
        String id = EventIds.newId();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String order = order(e);
        String line =
                e.context() != null && e.context().line() != null ? e.context().line() : e.line();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ncrId", id);
        body.put("productionOrder", order);
        body.put("defectClass", cls);
        body.put("line", line);
        body.put("station", e.station());
        body.put("product", e.context().product());
        body.put("batch", e.context().batch());
        body.put("trigger", trigger);
        body.put("triggerDetail", detail);
        body.put("firstInspection", parts.get(0));
        body.put("targets", config.targets());
        body.put("openedAt", now.toString());
        List<SqlRow> rows = new ArrayList<>();
        rows.add(SqlRow.of(
                INSERT_NCR,
                id,
                SqlRow.SEQUENCE,
                line,
                e.station(),
                order,
                cls,
                e.context().product(),
                e.context().batch(),
                trigger,
                cut(detail, 2000),
                config.targets().isEmpty() ? null : String.join(",", config.targets()),
                NcrRepository.ts(now)));
        for (String t : config.targets()) {
            rows.add(outbox(parts.get(0), t, NcrRepository.DOCUMENT, NcrRepository.documentKey(id), id, now));
        }
        // open at once even when the record is pending: no second NCR for the order and class while it may commit
        LedgerReceipt r = append(id, new LedgerWrite(OPENED, id, CanonicalJson.write(body), rows), 0, null);
        NcrRepository.OpenNcr n = new NcrRepository.OpenNcr(id, line, 0);
        open().put(NcrRepository.OpenNcr.key(order, cls), n);
        itemsOf.put(id, new HashSet<>());
        LOG.info(
                "NCR {} opened for order {} and defect class {} ({}), ledger seq {}; raised in {}",
                id,
                order,
                cls,
                detail,
                r == null ? "pending" : r.sequence(),
                config.targets().isEmpty() ? "no enterprise target" : config.targets());
        for (String part : parts) {
            addItem(n, part);
        }
    }

    private void addItem(NcrRepository.OpenNcr n, String inspectionId) {
        if (!settle(n)) {
            throw new LedgerException("NCR " + n.id + " is not open (its NCR_OPENED was refused, or its NCR_CLOSED "
                    + "committed late): part " + inspectionId + " is no item of it");
        }
        if (!items(n).add(inspectionId)) {
            return; // already an item (counted by the rule and then dispositioned, say)
        }
        int no = n.lastItem + 1;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ncrId", n.id);
        body.put("itemNo", no);
        body.put("inspectionId", inspectionId);
        body.put("addedAt", now.toString());
        List<SqlRow> rows = new ArrayList<>();
        rows.add(SqlRow.of(INSERT_ITEM, n.id, no, SqlRow.SEQUENCE, inspectionId, NcrRepository.ts(now)));
        for (String t : config.targets()) {
            if (delivery.takesItems(t)) {
                rows.add(outbox(inspectionId, t, NcrRepository.ITEM, NcrRepository.itemKey(n.id, no), n.id, now));
            }
        }
        LedgerReceipt r;
        try {
            r = append(
                    n.id,
                    new LedgerWrite(ITEM_ADDED, n.id + "/" + no, CanonicalJson.write(body), rows),
                    no,
                    inspectionId);
        } catch (RuntimeException e) {
            if (!pending.containsKey(n.id)) {
                items(n).remove(inspectionId);
            }
            throw e;
        }
        if (r == null) {
            return; // pending: the part stays an item unless the ledger refuses it (settle)
        }
        n.lastItem = no;
        LOG.debug("NCR {}: item {} is inspection {}", n.id, no, inspectionId);
    }

    private static SqlRow outbox(
            String inspectionId, String target, String type, String key, String ncrId, Instant now) {
        return SqlRow.of(
                INSERT_OUTBOX,
                inspectionId,
                target,
                type,
                key,
                NcrRepository.ts(now),
                NcrRepository.ts(now),
                NcrRepository.ts(now),
                NcrRepository.documentKey(ncrId) + "|" + target);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    // ---- closing (a person's signed decision)

    /**
     * Closes an open NCR with an e-signature (password entered again, meaning from the configured list): an
     * NCR_CLOSED record. Later parts of its order and class open a new NCR when a defect is confirmed again. The
     * closure runs on the register's thread after the work queued before it; it waits there for the NCR's pending
     * step (up to the append timeout) and for its own record (up to the append timeout again), and this call waits
     * {@link #closeWait()} for all of it.
     *
     * @throws IllegalArgumentException  bad input (no reason, no password, unknown meaning)
     * @throws IllegalStateException     already closed
     * @throws java.util.NoSuchElementException no such NCR
     * @throws StepPendingException  NCR_CLOSED was submitted and not committed within the append timeout (or the
     *                                   closure is still under way): it may still commit, or be refused
     * @throws StepNotRecordedException     nothing was recorded, retry later: the register did not reach the closure in
     *                                   time, or the NCR's previous step is still undecided
     * @throws LedgerException           nothing was recorded: the ledger refused the record
     */
    public Ncr close(String id, String user, String password, String meaning, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason is required: say why the non-conformance is closed");
        }
        if (reason.length() > 2000) {
            throw new IllegalArgumentException("reason longer than 2000 characters");
        }
        Ncr n = repo.find(id).orElseThrow(() -> new java.util.NoSuchElementException("no NCR " + id));
        if (n.closure() != null) {
            throw alreadyClosed(n);
        }
        DispositionService.Signer signer = signatures.checkSigner(user, password, meaning, "NCR", id, "CLOSE");
        // 0 queued, 1 running, 2 given up by the caller before its turn (then it records nothing)
        java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        Future<Ncr> f = worker.submit(() -> state.compareAndSet(0, 1) ? closeNow(n, signer, reason.trim()) : null);
        Duration wait = closeWait();
        try {
            return f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (state.compareAndSet(0, 2)) {
                throw new StepNotRecordedException(
                        "register_busy", "NCR " + id + " not closed: interrupted before its turn", retryAfter());
            }
            throw closeUnderWay(id, wait);
        } catch (TimeoutException e) {
            if (state.compareAndSet(0, 2)) {
                throw new StepNotRecordedException(
                        "register_busy",
                        "NCR " + id
                                + " not closed, nothing recorded: the NCR register did not reach the closure within "
                                + wait + " (its earlier steps wait for a slow ledger); try again later",
                        retryAfter());
            }
            throw closeUnderWay(id, wait);
        }
    }

    private Duration retryAfter() {
        return ledger.appendTimeout();
    }

    /** The ledger's append timeout (visionhub.ledger.append-timeout), which bounds each step's wait. */
    public Duration appendTimeout() {
        return ledger.appendTimeout();
    }

    private StepPendingException closeUnderWay(String id, Duration waited) {
        return new StepPendingException(
                id,
                "NCR " + id + ": the closure is still being recorded after " + waited + " (the ledger is slow); it may "
                        + "still commit, or be refused. " + howToSee(id));
    }

    private static String howToSee(String id) {
        return "GET /api/quality/ncrs/" + id + " shows status CLOSED and the closure once NCR_CLOSED is committed; "
                + "until the ledger decides it the NCR takes no new item, and another closure waits for it.";
    }

    private static IllegalStateException alreadyClosed(Ncr n) {
        return new IllegalStateException("NCR " + n.id() + " was already closed by "
                + n.closure().printedName() + " at " + n.closure().closedAt());
    }

    /** The closure, on the register's thread. */
    private Ncr closeNow(Ncr n, DispositionService.Signer signer, String reason) {
        String id = n.id();
        // checked again on the register's thread: of two closures signed at once, only the first is recorded
        Optional<Ncr> now0 = repo.find(id);
        if (now0.map(Ncr::closure).isPresent()) {
            throw alreadyClosed(now0.get());
        }
        NcrRepository.OpenNcr o = open().values().stream()
                .filter(x -> x.id.equals(id))
                .findFirst()
                .orElse(pending.containsKey(id) ? new NcrRepository.OpenNcr(id, n.line(), 0) : null);
        if (o != null) {
            boolean stillOpen;
            try {
                stillOpen = settle(o); // a late item is the NCR's before it closes; a late closure is the closure
            } catch (LedgerException undecided) {
                throw new StepNotRecordedException(
                        "previous_step_pending",
                        "NCR " + id + " not closed, nothing recorded: " + undecided.getMessage() + ". Try again later.",
                        retryAfter());
            }
            if (!stillOpen) {
                Ncr closed = repo.find(id).orElseThrow(() -> new java.util.NoSuchElementException("no NCR " + id));
                throw closed.closure() != null
                        ? alreadyClosed(closed)
                        : new IllegalStateException("NCR " + id + " is not open");
            }
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ncrId", id);
        body.put("user", signer.user());
        body.put("printedName", signer.printedName());
        body.put("meaning", signer.meaning());
        body.put("meaningCode", signer.meaningCode());
        body.put("reason", reason);
        body.put("closedAt", now.toString());
        LedgerReceipt r = append(
                id,
                new LedgerWrite(
                        CLOSED,
                        id,
                        CanonicalJson.write(body),
                        List.of(SqlRow.of(
                                INSERT_CLOSE,
                                id,
                                SqlRow.SEQUENCE,
                                signer.user(),
                                signer.printedName(),
                                signer.meaning(),
                                reason,
                                NcrRepository.ts(now)))),
                0,
                null);
        if (r == null) {
            // pending: the NCR stays in the register until its next step (a part, a closure) settles the outcome
            if (o == null) {
                open().putIfAbsent(
                                NcrRepository.OpenNcr.key(n.productionOrder(), n.defectClass()),
                                new NcrRepository.OpenNcr(id, n.line(), n.itemCount()));
            }
            throw new StepPendingException(
                    id,
                    "NCR " + id + ": its closure (NCR_CLOSED " + id + ") was not committed within "
                            + ledger.appendTimeout() + " (ledger writer backlog); it may still commit, or be refused. "
                            + howToSee(id));
        }
        forget(id);
        LOG.info(
                "NCR {} (order {}, class {}) closed by {} ({}), ledger seq {}",
                id,
                n.productionOrder(),
                n.defectClass(),
                signer.printedName(),
                signer.meaning(),
                r.sequence());
        return repo.details(id).orElseThrow();
    }

    // ---- the register (NcrRegister) and the documents' mapping input (GroupDocuments)

    @Override
    public List<NcrSummary> ofLine(String line, Instant from, Instant to) {
        List<NcrSummary> out = new ArrayList<>();
        for (Ncr n : repo.ofLine(line, from, to)) {
            List<Ncr.Document> docs = repo.documents(n.id());
            Ncr.Document d = docs.isEmpty() ? null : docs.get(0);
            out.add(new NcrSummary(
                    n.id(),
                    n.productionOrder(),
                    n.defectClass(),
                    n.line(),
                    n.status(),
                    n.itemCount(),
                    n.openedAt(),
                    d == null ? null : d.target(),
                    d == null ? null : d.documentNumber()));
        }
        return out;
    }

    public NcrRepository repository() {
        return repo;
    }

    @Override
    public Extra inputFor(String target, String documentType, String key) {
        if (key == null || !key.startsWith(NcrRepository.KEY_PREFIX)) {
            return null;
        }
        String[] p = key.split("\\|");
        Ncr n = repo.find(p[1])
                .orElseThrow(() -> DeliveryException.permanentFailure("outbox key " + key + ": no NCR " + p[1]));
        Map<String, Object> ncr = new LinkedHashMap<>();
        ncr.put("id", n.id());
        ncr.put("productionOrder", n.productionOrder());
        ncr.put("defectClass", n.defectClass());
        ncr.put("line", n.line());
        ncr.put("station", n.station());
        ncr.put("product", n.product());
        ncr.put("batch", n.batch());
        ncr.put("trigger", n.trigger());
        ncr.put("triggerDetail", n.triggerDetail());
        ncr.put("openedAt", n.openedAt().toString());
        ncr.put("self", link("/api/quality/ncrs/" + n.id()));
        ncr.put("evidence", link("/api/quality/ncrs/" + n.id() + "/evidence"));
        ncr.put("ledgerFrom", n.ledgerSeq());
        if (p.length == 2) {
            // the trend for the document only: an item's delivery need not scan the order's inspections again
            List<NcrRepository.TrendPoint> trend = repo.trend(n.productionOrder(), n.defectClass());
            int inspected =
                    trend.stream().mapToInt(NcrRepository.TrendPoint::inspected).sum();
            int ofClass =
                    trend.stream().mapToInt(NcrRepository.TrendPoint::ofClass).sum();
            ncr.put(
                    "trend",
                    Map.of(
                            "inspected",
                            inspected,
                            "withClass",
                            ofClass,
                            "text",
                            ofClass + " of " + inspected + " parts of order " + n.productionOrder() + " show "
                                    + n.defectClass()));
            return new Extra("-ncr", Map.of("ncr", ncr), null);
        }
        int no = Integer.parseInt(p[2]);
        Ncr.Item item = repo.item(n.id(), no)
                .orElseThrow(() -> DeliveryException.permanentFailure(
                        "outbox key " + key + ": NCR " + n.id() + " has no item " + no));
        Map<String, Object> it = new LinkedHashMap<>();
        it.put("itemNo", item.itemNo());
        it.put("inspectionId", item.inspectionId());
        it.put("ledgerSeq", item.ledgerSeq());
        it.put("inspectionSeq", item.inspectionSeq());
        it.put("image", link(item.imageUri()));
        it.put("annotatedImage", link(item.annotatedUri()));
        ncr.put("item", it);
        ncr.put("ledgerTo", item.ledgerSeq());
        Optional<String> parent = repo.documentNumber(n.id(), target);
        if (parent.isEmpty()) {
            // the ordering group delivers the document first; a parked or cancelled document leaves its items waiting
            throw DeliveryException.transientFailure(
                    "item " + no + " of NCR " + n.id() + " waits for the NCR's document in " + target, null);
        }
        return new Extra("-ncr-item", Map.of("ncr", ncr), parent.get());
    }

    /** A hub path as the ERP's users reach it (visionhub.quality.ncr.link-base before it). */
    private String link(String path) {
        return path == null ? null : config.linkBase() + path;
    }

    /** The NCR's document key in the outbox: tests and docs. */
    public static String documentKey(String id) {
        return NcrRepository.documentKey(id);
    }

    static String upper(String s) {
        return s == null ? null : s.trim().toUpperCase(Locale.ROOT);
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
