package io.visionhub.ledger;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.heads.TreeHeadSigner;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The ledger on SQL (H2 or PostgreSQL) with group commit: appenders enqueue, one writer thread takes
 * whatever is waiting (up to {@code batch-max-records}), numbers each record, hashes its canonical entry
 * as an RFC 6962 leaf, writes the leaves, the inspection/defect/outbox rows and (when due) a signed tree
 * head in ONE transaction, commits, and only then releases the appenders. A batch that fails is retried
 * record by record so that one bad record (say a duplicate id) does not fail its neighbours.
 * <p>
 * On an H2 file with {@code h2-sync-each-commit} the disk flush is pipelined: H2 writes each commit to its file,
 * then one of two syncer threads forces the file once for every commit written since the last fsync began and only
 * then acknowledges them (in commit order), while the writer already inserts the next batch. An appender is still answered only when
 * its record is on disk; other database sessions may read a committed record a flush earlier than that.
 */
public class JdbcInspectionLedger implements InspectionLedger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcInspectionLedger.class);
    static final String INSERT_LEAF = "INSERT INTO ledger_leaf (seq, record_type, record_id, leaf_hash, entry, "
            + "recorded_at) VALUES (?,?,?,?,?,?)";
    static final String INSERT_HEAD = "INSERT INTO ledger_tree_head (tree_size, root_hash, signed_at, key_id, "
            + "algorithm, signature) VALUES (?,?,?,?,?,?)";

    private final DataSource dataSource;
    private final LedgerProperties props;
    private final TreeHeadSigner signer;
    private final Clock clock;
    private final BlockingQueue<Pending> queue;
    private final List<Consumer<SignedTreeHead>> headListeners = new CopyOnWriteArrayList<>();
    /** publishes heads (file, MQTT) in order, off the writer thread: a slow broker never delays a commit */
    private final java.util.concurrent.ExecutorService publisher = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ledger-head-publisher");
                t.setDaemon(true);
                return t;
            });
    private final java.util.Queue<CompletableFuture<SignedTreeHead>> headRequests =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final java.util.concurrent.atomic.LongAdder commits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder committedRecords = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder commitNanos = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean running;
    private Thread writer;
    private boolean h2;
    // writer-thread state
    private long nextSeq;
    private MerkleFrontier frontier;
    private long lastHeadSize;
    private Instant lastHeadAt;
    private volatile SignedTreeHead latestHead;
    /** writer thread: the newest head committed, maybe not yet forced to disk and published */
    private SignedTreeHead lastCommittedHead;

    public JdbcInspectionLedger(DataSource dataSource, LedgerProperties props, TreeHeadSigner signer, Clock clock) {
        this.dataSource = dataSource;
        this.props = props;
        this.signer = props.getHeads().isEnabled() ? signer : null;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(props.getQueueCapacity());
    }

    private record Pending(LedgerWrite write, CompletableFuture<LedgerReceipt> done) {
    }

    /** Group commits so far, the records they held and the time they took (writer thread, sync included). */
    public record Stats(long commits, long records, long commitNanos) {
        public double recordsPerCommit() {
            return commits == 0 ? 0 : (double) records / commits;
        }

        public double millisPerCommit() {
            return commits == 0 ? 0 : commitNanos / 1e6 / commits;
        }
    }

    public Stats stats() {
        return new Stats(commits.sum(), committedRecords.sum(), commitNanos.sum());
    }

    /** Publishes the ledger's figures to Micrometer (visionhub.ledger.*). */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
        io.micrometer.core.instrument.FunctionCounter.builder("visionhub.ledger.commits", commits, LongAdder::sum)
                .description("group commits of the ledger writer").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("visionhub.ledger.records", committedRecords,
                LongAdder::sum).description("records committed").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("visionhub.ledger.commit.seconds", commitNanos,
                a -> a.sum() / 1e9).description("time spent committing (sync included)").register(meters);
        io.micrometer.core.instrument.Gauge.builder("visionhub.ledger.queue", queue, BlockingQueue::size)
                .description("appends waiting for the writer").register(meters);
        io.micrometer.core.instrument.Gauge.builder("visionhub.ledger.size", this, l -> l.nextSeq)
                .description("records in the log").register(meters);
    }

    /** Called for each signed head after its transaction committed (heads file, MQTT, API cache). */
    public void addHeadListener(Consumer<SignedTreeHead> listener) {
        headListeners.add(listener);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            loadState();
            startSyncer();
        } catch (SQLException e) {
            throw new LedgerException("cannot open the ledger tables (did Flyway run?): " + e.getMessage(), e);
        }
        lastHeadAt = clock.instant();
        running = true;
        writer = new Thread(this::writeLoop, "ledger-writer");
        writer.setDaemon(true);
        writer.start();
        LOG.info("Ledger open on {}: {} records, last signed head at size {}; heads {}", h2 ? "H2" : "PostgreSQL",
                nextSeq, lastHeadSize, signer == null ? "off" : "signed by key " + signer.keyId());
    }

    private long storedCount() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_leaf")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Reads the sequence, the tree's right edge and the latest head from the database (start, and after a failure). */
    private void loadState() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            h2 = c.getMetaData().getDatabaseProductName().toLowerCase().contains("h2");
            MerkleFrontier f = new MerkleFrontier();
            long expected = 0;
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("SELECT seq, leaf_hash FROM ledger_leaf ORDER BY seq")) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        if (seq != expected) {
                            throw new LedgerException("ledger_leaf has no record " + expected + " (next is " + seq
                                    + "): the log was altered; run the ledger verification before appending");
                        }
                        f.append(MerkleHash.unhex(rs.getString(2)));
                        expected++;
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT tree_size, root_hash, signed_at, key_id, algorithm, "
                        + "signature FROM ledger_tree_head ORDER BY tree_size DESC LIMIT 1")) {
                    if (rs.next()) {
                        latestHead = JdbcLedgerReader.head(rs);
                        lastHeadSize = latestHead.treeSize();
                    }
                }
            }
            frontier = f;
            nextSeq = expected;
        }
    }

    @Override
    public LedgerReceipt append(InspectionEvent event, List<DeliveryRequest> deliveries) {
        List<DeliveryRequest> d = deliveries == null ? List.of() : deliveries;
        return append(InspectionRecord.toWrite(event, d, clock.instant()));
    }

    /** Appends any record type; durable on return. */
    public LedgerReceipt append(LedgerWrite write) {
        return await(submit(write), write);
    }

    /** Enqueues without waiting; the future completes when the record is committed. */
    public CompletableFuture<LedgerReceipt> submit(LedgerWrite write) {
        if (!running) {
            throw new LedgerException("ledger is not running: " + write.type() + " " + write.recordId()
                    + " not recorded");
        }
        Pending p = new Pending(write, new CompletableFuture<>());
        try {
            queue.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted before " + write.type() + " " + write.recordId() + " was queued");
        }
        return p.done();
    }

    private LedgerReceipt await(CompletableFuture<LedgerReceipt> f, LedgerWrite write) {
        try {
            return f.get(props.getAppendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while waiting for " + write.type() + " " + write.recordId()
                    + " to commit (it may still commit)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new LedgerException(write.type() + " " + write.recordId() + " not recorded: " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new LedgerException(write.type() + " " + write.recordId() + " not committed within "
                    + props.getAppendTimeout() + " (database slow or down; it may still commit)");
        }
    }

    public SignedTreeHead latestHead() {
        return latestHead;
    }

    /** Number of records committed so far. */
    public long size() {
        return nextSeq;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(props.getBatchMaxRecords());
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    signHeadIfDue(false);
                } else {
                    batch.add(first);
                    queue.drainTo(batch, props.getBatchMaxRecords() - 1);
                    writeBatch(batch);
                }
                serveHeadRequests();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("Ledger writer: unexpected failure; the records of this batch were refused", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        signHeadIfDue(true);
        serveHeadRequests();
    }

    private void writeBatch(List<Pending> batch) {
        try {
            commit(batch);
        } catch (SQLException e) {
            // the outcome of a failed commit may be unknown (connection lost): re-read what the database holds
            try {
                if (storedCount() != nextSeq) {
                    loadState();
                }
            } catch (SQLException | RuntimeException reload) {
                LOG.error("Ledger cannot re-read its state after a failed commit ({}); refusing this batch",
                        reload.getMessage());
                batch.forEach(p -> fail(p, e));
                return;
            }
            if (batch.size() == 1) {
                fail(batch.get(0), e);
                return;
            }
            LOG.warn("Ledger group commit of {} records failed ({}); retrying them one by one", batch.size(),
                    e.getMessage());
            for (Pending p : batch) {
                try {
                    commit(List.of(p));
                } catch (SQLException e1) {
                    fail(p, e1);
                }
            }
        }
    }

    private void fail(Pending p, SQLException e) {
        LedgerWrite w = p.write();
        LOG.error("Ledger refused {} {}: {} (nothing about it may leave the hub; fix the cause and resend)",
                w.type(), w.recordId(), e.getMessage());
        p.done().completeExceptionally(new LedgerException(w.type() + " " + w.recordId() + " not recorded: "
                + e.getMessage(), e));
    }

    private record Committed(Pending pending, LedgerReceipt receipt) {
    }

    private void commit(List<Pending> batch) throws SQLException {
        long t0 = System.nanoTime();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String recordedAt = now.toString();
        MerkleFrontier f = frontier.copy();
        long seq = nextSeq;
        List<Committed> done = new ArrayList<>(batch.size());
        SignedTreeHead head = null;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, PreparedStatement> side = new LinkedHashMap<>();
                try (PreparedStatement leaf = c.prepareStatement(INSERT_LEAF)) {
                    for (Pending p : batch) {
                        LedgerWrite w = p.write();
                        String entry = LedgerWrite.entry(seq, w.type(), w.recordId(), recordedAt, w.body());
                        byte[] hash = MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8));
                        f.append(hash);
                        String hex = MerkleHash.hex(hash);
                        leaf.setLong(1, seq);
                        leaf.setString(2, w.type());
                        leaf.setString(3, w.recordId());
                        leaf.setString(4, hex);
                        leaf.setString(5, entry);
                        leaf.setObject(6, InspectionRecord.ts(now));
                        leaf.addBatch();
                        for (SqlRow row : w.rows()) {
                            PreparedStatement ps = side.get(row.sql());
                            if (ps == null) {
                                ps = c.prepareStatement(row.sql());
                                side.put(row.sql(), ps);
                            }
                            int i = 1;
                            for (Object a : row.args()) {
                                ps.setObject(i++, a == SqlRow.SEQUENCE ? Long.valueOf(seq) : a);
                            }
                            ps.addBatch();
                        }
                        done.add(new Committed(p, new LedgerReceipt(seq, hex)));
                        seq++;
                    }
                    leaf.executeBatch();
                    for (PreparedStatement ps : side.values()) {
                        ps.executeBatch();
                    }
                } finally {
                    for (PreparedStatement ps : side.values()) {
                        ps.close();
                    }
                }
                if (signer != null && (f.size() - lastHeadSize >= props.getHeads().getEveryRecords()
                        || !now.isBefore(lastHeadAt.plus(props.getHeads().getEvery())))) {
                    head = insertHead(c, f, now);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        frontier = f;
        nextSeq = seq;
        commits.increment();
        committedRecords.add(done.size());
        commitNanos.add(System.nanoTime() - t0);
        if (head != null) {
            headCommitted(head);
        }
        if (syncers.isEmpty()) {
            acknowledge(done, head); // nothing to force: PostgreSQL, in-memory H2, or h2-sync-each-commit off
        } else {
            // a syncer forces the H2 file while this thread goes on with the next batch
            handOver(new Unsynced(seq - 1, done, head));
        }
    }

    private void acknowledge(List<Committed> done, SignedTreeHead head) {
        for (Committed d : done) {
            d.pending().done().complete(d.receipt());
        }
        if (head != null) {
            headDurable(head);
        }
    }

    /** A group commit H2 holds but has not yet forced to disk; acknowledged by a syncer after the next fsync. */
    private record Unsynced(long lastSeq, List<Committed> done, SignedTreeHead head) {
    }

    // handing over from the writer to the syncers, guarded by syncLock: commits in order, how many were handed over
    // and how many an fsync has already started for
    private final java.util.concurrent.locks.ReentrantLock syncLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.Condition unsynced = syncLock.newCondition();
    private final java.util.ArrayDeque<Unsynced> awaitingSync = new java.util.ArrayDeque<>();
    private long handedOver;
    private long syncStarted;
    private long acknowledgedUpTo;
    private boolean syncersStopping;
    private static final int SYNCERS = 2;
    private final List<Thread> syncers = new ArrayList<>();

    /** Writer thread: a commit H2 has written, for the syncers to force and acknowledge. */
    private void handOver(Unsynced u) {
        syncLock.lock();
        try {
            awaitingSync.add(u);
            handedOver++;
            unsynced.signal();
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * A syncer: forces the file once for every commit handed over since the last fsync began, then acknowledges
     * them in commit order. Two syncers run, so a commit written while one fsync is in flight does not wait for it:
     * the other starts the next fsync at once. An fsync covers the whole file, so whichever finishes makes every
     * commit handed over before it began durable; acknowledgement (and head publication) stays in order. The
     * writer never waits for the disk.
     */
    private void syncLoop() {
        while (true) {
            long covers;
            long coversSeq;
            syncLock.lock();
            try {
                while (syncStarted == handedOver && !syncersStopping) {
                    unsynced.awaitUninterruptibly();
                }
                if (syncStarted == handedOver) {
                    return; // stopping, and nothing left to force
                }
                covers = handedOver;
                coversSeq = awaitingSync.peekLast().lastSeq();
                syncStarted = covers;
            } finally {
                syncLock.unlock();
            }
            try {
                forceH2();
            } catch (SQLException | RuntimeException e) {
                // committed already: acknowledge, but say that power-loss durability was not confirmed
                LOG.error("Ledger records up to seq {} committed but H2 could not force them to disk: {} (they "
                        + "survive a process crash, not a power loss; check the disk)", coversSeq, e.getMessage());
            }
            syncLock.lock();
            try {
                while (acknowledgedUpTo < covers) {
                    Unsynced u = awaitingSync.poll();
                    acknowledgedUpTo++;
                    acknowledge(u.done(), u.head());
                }
            } finally {
                syncLock.unlock();
            }
        }
    }

    /** syncer thread (opened at start): the H2 database file, forced after commits; null: CHECKPOINT SYNC instead */
    private volatile java.nio.channels.FileChannel h2File;

    /**
     * Forces H2's committed data to disk (syncer thread). H2 (WRITE_DELAY=0) has written each commit to its file;
     * an fsync of that file makes it survive a power loss. Where the file cannot be synced that way (not found,
     * not Linux), CHECKPOINT SYNC does it (dearer).
     */
    private void forceH2() throws SQLException {
        java.nio.channels.FileChannel file = h2File;
        if (file != null) {
            try {
                file.force(false);
                return;
            } catch (java.io.IOException e) {
                LOG.warn("Cannot fsync the H2 file directly ({}); using CHECKPOINT SYNC from now on", e.getMessage());
                closeH2File();
            }
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        }
    }

    /**
     * At start, on an H2 file database with h2-sync-each-commit: opens the database file for the syncer and starts
     * it. In-memory databases and PostgreSQL (synchronous_commit) need no syncer.
     */
    private void startSyncer() throws SQLException {
        if (!h2 || !props.isH2SyncEachCommit()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            String url = c.getMetaData().getURL();
            if (url.startsWith("jdbc:h2:mem:")) {
                return;
            }
            String base = url.replaceFirst("^jdbc:h2:(file:)?", "");
            int semi = base.indexOf(';');
            java.nio.file.Path file = java.nio.file.Path.of((semi < 0 ? base : base.substring(0, semi)) + ".mv.db");
            if (java.nio.file.Files.isRegularFile(file)) {
                try {
                    h2File = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
                } catch (java.io.IOException e) {
                    LOG.warn("Cannot open the H2 file {} to fsync it ({}); using CHECKPOINT SYNC", file, e.getMessage());
                }
            }
        }
        for (int i = 1; i <= SYNCERS; i++) {
            Thread t = new Thread(this::syncLoop, "ledger-h2-sync-" + i);
            t.setDaemon(true);
            t.start();
            syncers.add(t);
        }
    }

    private void closeH2File() {
        if (h2File != null) {
            try {
                h2File.close();
            } catch (java.io.IOException ignored) {
                // closing a read handle
            }
            h2File = null;
        }
    }

    private SignedTreeHead insertHead(Connection c, MerkleFrontier f, Instant now) throws SQLException {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        SignedTreeHead head = signer.sign(f.size(), MerkleHash.hex(f.root()), at);
        try (PreparedStatement ps = c.prepareStatement(INSERT_HEAD)) {
            ps.setLong(1, head.treeSize());
            ps.setString(2, head.rootHash());
            ps.setObject(3, InspectionRecord.ts(head.signedAt()));
            ps.setString(4, head.keyId());
            ps.setString(5, head.algorithm());
            ps.setString(6, head.signature());
            ps.executeUpdate();
        }
        return head;
    }

    /** Writer thread: a head is committed (it decides when the next one is due). */
    private void headCommitted(SignedTreeHead head) {
        lastHeadSize = head.treeSize();
        lastHeadAt = head.signedAt();
        lastCommittedHead = head;
    }

    /** The head is durable: serve it and publish it (file, MQTT), in order, off the writer thread. */
    private void headDurable(SignedTreeHead head) {
        latestHead = head;
        publisher.execute(() -> {
            for (Consumer<SignedTreeHead> l : headListeners) {
                try {
                    l.accept(head);
                } catch (RuntimeException e) {
                    LOG.warn("Publishing signed tree head {} to {} failed: {} (the head is in the database and the API; "
                            + "the next head covers it too)", head.treeSize(), l, e.getMessage());
                }
            }
        });
    }

    /** Signs a head for records not yet covered when the interval passed (or always when forced). */
    private void signHeadIfDue(boolean force) {
        if (signer == null || frontier == null || frontier.size() == lastHeadSize) {
            return;
        }
        Instant now = clock.instant();
        if (!force && now.isBefore(lastHeadAt.plus(props.getHeads().getEvery()))) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            SignedTreeHead head;
            try {
                head = insertHead(c, frontier, now);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            headCommitted(head);
            if (syncers.isEmpty()) {
                headDurable(head);
            } else {
                handOver(new Unsynced(nextSeq - 1, List.of(), head)); // published once forced to disk
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not sign a tree head at size {}: {} (will retry)", frontier.size(), e.getMessage());
            lastHeadAt = now;
        }
    }

    /**
     * Signs a head now for everything committed (before an export or a verification) and waits until it is
     * published, at most the append timeout each; returns the latest head (null when heads are off or the log is
     * empty).
     */
    public SignedTreeHead signNow() {
        if (signer == null || !running) {
            return latestHead;
        }
        CompletableFuture<SignedTreeHead> f = new CompletableFuture<>();
        headRequests.add(f);
        try {
            SignedTreeHead head = f.get(props.getAppendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            publisher.submit(() -> { }).get(props.getAppendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return head; // signed, committed and published (file, endpoint)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return latestHead;
        } catch (ExecutionException | TimeoutException e) {
            throw new LedgerException("could not sign a tree head now: " + e.getMessage(), e);
        }
    }

    /** Waits (writer thread) until a syncer has made this head (or a later one) durable, at most the append timeout. */
    private void awaitDurable(SignedTreeHead head) {
        long until = System.nanoTime() + props.getAppendTimeout().toNanos();
        while (head != null && (latestHead == null || latestHead.treeSize() < head.treeSize())
                && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    private void serveHeadRequests() {
        if (headRequests.isEmpty()) {
            return;
        }
        signHeadIfDue(true);
        awaitDurable(lastCommittedHead);
        CompletableFuture<SignedTreeHead> f;
        while ((f = headRequests.poll()) != null) {
            f.complete(latestHead);
        }
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            writer.join(props.getAppendTimeout().toMillis());
            syncLock.lock();
            try {
                syncersStopping = true; // after the writer: what it committed last is forced and acknowledged
                unsynced.signalAll();
            } finally {
                syncLock.unlock();
            }
            for (Thread t : syncers) {
                t.join(props.getAppendTimeout().toMillis());
            }
            publisher.shutdown();
            publisher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeH2File();
        LOG.info("Ledger closed at {} records, last signed head at size {}", nextSeq, lastHeadSize);
    }
}
