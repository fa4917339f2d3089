package io.visionhub.ledger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 file from growing without bound. H2 writes each commit as a new chunk of the pages it
 * changed and frees a chunk's space only once none of its pages is live any more. With {@code WRITE_DELAY=0}
 * (every commit in the file at once: the ledger's durability needs it) H2 starts no background writer, and that
 * thread is what rewrites the few live pages of mostly dead chunks elsewhere. Without it nearly every chunk keeps one
 * live page for good (a full leaf of a time-ordered index, never written again), so the file grew with every
 * commit: 29-31 KB a record in the demo, 2.5 GB for 195,000 records in the routing bench, 16 times its live data.
 * <p>
 * Every {@code interval} this runs the step of H2's background writer that matters here: under the store's lock, as a
 * commit, it rewrites the live pages of the chunks that are older than H2's retention time (45 s) and at most {@code
 * target-fill-rate} % live, emptiest first, at most {@code write-limit} bytes a run ({@code FileStore.rewriteChunks}).
 * H2 has no public call for it: {@link MVStore#compact} rewrites whichever old chunks are emptiest, however full,
 * as long as the whole file is under its target, and with a second's commits always in their retention time the
 * whole file always is, so it moved the same live data round and round (1 MB a second). Both methods are looked up
 * once; an H2 without them gets a WARN and no compaction ({@code H2ChunkCompactionTest} fails first). A freed
 * chunk's space is reused once the retention time has passed, so the file holds its older data at least half live
 * plus what 45 s of commits write. One thread of its own, as the syncers.
 */
final class H2ChunkCompaction implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2ChunkCompaction.class);
    /** how often a run also logs the file's size and fill */
    private static final Duration REPORT_EVERY = Duration.ofMinutes(10);
    /** H2's own: MVStore.tryExecuteUnderStoreLock(Callable) and FileStore.rewriteChunks(writeLimit, targetFillRate) */
    private static final Method UNDER_STORE_LOCK;

    private static final Method REWRITE_CHUNKS;
    private static final String UNAVAILABLE;

    static {
        Method lock = null;
        Method rewrite = null;
        String why = null;
        try {
            lock = MVStore.class.getDeclaredMethod("tryExecuteUnderStoreLock", Callable.class);
            rewrite = FileStore.class.getDeclaredMethod("rewriteChunks", int.class, int.class);
            lock.setAccessible(true);
            rewrite.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = "this H2 (" + org.h2.engine.Constants.FULL_VERSION + ") has no " + e.getMessage();
            lock = null;
            rewrite = null;
        }
        UNDER_STORE_LOCK = lock;
        REWRITE_CHUNKS = rewrite;
        UNAVAILABLE = why;
    }

    private final DataSource dataSource;
    private final LedgerProperties.H2Compaction settings;
    private final Thread thread;
    // not an interrupt: H2's file channel closes when a thread interrupted in its I/O
    private final CountDownLatch stop = new CountDownLatch(1);
    // the compaction thread's own: the runs since the last report, and whether the last run failed
    private long lastReport = System.nanoTime();
    private long rewrites;
    /** the longest a run held H2's store lock (commits wait meanwhile), since the last report */
    private long longestLockNanos;

    private boolean failing;
    // the last run's figures, for the gauges (NaN before the first)
    private volatile double fileBytes = Double.NaN;
    private volatile double chunksLivePercent = Double.NaN;

    private H2ChunkCompaction(DataSource dataSource, LedgerProperties.H2Compaction settings) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.thread = new Thread(this::loop, "ledger-h2-compaction");
        thread.setDaemon(true);
    }

    /** Started on an embedded H2 file with compaction on; null otherwise (in memory, PostgreSQL, interval 0). */
    static H2ChunkCompaction start(DataSource dataSource, LedgerProperties.H2Compaction settings) throws SQLException {
        if (settings.interval().isZero()) {
            return null;
        }
        if (UNAVAILABLE != null) {
            LOG.warn("H2 compaction is off: {}; the H2 file will grow with every commit", UNAVAILABLE);
            return null;
        }
        try (Connection c = dataSource.getConnection()) {
            MVStore store = fileStore(c);
            if (store == null) {
                return null;
            }
            LOG.info(
                    "H2 compaction: every {} ms, the live pages of chunks at most {} % live rewritten, at most {} KB "
                            + "a run (the file: {} MB now, its chunks {} % live)",
                    settings.interval().toMillis(),
                    settings.targetFillRate(),
                    settings.writeLimit().toKilobytes(),
                    store.getFileStore().size() / 1_000_000,
                    store.getFileStore().getChunksFillRate());
        }
        H2ChunkCompaction h = new H2ChunkCompaction(dataSource, settings);
        h.thread.start();
        return h;
    }

    /**
     * The MVStore of an embedded H2 file behind a pooled connection, or null (another database, H2 in memory or over
     * TCP). Asked per run: after a full disk the pool opens the file again, as a new store.
     */
    static MVStore fileStore(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || !session.getDatabase().isPersistent()) {
            return null;
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        return store.getFileStore() == null ? null : store;
    }

    /**
     * One run: rewrites the live pages of the emptiest old chunks at most the target live, if any. True when H2
     * rewrote some.
     */
    boolean runOnce() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            MVStore store = fileStore(c);
            if (store == null || store.isClosed()) {
                return false;
            }
            // under the store's lock, as a commit: while it rewrites, commits wait (the write limit bounds how long)
            boolean rewrote = rewrite(store);
            if (rewrote) {
                rewrites++;
            }
            long size = store.getFileStore().size();
            int live = store.getFileStore().getChunksFillRate(); // walks the chunk map: once a run, gauges and log
            fileBytes = size;
            chunksLivePercent = live;
            if (System.nanoTime() - lastReport >= REPORT_EVERY.toNanos()) {
                lastReport = System.nanoTime();
                LOG.info(
                        "H2 compaction: the file is {} MB, its chunks {} % live; {} run(s) rewrote chunks in the "
                                + "last {} min, the longest held H2's store lock {} ms",
                        size / 1_000_000,
                        live,
                        rewrites,
                        REPORT_EVERY.toMinutes(),
                        TimeUnit.NANOSECONDS.toMillis(longestLockNanos));
                rewrites = 0;
                longestLockNanos = 0;
            }
            return rewrote;
        }
    }

    /** H2's rewrite under its store lock, as its background writer runs it; false when the lock was busy. */
    private boolean rewrite(MVStore store) throws SQLException {
        FileStore<?> file = store.getFileStore();
        int limit = (int) settings.writeLimit().toBytes();
        int target = settings.targetFillRate();
        // H2 closes the store when the callable throws: only H2's own method runs inside
        Callable<Boolean> rewrite = () -> {
            long start = System.nanoTime(); // the lock is held from here: what commits wait for
            try {
                return (Boolean) REWRITE_CHUNKS.invoke(file, limit, target);
            } finally {
                longestLockNanos = Math.max(longestLockNanos, System.nanoTime() - start);
            }
        };
        try {
            return Boolean.TRUE.equals(UNDER_STORE_LOCK.invoke(store, rewrite));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("H2 compaction: " + e.getMessage(), e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException i ? i.getCause() : e.getCause();
            throw new SQLException("H2 compaction failed: " + cause, cause);
        }
    }

    /** The H2 file's size at the last run (visionhub_ledger_h2_file_bytes). */
    double fileBytes() {
        return fileBytes;
    }

    /** How much of the file's chunks was live at the last run, in % (visionhub_ledger_h2_chunks_live_percent). */
    double chunksLivePercent() {
        return chunksLivePercent;
    }

    private void loop() {
        long period = settings.interval().toNanos();
        try {
            while (!stop.await(period, TimeUnit.NANOSECONDS)) {
                try {
                    runOnce();
                    if (failing) {
                        failing = false;
                        LOG.info("H2 compaction runs again");
                    }
                } catch (SQLException | RuntimeException e) {
                    // the database is down or closed (a full disk): the next run tries again; commits do not wait
                    // for it. Said once per outage, not every interval
                    if (!failing) {
                        failing = true;
                        LOG.warn(
                                "H2 compaction cannot run ({}); it tries again every {} ms",
                                e.getMessage(),
                                period / 1_000_000);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
