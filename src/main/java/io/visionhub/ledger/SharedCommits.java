package io.visionhub.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes of other components that ride in the ledger writer's next transaction instead of committing on their own
 * (the outbox's claims and delivered marks, {@link LedgerCommits}). On an H2 file every commit writes a chunk: the
 * changed pages of every table and index touched since the last commit, and the path from each to its root. The
 * outbox's rows are the ones the ledger has just inserted, in the same pages, so a claim or a mark committed on its
 * own rewrites pages the ledger's next commit writes anyway (in the side-by-side bench the outbox's own commits took
 * a seventh of the hub's CPU, bench/README.md). A rider:
 * <ul>
 *   <li>runs on the writer thread, in the writer's transaction, after the batch's records, inside a savepoint of its
 *   own: a rider that fails is rolled back to its savepoint and fails alone; the records and the other riders
 *   commit;</li>
 *   <li>completes when that transaction has committed (H2 has written it to its file; the fsync that follows for the
 *   records is not waited for, as a commit of the rider's own would not have been either);</li>
 *   <li>when the writer's transaction fails (a record refused, the disk full), runs again in a transaction of its own
 *   on the writer thread, so a rider never fails for a record's fault: its work must be safe to run again after a
 *   rollback;</li>
 *   <li>with no records waiting, commits in a transaction of riders only, at once.</li>
 * </ul>
 * The writer thread owns the rides; {@link #ride} is called from any thread.
 */
final class SharedCommits {

    private static final Logger LOG = LoggerFactory.getLogger(SharedCommits.class);

    /** A rider's outcome once its transaction committed, or its own failure. */
    static final class Ride<T> {
        final LedgerCommits.Work<T> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;
        Exception failure;

        Ride(LedgerCommits.Work<T> work) {
            this.work = work;
        }

        /** Runs the work in a savepoint of {@code c}; its own failure is kept and rolled back to the savepoint. */
        void runIn(Connection c) throws SQLException {
            result = null;
            failure = null;
            Savepoint sp = c.setSavepoint();
            try {
                result = work.run(c);
                c.releaseSavepoint(sp);
            } catch (SQLException | RuntimeException e) {
                c.rollback(sp);
                failure = e;
            }
        }

        void committed() {
            if (failure == null) {
                done.complete(result);
            } else {
                done.completeExceptionally(failure);
            }
        }
    }

    private final ConcurrentLinkedQueue<Ride<?>> waiting = new ConcurrentLinkedQueue<>();

    /** Queues {@code work} for the writer's next transaction; the future completes once that transaction committed. */
    <T> CompletableFuture<T> ride(LedgerCommits.Work<T> work) {
        Ride<T> r = new Ride<>(work);
        waiting.add(r);
        return r.done;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** (writer) The riders waiting now, taken for the transaction about to commit. */
    List<Ride<?>> take() {
        List<Ride<?>> taken = new ArrayList<>();
        for (Ride<?> r = waiting.poll(); r != null; r = waiting.poll()) {
            taken.add(r);
        }
        return taken;
    }

    /** (writer) Runs the riders taken in the writer's open transaction on {@code c}, each in its own savepoint. */
    static void runIn(Connection c, List<Ride<?>> rides) throws SQLException {
        for (Ride<?> r : rides) {
            r.runIn(c);
        }
    }

    /** (writer) The transaction holding {@code rides} committed: each completes with its result or its own failure. */
    static void committed(List<Ride<?>> rides) {
        rides.forEach(Ride::committed);
    }

    /**
     * (writer) Runs {@code rides} in a transaction of their own on {@code dataSource}'s connection {@code c} and
     * commits: after the writer's transaction failed (they run again) or when no record was waiting. A commit that
     * fails fails them all.
     */
    static void commitAlone(Connection c, List<Ride<?>> rides) {
        if (rides.isEmpty()) {
            return;
        }
        try {
            c.setAutoCommit(false);
            try {
                runIn(c, rides);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            failed(rides, e);
            return;
        }
        committed(rides);
    }

    /** (writer) {@code rides} could not run: no connection, or their own transaction failed. */
    static void failed(List<Ride<?>> rides, Exception e) {
        LOG.warn("{} write(s) sharing the ledger's commits failed: {}", rides.size(), e.toString());
        rides.forEach(r -> r.done.completeExceptionally(e));
    }
}
