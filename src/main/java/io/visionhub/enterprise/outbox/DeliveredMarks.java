package io.visionhub.enterprise.outbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Marks delivered outbox rows with a group commit: a delivery thread hands its row over and waits until the row is
 * marked; while one transaction is being written, the rows that other threads hand over queue up and the next
 * transaction marks them all (one commit for many rows, as the ledger writer commits many records). Nothing is
 * acknowledged before its commit: {@link #mark} returns only once the row's transaction committed, and throws when
 * it failed, so a crash or a database error between the delivery and the mark leaves the row PENDING under its
 * claim, and it is delivered again after the claim lease, with the same external reference (the target's lookup
 * finds the document: no duplicate).
 */
final class DeliveredMarks {

    private record Mark(OutboxRepository.Delivered row, CompletableFuture<Boolean> done) {}

    private final OutboxRepository repo;
    private final Clock clock;
    private final Object lock = new Object();
    private List<Mark> queued = new ArrayList<>();
    private boolean writing;

    DeliveredMarks(OutboxRepository repo, Clock clock) {
        this.repo = repo;
        this.clock = clock;
    }

    /**
     * Marks the row DELIVERED, in a transaction with whatever other rows wait; returns once that transaction
     * committed: true when the row was still PENDING (false: it was cancelled meanwhile). Throws the database's
     * error when the transaction failed (the row stays PENDING).
     */
    boolean mark(long id, int attempts, String documentNumber) {
        Mark mine = new Mark(new OutboxRepository.Delivered(id, attempts, documentNumber), new CompletableFuture<>());
        synchronized (lock) {
            queued.add(mine);
        }
        while (!mine.done().isDone()) {
            List<Mark> batch = null;
            synchronized (lock) {
                if (!writing && !queued.isEmpty()) {
                    writing = true;
                    batch = queued;
                    queued = new ArrayList<>();
                } else {
                    while (writing && !mine.done().isDone()) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            // the row's mark is queued and will be written by the next writer (or lost with the JVM:
                            // then the row is delivered again after its lease, as after a crash)
                            throw new IllegalStateException("interrupted while outbox row " + id + " was being marked");
                        }
                    }
                }
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

    /** Rows handed over and not yet taken by a transaction (tests). */
    int queued() {
        synchronized (lock) {
            return queued.size();
        }
    }

    private void write(List<Mark> batch) {
        try {
            List<OutboxRepository.Delivered> rows = new ArrayList<>(batch.size());
            for (Mark m : batch) {
                rows.add(m.row());
            }
            boolean[] marked = repo.markDeliveredAll(rows, clock.instant());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(marked[i]);
            }
        } catch (RuntimeException | Error e) {
            for (Mark m : batch) {
                m.done().completeExceptionally(e);
            }
        } finally {
            synchronized (lock) {
                writing = false;
                lock.notifyAll();
            }
        }
    }
}
