package io.visionhub.enterprise.outbox;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the outbox: each poll claims PENDING rows that are due, and for each one loads the recorded
 * event, runs the target's mapping and client ({@link DeliveryService}) and stores the document number.
 * A transient failure is retried with exponential backoff (initial × 2^(attempt-1), capped, with up to 20 %
 * jitter); a permanent one (the target's 400, a mapping error) or the last allowed attempt parks the row with
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
    /** Set when the last poll filled every free slot: a finishing delivery polls again at once. */
    private volatile boolean backlog;
    private volatile ScheduledExecutorService scheduler;

    public OutboxDeliverer(OutboxRepository repo, DeliveryService delivery, EnterpriseProperties.Outbox config, Clock clock) {
        this.repo = repo;
        this.delivery = delivery;
        this.config = config;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Math.max(1, config.getConcurrency()), r -> {
            Thread t = new Thread(r, "outbox-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private volatile long lastPollWarning;

    /**
     * Polls on its own scheduler every poll interval, and at once when a delivery finishes while rows are
     * waiting. The hub calls this when it starts (bean init).
     */
    public synchronized void start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "outbox-poll");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, config.getPollInterval().toMillis());
            scheduler.scheduleWithFixedDelay(this::pollQuietly, 0, period, TimeUnit.MILLISECONDS);
        }
    }

    private void pollQuietly() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastPollWarning > 60_000) {
                lastPollWarning = now;
                LOG.warn("Outbox poll failed: {}. Deliveries wait until the database answers; polling goes on every {} ms "
                        + "and this warning repeats at most once a minute.", e.toString(), config.getPollInterval().toMillis());
            }
        }
    }

    /** One poll: claims due rows up to the free delivery slots and hands them to the workers. Returns rows started. */
    public int pollOnce() {
        if (!polling.compareAndSet(0, 1)) {
            return 0;
        }
        try {
            Instant now = clock.instant();
            int free = Math.max(0, config.getConcurrency() * 2 - inFlight.size());
            if (free == 0) {
                return 0;
            }
            int started = 0;
            int want = Math.min(config.getBatchSize(), free);
            List<OutboxRow> due = repo.due(now, want);
            backlog = due.size() >= want;
            for (OutboxRow row : due) {
                if (inFlight.contains(row.id()) || ordered(row.target())) {
                    continue;
                }
                if (startIfClaimed(row, now)) {
                    started++;
                }
            }
            for (String target : delivery.targets().names()) {
                if (!ordered(target) || orderedBusy.contains(target)) {
                    continue;
                }
                Optional<OutboxRow> head = repo.head(target);
                if (head.isPresent() && (head.get().nextAttemptAt() == null || !head.get().nextAttemptAt().isAfter(now))) {
                    orderedBusy.add(target);
                    if (startIfClaimed(head.get(), now)) {
                        started++;
                    } else {
                        orderedBusy.remove(target);
                    }
                }
            }
            return started;
        } finally {
            polling.set(0);
        }
    }

    private boolean ordered(String target) {
        try {
            return delivery.targets().names().contains(target) && delivery.targets().config(target).isOrdered();
        } catch (DeliveryException e) {
            return false;
        }
    }

    private boolean startIfClaimed(OutboxRow row, Instant now) {
        if (!repo.claim(row.id(), now, now.plus(config.getClaimLease()))) {
            return false;
        }
        inFlight.add(row.id());
        workers.execute(() -> {
            try {
                deliver(row);
            } finally {
                inFlight.remove(row.id());
                orderedBusy.remove(row.target());
                ScheduledExecutorService s = scheduler;
                if (backlog && s != null && inFlight.size() <= config.getConcurrency()) {
                    try {
                        s.execute(this::pollQuietly);
                    } catch (java.util.concurrent.RejectedExecutionException stopped) {
                        // shutting down
                    }
                }
            }
        });
        return true;
    }

    /** Delivers one claimed row and records the outcome. */
    void deliver(OutboxRow row) {
        int attempt = row.attempts() + 1;
        try {
            String json = repo.eventJson(row.inspectionId()).orElseThrow(() -> DeliveryException.permanentFailure(
                    "inspection " + row.inspectionId() + " of outbox row " + row.id() + " is not in the ledger"));
            InspectionEvent event = EventJson.fromJson(json);
            String number = delivery.deliver(event, row.target(), row.documentType(), row.deliveryKey(), attempt);
            repo.markDelivered(row.id(), attempt, number, clock.instant());
            delivered.incrementAndGet();
            LOG.debug("Outbox row {}: {} {} for inspection {} delivered as {} (attempt {})", row.id(), row.target(),
                    row.documentType(), row.inspectionId(), number, attempt);
        } catch (DeliveryException e) {
            failed(row, attempt, e.getMessage(), e.isPermanent());
        } catch (RuntimeException e) {
            failed(row, attempt, e.toString(), false);
        }
    }

    private void failed(OutboxRow row, int attempt, String error, boolean permanent) {
        Instant now = clock.instant();
        failures.incrementAndGet();
        if (permanent || attempt >= config.getMaxAttempts()) {
            repo.park(row.id(), attempt, error, now);
            parked.incrementAndGet();
            LOG.warn("Outbox row {} ({} {} for inspection {}) PARKED after attempt {}: {}. Fix the cause, then "
                            + "POST /api/outbox/{}/retry (or /cancel).", row.id(), row.target(), row.documentType(),
                    row.inspectionId(), attempt, error, row.id());
            return;
        }
        Duration wait = backoff(attempt);
        repo.markRetry(row.id(), attempt, now.plus(wait), error, now);
        LOG.info("Outbox row {} ({} for inspection {}) attempt {} failed, retry in {} ms: {}", row.id(), row.target(),
                row.inspectionId(), attempt, wait.toMillis(), error);
    }

    /** Backoff before the next attempt after {@code attempt} failed. */
    Duration backoff(int attempt) {
        long base = config.getInitialBackoff().toMillis();
        long max = config.getMaxBackoff().toMillis();
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
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
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
