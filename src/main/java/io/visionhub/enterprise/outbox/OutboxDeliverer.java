package io.visionhub.enterprise.outbox;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryInput;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.event.InspectionEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: each poll claims the PENDING rows that are due (in one transaction), and for each one loads the
 * recorded event, runs the target's mapping and client ({@link DeliveryService}) and stores the document number (a
 * group commit with the rows other delivery threads finish meanwhile, {@link DeliveredMarks}). The rows of an
 * ordering group go in runs: a delivered run hands its thread the group's next run (its due rows of one document
 * type, up to the batch size), claimed in the commit of the run's marks, without waiting for a poll.
 * A transient failure is retried with exponential backoff (initial × 2^(attempt-1), capped, with up to 20 %
 * jitter; longer when the target asks with Retry-After); a permanent one (the target's 400, a mapping error) or the last allowed attempt parks the row with
 * the error. Targets marked {@code ordered} deliver one row at a time, oldest first: a later row waits for the
 * head to be delivered, parked or cancelled. Idempotency toward the target comes from the clients' lookup by
 * external reference, so a row delivered again after a crash or a lost answer finds its document.
 */
public class OutboxDeliverer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxDeliverer.class);

    private final OutboxRepository repo;
    private final DeliveryService delivery;
    private final EnterpriseProperties.Outbox config;
    private final Clock clock;
    private final ExecutorService workers;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    /**
     * Deliveries under way (a row, or a run of an ordering group's rows, on a worker): the poll's free slots count
     * these, not the rows in flight, so that a run of a group's rows never starves the other targets' rows.
     */
    private final AtomicInteger busy = new AtomicInteger();

    private final Set<String> orderedBusy = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    /** the polls' claim transactions and the rows they took (the per-minute summary: rows per commit) */
    private final AtomicLong claimCommits = new AtomicLong();

    private final AtomicLong claimedRows = new AtomicLong();
    /** the ordering groups' run transactions (marks, and the next run's claim) and the rows they marked delivered */
    private final AtomicLong runCommits = new AtomicLong();

    private final AtomicLong runRows = new AtomicLong();
    private final AtomicInteger polling = new AtomicInteger();
    /** deliveries under way that have not handed their mark to {@link #marks} yet (it waits briefly for them) */
    private final AtomicInteger unmarked = new AtomicInteger();
    /** Set when the last poll filled every free slot: a finishing delivery polls again at once. */
    private volatile boolean backlog;

    private final ScheduledExecutorService poller;
    private volatile ScheduledExecutorService scheduler;
    private final DeliveredMarks marks;
    private final RecordedEvents events;
    private volatile boolean closing;

    /**
     * @param workers runs the deliveries: {@code concurrency} threads (in the hub a pool of Camel's
     *     ExecutorServiceManager, so it shows in Camel's management and stops with the context)
     * @param poller runs the polls (one thread); both are shut down by {@link #close()}, deliveries first finishing
     */
    public OutboxDeliverer(
            OutboxRepository repo,
            DeliveryService delivery,
            EnterpriseProperties.Outbox config,
            Clock clock,
            ExecutorService workers,
            ScheduledExecutorService poller) {
        this.repo = repo;
        this.delivery = delivery;
        this.config = config;
        this.clock = clock;
        this.workers = workers;
        this.poller = poller;
        this.marks = new DeliveredMarks(repo, clock, unmarked::get, MARK_GATHER);
        this.events = new RecordedEvents(repo);
    }

    private volatile long lastPollWarning;

    /**
     * How long a mark's commit waits at most for the deliveries still under way, to take their marks along: on H2
     * each commit writes the changed pages to the file, so fewer, larger commits cost the delivery threads less CPU
     * per row (bench/README-enterprise.md, "fewer mark commits"). Adds at most this to a row's time in flight.
     */
    static final Duration MARK_GATHER = Duration.ofMillis(10);

    /**
     * Polls on its own scheduler every poll interval, and at once when a delivery finishes while rows are
     * waiting. The hub calls this when it starts (bean init).
     */
    public synchronized void start() {
        if (scheduler == null) {
            scheduler = poller;
            long period = Math.max(1, config.pollInterval().toMillis());
            scheduler.scheduleWithFixedDelay(this::pollQuietly, 0, period, TimeUnit.MILLISECONDS);
        }
    }

    private volatile long lastSummaryMillis = System.currentTimeMillis();
    private volatile long deliveredAtLastSummary;
    private volatile long failuresAtLastSummary;
    private volatile long[] commitsAtLastSummary = new long[6];

    private void pollQuietly() {
        try {
            pollOnce();
            summaryOncePerMinute();
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastPollWarning > 60_000) {
                lastPollWarning = now;
                LOG.warn(
                        "Outbox poll failed: {}. Deliveries wait until the database answers; polling goes on every {} ms "
                                + "and this warning repeats at most once a minute.",
                        e.toString(),
                        config.pollInterval().toMillis());
            }
        }
    }

    /**
     * An INFO line per minute with activity: what was delivered and what failed since the last one, and how many rows
     * the polls' claims, the delivered marks and the ordering groups' runs each took per transaction (on H2 every
     * commit writes the changed pages: more rows per commit, less CPU per document).
     */
    private void summaryOncePerMinute() {
        long now = System.currentTimeMillis();
        if (now - lastSummaryMillis < 60_000) {
            return;
        }
        long d = delivered.get();
        long f = failures.get();
        long[] commits = {
            claimCommits.get(), claimedRows.get(), marks.commits(), marks.rows(), runCommits.get(), runRows.get()
        };
        if (d != deliveredAtLastSummary || f != failuresAtLastSummary) {
            LOG.info(
                    "Outbox: {} document(s) delivered and {} failed attempt(s) in the last {} s; {} in flight; "
                            + "parked since start: {} (GET /api/outbox?status=PARKED); {} claim commit(s) for {} "
                            + "row(s), {} mark commit(s) for {} row(s), {} run commit(s) of ordering groups for {} "
                            + "row(s)",
                    d - deliveredAtLastSummary,
                    f - failuresAtLastSummary,
                    (now - lastSummaryMillis) / 1000,
                    inFlight.size(),
                    parked.get(),
                    commits[0] - commitsAtLastSummary[0],
                    commits[1] - commitsAtLastSummary[1],
                    commits[2] - commitsAtLastSummary[2],
                    commits[3] - commitsAtLastSummary[3],
                    commits[4] - commitsAtLastSummary[4],
                    commits[5] - commitsAtLastSummary[5]);
        }
        lastSummaryMillis = now;
        deliveredAtLastSummary = d;
        failuresAtLastSummary = f;
        commitsAtLastSummary = commits;
    }

    /**
     * Past this, a row's next attempt cannot have been set by this clock (backoff and claim lease both end sooner,
     * with a minute's slack for the clocks of other nodes): the clock went back, and the row is due now instead of
     * after the size of the step (docs/reliability.md, "clock jump").
     */
    Instant clockBack(Instant now) {
        Duration longest =
                config.maxBackoff().compareTo(config.claimLease()) > 0 ? config.maxBackoff() : config.claimLease();
        return now.plus(longest).plus(CLOCK_SLACK);
    }

    static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

    /**
     * One poll: claims due rows up to the free delivery slots, all in one transaction, and hands them to the workers.
     * Returns rows started.
     */
    public int pollOnce() {
        if (!polling.compareAndSet(0, 1)) {
            return 0;
        }
        try {
            Instant now = clock.instant();
            int free = Math.max(0, config.concurrency() * 2 - busy.get());
            if (free == 0) {
                return 0;
            }
            int want = Math.min(config.batchSize(), free);
            List<OutboxRow> due = repo.due(now, clockBack(now), want);
            backlog = due.size() >= want;
            List<OutboxRepository.Claim> claims = new ArrayList<>();
            for (OutboxRow row : due) {
                if (inFlight.contains(row.id()) || ordered(row.target())) {
                    continue;
                }
                claims.add(new OutboxRepository.Claim(row, referenceOf(row)));
            }
            List<String> heads = new ArrayList<>();
            for (String target : delivery.targets().names()) {
                if (!ordered(target) || orderedBusy.contains(target)) {
                    continue;
                }
                Optional<OutboxRow> head = repo.head(target);
                if (head.isPresent()
                        && (head.get().nextAttemptAt() == null
                                || !head.get().nextAttemptAt().isAfter(now))) {
                    orderedBusy.add(target);
                    heads.add(target);
                    claims.add(new OutboxRepository.Claim(head.get(), referenceOf(head.get())));
                }
            }
            if (claims.isEmpty()) {
                return 0;
            }
            boolean[] taken;
            try {
                taken = repo.claimAll(claims, now, clockBack(now), now.plus(config.claimLease()));
            } catch (RuntimeException e) {
                heads.forEach(orderedBusy::remove);
                throw e;
            }
            claimCommits.incrementAndGet();
            int started = 0;
            for (int i = 0; i < claims.size(); i++) {
                OutboxRepository.Claim c = claims.get(i);
                if (taken[i]) {
                    start(c);
                    started++;
                } else if (heads.contains(c.row().target())) {
                    orderedBusy.remove(c.row().target());
                }
            }
            claimedRows.addAndGet(started);
            return started;
        } finally {
            polling.set(0);
        }
    }

    private boolean ordered(String target) {
        try {
            return delivery.targets().names().contains(target)
                    && delivery.targets().config(target).ordered();
        } catch (DeliveryException e) {
            return false;
        }
    }

    /** The reference a claim of this row stores: the row's own once it has one (the same on every attempt). */
    private static String referenceOf(OutboxRow row) {
        return row.externalReference() != null
                ? row.externalReference()
                : row.legacyReference()
                        ? DeliveryInput.legacyReference20(row.deliveryKey())
                        : DeliveryInput.randomReference20();
    }

    private void start(OutboxRepository.Claim claimed) {
        OutboxRow first = claimed.row();
        inFlight.add(first.id());
        busy.incrementAndGet();
        workers.execute(() -> {
            List<OutboxRepository.Claim> run = List.of(claimed);
            try {
                // a run of an ordering group claims the group's next run in the commit of its marks: deliver it here
                // at once instead of waiting for a poll (a group otherwise moves one run per poll interval)
                while (!run.isEmpty()) {
                    if (inRuns(run.get(0).row())) {
                        run = deliverRun(run);
                    } else {
                        deliver(run.get(0).row(), run.get(0).reference());
                        inFlight.remove(run.get(0).row().id());
                        run = List.of();
                    }
                }
            } finally {
                run.forEach(c -> inFlight.remove(c.row().id()));
                busy.decrementAndGet();
                orderedBusy.remove(first.target());
                ScheduledExecutorService s = scheduler;
                if (backlog && s != null && busy.get() <= config.concurrency()) {
                    try {
                        s.execute(this::pollQuietly);
                    } catch (RejectedExecutionException stopped) {
                        // shutting down
                    }
                }
            }
        });
    }

    /** Whether a row goes in runs of its ordering group (closing, a run sends nothing and gives its rows back). */
    private boolean inRuns(OutboxRow row) {
        return row.orderingKey() != null && !ordered(row.target());
    }

    /** A failed attempt, as {@link #failed} records it (in a run, with the run's marks). */
    private record Failure(OutboxRow row, int attempt, String error, boolean permanent, Duration retryAfter) {

        /** A target's or mapping's failure says whether it is permanent; any other exception is transient. */
        static Failure of(OutboxRow row, int attempt, RuntimeException e) {
            return e instanceof DeliveryException d
                    ? new Failure(row, attempt, d.getMessage(), d.isPermanent(), d.retryAfter())
                    : new Failure(row, attempt, e.toString(), false, null);
        }
    }

    /**
     * Delivers a run of an ordering group (claimed rows, oldest first, of one document type) one after the other,
     * then in one commit marks the delivered ones, records a failure, gives back the rows not sent (after a failure,
     * when closing, or once half the claim lease has passed: a row must not outlive its lease in a run, or another
     * node could take it meanwhile) and, unless a row failed, claims the group's next run. Answers that run
     * (its rows in flight), or an empty list. One commit per run instead of one per row: an NCR's items reach SAP
     * QM at the pace of the calls, not of H2's commits.
     */
    private List<OutboxRepository.Claim> deliverRun(List<OutboxRepository.Claim> run) {
        long deadline = System.nanoTime() + config.claimLease().toNanos() / 2;
        List<OutboxRepository.Delivered> done = new ArrayList<>(run.size());
        Failure failure = null;
        int sent = 0;
        while (sent < run.size() && failure == null && !closing && (sent == 0 || System.nanoTime() < deadline)) {
            OutboxRepository.Claim c = run.get(sent++);
            int attempt = c.row().attempts() + 1;
            try {
                done.add(new OutboxRepository.Delivered(c.row().id(), attempt, send(c.row(), c.reference(), attempt)));
            } catch (RuntimeException e) {
                failure = Failure.of(c.row(), attempt, e);
            }
        }
        List<OutboxRepository.Claim> unsent = run.subList(sent, run.size());
        // a run cut short by its time (not by a failure) claims on at once: its unsent rows again, with a new lease
        boolean goOn = failure == null;
        Failure failed = failure;
        List<Long> taken = new ArrayList<>();
        try {
            List<OutboxRepository.Claim> next = repo.inTransaction(() -> {
                Instant now = clock.instant();
                repo.markDeliveredAll(done, now);
                if (failed != null) {
                    failed(failed);
                }
                repo.release(unsent, now);
                return goOn && !closing ? claimRun(run.get(0).row().orderingKey(), now, taken) : List.of();
            });
            delivered.addAndGet(done.size());
            runCommits.incrementAndGet();
            runRows.addAndGet(done.size());
            LOG.debug(
                    "Outbox group {}: {} row(s) delivered in one run",
                    run.get(0).row().orderingKey(),
                    done.size());
            run.forEach(c -> inFlight.remove(c.row().id()));
            return next;
        } catch (RuntimeException e) {
            taken.forEach(inFlight::remove); // rolled back: the next run is not claimed
            throw e;
        }
    }

    /**
     * Claims the group's next run in the caller's transaction: its oldest PENDING rows, at most the batch size, as
     * long as each is due, not in flight here and of the first one's document type. A change of type ends a run,
     * because a later row may read what an earlier one of another type stored when its mark committed (an NCR item
     * needs its NCR's document number, a clear the raise's). Only the prefix the claim took is kept; the rest is
     * given back. Rows of an ordered target are left to the poll (its target delivers its head only).
     */
    private List<OutboxRepository.Claim> claimRun(String orderingKey, Instant now, List<Long> taken) {
        List<OutboxRepository.Claim> claims = new ArrayList<>();
        for (OutboxRow row : repo.groupRun(orderingKey, config.batchSize())) {
            boolean otherType = !claims.isEmpty()
                    && !row.documentType().equals(claims.get(0).row().documentType());
            if (otherType || ordered(row.target()) || !isDue(row, now) || !inFlight.add(row.id())) {
                break;
            }
            taken.add(row.id());
            claims.add(new OutboxRepository.Claim(row, referenceOf(row)));
        }
        boolean[] took = repo.claimAll(claims, now, clockBack(now), now.plus(config.claimLease()));
        int kept = 0;
        while (kept < took.length && took[kept]) {
            kept++;
        }
        List<OutboxRepository.Claim> tail = new ArrayList<>();
        for (int i = kept; i < took.length; i++) {
            if (took[i]) {
                tail.add(claims.get(i)); // taken after one that was refused: out of order, give it back
            }
            inFlight.remove(claims.get(i).row().id());
        }
        repo.release(tail, now);
        return new ArrayList<>(claims.subList(0, kept));
    }

    private boolean isDue(OutboxRow row, Instant now) {
        Instant next = row.nextAttemptAt();
        return next == null || !next.isAfter(now) || next.isAfter(clockBack(now));
    }

    /**
     * Sends one claimed row: loads its inspection (a row without one is a document of its own, a quality alarm, whose
     * source gives the input) and runs the target's mapping and client. Answers the document number.
     */
    private String send(OutboxRow row, String reference, int attempt) {
        InspectionEvent event = row.inspectionId() == null
                ? null
                : events.of(row.inspectionId())
                        .orElseThrow(() -> DeliveryException.permanentFailure("inspection " + row.inspectionId()
                                + " of outbox row " + row.id() + " is not in the ledger"));
        boolean mayExist = row.mayHaveReached() || attempt > 1;
        return delivery.deliver(
                event, row.target(), row.documentType(), row.deliveryKey(), reference, attempt, mayExist);
    }

    /**
     * Delivers one claimed row that is not part of a run and records the outcome (its mark a group commit with the
     * rows other delivery threads finish meanwhile). {@code row} is the row as claimed (the claim took it only while
     * unchanged since it was read): its {@code mayHaveReached} says whether any earlier claim (this one not counted)
     * may have reached the target, and {@code reference} is the external reference the row holds.
     */
    void deliver(OutboxRow row, String reference) {
        int attempt = row.attempts() + 1;
        unmarked.incrementAndGet();
        boolean handedOver = false;
        try {
            String number = send(row, reference, attempt);
            unmarked.decrementAndGet();
            handedOver = true;
            marks.mark(row.id(), attempt, number);
            delivered.incrementAndGet();
            LOG.debug(
                    "Outbox row {}: {} {} for inspection {} delivered as {} (attempt {})",
                    row.id(),
                    row.target(),
                    row.documentType(),
                    row.inspectionId(),
                    number,
                    attempt);
        } catch (RuntimeException e) {
            failed(Failure.of(row, attempt, e));
        } finally {
            if (!handedOver) {
                unmarked.decrementAndGet();
            }
        }
    }

    private void failed(Failure f) {
        OutboxRow row = f.row();
        int attempt = f.attempt();
        String error = f.error();
        Duration retryAfter = f.retryAfter();
        Instant now = clock.instant();
        failures.incrementAndGet();
        if (f.permanent() || attempt >= config.maxAttempts()) {
            repo.park(row.id(), attempt, error, now);
            parked.incrementAndGet();
            LOG.warn(
                    "Outbox row {} ({} {} for inspection {}) PARKED after attempt {}: {}. Fix the cause, then "
                            + "POST /api/outbox/{}/retry (or /cancel).",
                    row.id(),
                    row.target(),
                    row.documentType(),
                    row.inspectionId(),
                    attempt,
                    error,
                    row.id());
            return;
        }
        Duration wait = backoff(attempt);
        if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
            wait = retryAfter.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : retryAfter;
        }
        repo.markRetry(row.id(), attempt, now.plus(wait), error, now);
        LOG.info(
                "Outbox row {} ({} for inspection {}) attempt {} failed, retry in {} ms: {}",
                row.id(),
                row.target(),
                row.inspectionId(),
                attempt,
                wait.toMillis(),
                error);
    }

    /** Backoff before the next attempt after {@code attempt} failed. */
    Duration backoff(int attempt) {
        long base = config.initialBackoff().toMillis();
        long max = config.maxBackoff().toMillis();
        long exp = base << Math.min(30, Math.max(0, attempt - 1));
        long capped = exp <= 0 ? max : Math.min(max, exp);
        long jitter = capped / 5 == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 5 + 1);
        return Duration.ofMillis(Math.min(max, capped + jitter));
    }

    public int inFlight() {
        return inFlight.size();
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long failureCount() {
        return failures.get();
    }

    public long parkedCount() {
        return parked.get();
    }

    /** Claim transactions of the polls so far (runs of an ordering group claim in their marks' commit: not here). */
    long claimCommits() {
        return claimCommits.get();
    }

    /** Rows those claim transactions took. */
    long claimedRows() {
        return claimedRows.get();
    }

    /** Run transactions of ordering groups so far (each marks a run and claims the group's next). */
    long runCommits() {
        return runCommits.get();
    }

    /** Rows those run transactions marked delivered. */
    long runRows() {
        return runRows.get();
    }

    @Override
    public synchronized void close() {
        closing = true;
        scheduler = null;
        poller.shutdownNow(); // no new poll, then the deliveries under way finish
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }
}
