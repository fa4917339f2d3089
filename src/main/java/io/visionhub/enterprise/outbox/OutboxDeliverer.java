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
 * group commit with the rows other delivery threads finish meanwhile, {@link DeliveredMarks}). A delivered row of an
 * ordering group hands its thread the group's next row when that is due, without waiting for a poll.
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
    private final Set<String> orderedBusy = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
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

    /** An INFO line per minute with activity: what was delivered and what failed since the last one. */
    private void summaryOncePerMinute() {
        long now = System.currentTimeMillis();
        if (now - lastSummaryMillis < 60_000) {
            return;
        }
        long d = delivered.get();
        long f = failures.get();
        if (d != deliveredAtLastSummary || f != failuresAtLastSummary) {
            LOG.info(
                    "Outbox: {} document(s) delivered and {} failed attempt(s) in the last {} s; {} in flight; "
                            + "parked since start: {} (GET /api/outbox?status=PARKED)",
                    d - deliveredAtLastSummary,
                    f - failuresAtLastSummary,
                    (now - lastSummaryMillis) / 1000,
                    inFlight.size(),
                    parked.get());
        }
        lastSummaryMillis = now;
        deliveredAtLastSummary = d;
        failuresAtLastSummary = f;
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
            int free = Math.max(0, config.concurrency() * 2 - inFlight.size());
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
        workers.execute(() -> {
            OutboxRepository.Claim current = claimed;
            try {
                // a delivered row of an ordering group makes the next row of its group due: deliver it here at once
                // instead of waiting for a poll (a group otherwise moves one row per poll interval)
                while (current != null) {
                    OutboxRepository.Claim next = deliver(current.row(), current.reference());
                    inFlight.remove(current.row().id());
                    current = next;
                }
            } finally {
                if (current != null) {
                    inFlight.remove(current.row().id());
                }
                orderedBusy.remove(first.target());
                ScheduledExecutorService s = scheduler;
                if (backlog && s != null && inFlight.size() <= config.concurrency()) {
                    try {
                        s.execute(this::pollQuietly);
                    } catch (RejectedExecutionException stopped) {
                        // shutting down
                    }
                }
            }
        });
    }

    /** Whether a delivered row hands its thread the next row of its ordering group. */
    private boolean chains(OutboxRow row) {
        return row.orderingKey() != null && !closing && !ordered(row.target());
    }

    /**
     * Marks a delivered row of an ordering group and, in the same transaction (one commit), claims the group's next
     * row when it is due now (the oldest PENDING row of the group, as the poll's due query would pick it); answers
     * that claim, or null. A row of an ordered target is left to the poll (its target delivers its head only).
     */
    private OutboxRepository.Claim markAndClaimNextOfGroup(OutboxRow delivered, int attempt, String number) {
        List<Long> taken = new ArrayList<>(1);
        try {
            return repo.inTransaction(() -> {
                Instant now = clock.instant();
                repo.markDelivered(delivered.id(), attempt, number, now);
                if (closing) {
                    return null;
                }
                Optional<OutboxRow> head = repo.groupHead(delivered.orderingKey());
                if (head.isEmpty()
                        || ordered(head.get().target())
                        || !isDue(head.get(), now)
                        || !inFlight.add(head.get().id())) {
                    return null;
                }
                taken.add(head.get().id());
                OutboxRepository.Claim c = new OutboxRepository.Claim(head.get(), referenceOf(head.get()));
                if (!repo.claimAll(List.of(c), now, clockBack(now), now.plus(config.claimLease()))[0]) {
                    inFlight.remove(head.get().id());
                    taken.clear();
                    return null;
                }
                return c;
            });
        } catch (RuntimeException e) {
            taken.forEach(inFlight::remove); // rolled back: the next row is not claimed
            throw e;
        }
    }

    private boolean isDue(OutboxRow row, Instant now) {
        Instant next = row.nextAttemptAt();
        return next == null || !next.isAfter(now) || next.isAfter(clockBack(now));
    }

    /**
     * Delivers one claimed row and records the outcome; answers the next row of its ordering group when this one was
     * delivered and the claim of that one taken with its mark (then in flight), else null. {@code row} is the
     * row as claimed (the claim took it only while unchanged since it was read): its {@code mayHaveReached} says
     * whether any earlier claim (this one not counted) may have reached the target, and {@code reference} is the
     * external reference the row holds.
     */
    OutboxRepository.Claim deliver(OutboxRow row, String reference) {
        int attempt = row.attempts() + 1;
        unmarked.incrementAndGet();
        boolean handedOver = false;
        try {
            // a row without an inspection is a document of its own (a quality alarm): its source gives the input
            InspectionEvent event = row.inspectionId() == null
                    ? null
                    : events.of(row.inspectionId())
                            .orElseThrow(() -> DeliveryException.permanentFailure("inspection " + row.inspectionId()
                                    + " of outbox row " + row.id() + " is not in the ledger"));
            boolean mayExist = row.mayHaveReached() || attempt > 1;
            String number = delivery.deliver(
                    event, row.target(), row.documentType(), row.deliveryKey(), reference, attempt, mayExist);
            // a row of a group: its mark and the claim of the group's next row in one commit; others: group commit
            OutboxRepository.Claim next = null;
            unmarked.decrementAndGet();
            handedOver = true;
            if (chains(row)) {
                next = markAndClaimNextOfGroup(row, attempt, number);
            } else {
                marks.mark(row.id(), attempt, number);
            }
            delivered.incrementAndGet();
            LOG.debug(
                    "Outbox row {}: {} {} for inspection {} delivered as {} (attempt {})",
                    row.id(),
                    row.target(),
                    row.documentType(),
                    row.inspectionId(),
                    number,
                    attempt);
            return next;
        } catch (DeliveryException e) {
            failed(row, attempt, e.getMessage(), e.isPermanent(), e.retryAfter());
        } catch (RuntimeException e) {
            failed(row, attempt, e.toString(), false, null);
        } finally {
            if (!handedOver) {
                unmarked.decrementAndGet();
            }
        }
        return null;
    }

    private void failed(OutboxRow row, int attempt, String error, boolean permanent, Duration retryAfter) {
        Instant now = clock.instant();
        failures.incrementAndGet();
        if (permanent || attempt >= config.maxAttempts()) {
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
