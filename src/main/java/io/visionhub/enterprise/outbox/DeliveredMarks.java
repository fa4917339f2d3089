package io.visionhub.enterprise.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Marks delivered outbox rows with a group commit: a delivery thread hands its row over and waits until the row is
 * marked; while one transaction is being written, the rows that other threads hand over queue up and the next
 * transaction marks them all (one commit for many rows, as the ledger writer commits many records). Nothing is
 * acknowledged before its commit: {@link #mark} returns only once the row's transaction committed, and throws when
 * it failed, so a crash or a database error between the delivery and the mark leaves the row PENDING under its
 * claim, and it is delivered again after the claim lease, with the same external reference (the target's lookup
 * finds the document: no duplicate).
 *
 * <p>A commit on the hub's H2 file writes a chunk (the changed pages of the table and its indexes) whatever the number
 * of rows in it, so the thread that is about to write waits a little, at most {@code gather}, for the marks of the
 * other deliveries under way (those whose HTTP call is still running) and writes them all in one commit; it writes at
 * once when none is left (a lone delivery never waits). Each thread still returns only after its own commit.
 */
final class DeliveredMarks {

    private record Mark(OutboxRepository.Delivered row, CompletableFuture<Boolean> done) {}

    private final OutboxRepository repo;
    private final Clock clock;
    /** deliveries under way that have not handed their marks over yet (see the class comment) */
    private final IntSupplier underWay;

    private final long gatherNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** signalled when a transaction ended: its threads return, one of the others writes the next */
    private final Condition written = lock.newCondition();
    /** signalled when a mark is handed over while the writer gathers (it alone waits on this) */
    private final Condition arrived = lock.newCondition();

    private List<Mark> queued = new ArrayList<>();
    /** mark transactions written and the rows they marked (the log's per-minute summary: rows per commit) */
    private final LongAdder commits = new LongAdder();

    private final LongAdder rows = new LongAdder();
    private boolean writing;
    private boolean gathering;

    /** Marks written at once, without waiting for others (tests). */
    DeliveredMarks(OutboxRepository repo, Clock clock) {
        this(repo, clock, () -> 0, Duration.ZERO);
    }

    /**
     * @param underWay the deliveries under way whose marks have not been handed over yet
     * @param gather   how long the writer waits at most for them before it commits what it has
     */
    DeliveredMarks(OutboxRepository repo, Clock clock, IntSupplier underWay, Duration gather) {
        this.repo = repo;
        this.clock = clock;
        this.underWay = underWay;
        this.gatherNanos = gather.toNanos();
    }

    /**
     * Marks the row DELIVERED, in a transaction with whatever other rows wait; returns once that transaction
     * committed: true when the row was still PENDING (false: it was cancelled meanwhile). Throws the database's
     * error when the transaction failed (the row stays PENDING).
     */
    boolean mark(long id, int attempts, String documentNumber) {
        Mark mine = new Mark(new OutboxRepository.Delivered(id, attempts, documentNumber), new CompletableFuture<>());
        lock.lock();
        try {
            queued.add(mine);
            if (gathering) {
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
        while (!mine.done().isDone()) {
            List<Mark> batch = null;
            lock.lock();
            try {
                if (!writing && !queued.isEmpty()) {
                    writing = true;
                    gather();
                    batch = queued;
                    queued = new ArrayList<>();
                } else {
                    while (writing && !mine.done().isDone()) {
                        try {
                            written.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            // the row's mark is queued and will be written by the next writer (or lost with the JVM:
                            // then the row is delivered again after its lease, as after a crash)
                            throw new IllegalStateException("interrupted while outbox row " + id + " was being marked");
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (batch != null) {
                write(batch);
            }
        }
        try {
            return mine.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * The writer, holding the lock, before it takes the queue: waits until no delivery under way is left to hand its
     * mark over, or {@code gather} has passed (the lock is free meanwhile, so marks keep coming in).
     */
    private void gather() {
        long left = gatherNanos;
        gathering = true;
        try {
            while (left > 0 && underWay.getAsInt() > 0) {
                try {
                    left = arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // write what has come
                }
            }
        } finally {
            gathering = false;
        }
    }

    /** Mark transactions committed so far. */
    long commits() {
        return commits.sum();
    }

    /** Rows those transactions marked. */
    long rows() {
        return rows.sum();
    }

    /** Rows handed over and not yet taken by a transaction (tests). */
    int queued() {
        lock.lock();
        try {
            return queued.size();
        } finally {
            lock.unlock();
        }
    }

    private void write(List<Mark> batch) {
        try {
            List<OutboxRepository.Delivered> rows = new ArrayList<>(batch.size());
            for (Mark m : batch) {
                rows.add(m.row());
            }
            boolean[] marked = repo.markDeliveredAll(rows, clock.instant());
            commits.increment();
            this.rows.add(rows.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(marked[i]);
            }
        } catch (RuntimeException | Error e) {
            for (Mark m : batch) {
                m.done().completeExceptionally(e);
            }
        } finally {
            lock.lock();
            try {
                writing = false;
                written.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
