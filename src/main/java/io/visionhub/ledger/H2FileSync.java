package io.visionhub.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable-sync pipeline of the ledger on an H2 file ({@code h2-sync-each-commit}): H2 (WRITE_DELAY=0) has
 * written each commit to its file; the writer hands the commit over here and goes on with the next batch, and one
 * of two syncer threads forces the file once for every commit handed over since the last fsync began, then
 * acknowledges them in commit order. Two syncers run, so a commit written while one fsync is in flight does not
 * wait for it: the other starts the next fsync at once. An fsync covers the whole file, so whichever finishes makes
 * every commit handed over before it began durable; acknowledgement stays in order. The writer never waits for the
 * disk.
 * <p>
 * The syncers are two threads of their own for the ledger's whole life (not a pool, not Camel's
 * ExecutorServiceManager: the ledger starts before the CamelContext and also runs in the ledger command without
 * one); {@link #close} stops them after the writer has handed over its last commit.
 *
 * @param <T> what the writer hands over per commit (its records and head), acknowledged once durable
 */
final class H2FileSync<T> {

    private static final Logger LOG = LoggerFactory.getLogger(H2FileSync.class);
    private static final int SYNCERS = 2;

    /** A commit H2 holds but has not yet forced to disk. */
    private record Unsynced<T>(long lastSeq, T commit) {}

    private final DataSource dataSource;
    private final Consumer<T> acknowledge;
    /** told when a syncer ends on a JVM {@link Error} (the ledger stops: see {@link #abandon}) */
    private final Consumer<Error> stopped;
    // handing over from the writer to the syncers, guarded by lock: commits in order, how many were handed over
    // and how many an fsync has already started for
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition unsynced = lock.newCondition();
    private final ArrayDeque<Unsynced<T>> awaitingSync = new ArrayDeque<>();
    private long handedOver;
    private long syncStarted;
    private long acknowledgedUpTo;
    private boolean stopping;
    private final List<Thread> syncers = new ArrayList<>();
    /** the H2 database file, forced after commits; null: CHECKPOINT SYNC instead */
    private volatile FileChannel h2File;

    private H2FileSync(DataSource dataSource, Consumer<T> acknowledge, Consumer<Error> stopped) {
        this.dataSource = dataSource;
        this.acknowledge = acknowledge;
        this.stopped = stopped;
    }

    /**
     * On an H2 file database: opens the database file and starts the syncers. Null for an in-memory H2 (nothing to
     * force); PostgreSQL needs none either (synchronous_commit), the caller does not ask.
     */
    static <T> H2FileSync<T> start(DataSource dataSource, Consumer<T> acknowledge, Consumer<Error> stopped)
            throws SQLException {
        H2FileSync<T> sync = new H2FileSync<>(dataSource, acknowledge, stopped);
        try (Connection c = dataSource.getConnection()) {
            String url = c.getMetaData().getURL();
            if (url.startsWith("jdbc:h2:mem:")) {
                return null;
            }
            String base = url.replaceFirst("^jdbc:h2:(file:)?", "");
            int semi = base.indexOf(';');
            Path file = Path.of((semi < 0 ? base : base.substring(0, semi)) + ".mv.db");
            if (Files.isRegularFile(file)) {
                try {
                    sync.h2File = FileChannel.open(file, StandardOpenOption.READ);
                } catch (IOException e) {
                    LOG.warn(
                            "Cannot open the H2 file {} to fsync it ({}); using CHECKPOINT SYNC", file, e.getMessage());
                }
            }
        }
        for (int i = 1; i <= SYNCERS; i++) {
            Thread t = new Thread(sync::run, "ledger-h2-sync-" + i);
            t.setDaemon(true);
            t.start();
            sync.syncers.add(t);
        }
        return sync;
    }

    /** Writer thread: a commit H2 has written (records up to lastSeq), for the syncers to force and acknowledge. */
    void handOver(long lastSeq, T commit) {
        lock.lock();
        try {
            awaitingSync.add(new Unsynced<>(lastSeq, commit));
            handedOver++;
            unsynced.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A syncer's life. On a JVM {@link Error} (out of memory) it ends and says so: the commits it had started an fsync
     * for would otherwise wait for an acknowledgement that never comes (until the next commit wakes the other
     * syncer, or for good), while the hub looks alive.
     */
    private void run() {
        try {
            syncLoop();
        } catch (Error e) {
            stopped.accept(e);
        }
    }

    /**
     * After a syncer stopped (the ledger stops appending): takes the commits handed over and not yet acknowledged
     * out of the pipeline, for the ledger to answer. They are committed in H2's file (they survive a process crash)
     * but their fsync is not confirmed. A commit handed over later is forced and acknowledged as before by a syncer
     * still running.
     */
    List<T> abandon() {
        lock.lock();
        try {
            List<T> out = new ArrayList<>();
            Unsynced<T> u;
            while ((u = awaitingSync.poll()) != null) {
                out.add(u.commit());
            }
            acknowledgedUpTo = handedOver; // a syncer whose fsync is in flight acknowledges none of them
            syncStarted = handedOver;
            return out;
        } finally {
            lock.unlock();
        }
    }

    private void syncLoop() {
        while (true) {
            long covers;
            long coversSeq;
            lock.lock();
            try {
                while (syncStarted == handedOver && !stopping) {
                    unsynced.awaitUninterruptibly();
                }
                if (syncStarted == handedOver) {
                    return; // stopping, and nothing left to force
                }
                covers = handedOver;
                coversSeq = awaitingSync.peekLast().lastSeq();
                syncStarted = covers;
            } finally {
                lock.unlock();
            }
            try {
                force();
            } catch (SQLException | RuntimeException e) {
                // committed already: acknowledge, but say that power-loss durability was not confirmed
                LOG.error(
                        "Ledger records up to seq {} committed but H2 could not force them to disk: {} (they "
                                + "survive a process crash, not a power loss; check the disk)",
                        coversSeq,
                        e.getMessage());
            }
            lock.lock();
            try {
                while (acknowledgedUpTo < covers) {
                    Unsynced<T> u = awaitingSync.poll();
                    acknowledgedUpTo++;
                    acknowledge.accept(u.commit());
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Forces H2's committed data to disk (syncer thread): an fsync of the database file makes each commit survive a
     * power loss. Where the file cannot be synced that way (not found, not Linux), CHECKPOINT SYNC does it (dearer).
     */
    private void force() throws SQLException {
        FileChannel file = h2File;
        if (file != null) {
            try {
                file.force(false);
                return;
            } catch (IOException e) {
                LOG.warn("Cannot fsync the H2 file directly ({}); using CHECKPOINT SYNC from now on", e.getMessage());
                closeFile();
            }
        }
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        }
    }

    /** After the writer stopped: forces and acknowledges what it handed over last, then stops the syncers. */
    void close(Duration wait) throws InterruptedException {
        lock.lock();
        try {
            stopping = true;
            unsynced.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : syncers) {
            t.join(wait.toMillis());
        }
        closeFile();
    }

    private void closeFile() {
        FileChannel file = h2File;
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // closing a read handle
            }
            h2File = null;
        }
    }
}
