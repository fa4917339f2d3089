package io.visionhub.ledger;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.RecordMac;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.heads.TreeHeadSigner;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.store.DatabaseKind;
import io.visionhub.ledger.verify.Finding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger on SQL (H2 or PostgreSQL) with group commit: appenders enqueue, one writer thread takes
 * whatever is waiting (up to {@code batch-max-records}; a small batch waits up to {@code batch-linger} after its first
 * record arrived for more, {@link #linger}), numbers each record, hashes its canonical entry
 * as an RFC 6962 leaf (the appender's thread has already hashed the body, {@link EntryStart}), writes the leaves, the inspection/defect/outbox rows and (when due) a signed tree
 * head in ONE transaction, commits, and only then releases the appenders. A batch that fails is retried
 * record by record so that one bad record (say a duplicate id) does not fail its neighbours.
 * <p>
 * On an H2 file with {@code h2-sync-each-commit} the disk flush is pipelined: H2 writes each commit to its file,
 * then one of two syncer threads forces the file once for every commit written since the last fsync began and only
 * then acknowledges them (in commit order), while the writer already inserts the next batch. An appender is still answered only when
 * its record is on disk; other database sessions may read a committed record a flush earlier than that.
 * <p>
 * Each leaf carries a record MAC ({@link RecordMac}, key in the signing keystore). Before a head is signed, the
 * writer has read back every leaf the head adds and checked its MAC: in chunks of {@value #READ_BACK_CHUNK} leaves as
 * they are committed (in the transaction of the batch after them), the rest in the head's own transaction; at start
 * (and after a failed commit) it checks the leaves since the last head. A leaf without a valid MAC (someone inserted
 * a row, or took the sequence number the writer was about to use) raises the {@linkplain #tamperAlarm() tamper alarm}: logged at ERROR with the seq, metric
 * {@code visionhub.ledger.tamper.alarm} = 1, and the ledger stops (appends refused, no head signed over the foreign
 * row) until an operator has removed the row and restarted the hub.
 * <p>
 * This class is the writer (queue, group commit, when a head is due, key rotation) and the ledger's state; its
 * helpers each own one concern: {@link H2FileSync} the fsync pipeline, {@link H2ChunkCompaction} keeping the H2 file
 * from growing with every commit, {@link TreeHeadWriter} signing and inserting heads and the record-MAC check,
 * {@link HeadPublisher} handing durable heads to the heads file and {@code ledger:heads}, {@link StoredLog} reading
 * and checking the stored log at start.
 */
public class JdbcInspectionLedger implements InspectionLedger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcInspectionLedger.class);
    static final String INSERT_LEAF = "INSERT INTO ledger_leaf (seq, record_type, record_id, leaf_hash, entry, "
            + "recorded_at, mac) VALUES (?,?,?,?,?,?,?)";

    private final DataSource dataSource;
    private final LedgerProperties props;
    private final TreeHeadSigner signer;
    /** per-record MAC; null only where the signer holds none (a bare test signer): then nothing is checked */
    private final RecordMac mac;

    private final TreeHeadWriter headWriter;
    private final Clock clock;
    private final BlockingQueue<Pending> queue;
    /** publishes heads (file, ledger:heads) in order, off the writer thread: a slow broker never delays a commit */
    private final HeadPublisher headPublisher = new HeadPublisher();

    private final Queue<CompletableFuture<SignedTreeHead>> headRequests = new ConcurrentLinkedQueue<>();
    private final Queue<RotationRequest> rotationRequests = new ConcurrentLinkedQueue<>();

    private record RotationRequest(String actor, String reason, CompletableFuture<KeyRotation> done) {}

    private final LongAdder commits = new LongAdder();
    private final LongAdder committedRecords = new LongAdder();
    private final LongAdder commitNanos = new LongAdder();
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
    /** first seq that must carry a record MAC (earlier ones were written before Flyway V6: covered by heads only) */
    private long macFrom;
    /**
     * writer thread: every leaf below this seq has been read back and its record MAC checked. The writer reads the
     * leaves back in chunks of {@link #READ_BACK_CHUNK} as they are committed, not all at once when a head is due:
     * reading the 1,000 leaves of a head in its commit held that commit 7-13 ms (the paced records behind it waited
     * past 10 ms); a chunk takes under 1 ms, and a foreign leaf is found sooner.
     */
    private long readBackTo;

    /** leaves read back (record MACs checked) per chunk, in the commit of the batch after them */
    public static final int READ_BACK_CHUNK = 100;

    private volatile TamperAlarm tamperAlarm;

    /** shared log: a writer transaction silent for this long (node cut off or paused) is ended by PostgreSQL */
    static final int SEQUENCER_IDLE_MS = 5000;

    /** cluster: the station leases each inspection append is fenced by (null: one hub, nothing fenced) */
    private volatile StationFence stationFence;
    /**
     * cluster: other nodes append to the same log; each transaction of the writer takes the sequencer lock and reads
     * their leaves first ({@link #takeSequencer})
     */
    private volatile boolean sharedLog;

    /**
     * A record in the log that this hub did not write (no valid record MAC at its seq).
     *
     * @param seq     the first foreign record
     * @param message what was found and what to do
     * @param raised  when the writer found it
     */
    public record TamperAlarm(long seq, String message, Instant raised) {}

    /**
     * The database could not be written at the last commit (a full disk, H2 closed the database, the connection
     * lost): records are refused until a commit succeeds again, which ends this by itself.
     *
     * @param reason the database's message
     * @param since  the first refused commit of this failure
     */
    public record WriteFailure(String reason, Instant since) {
        public static final String ACTION = "free space on the disk that holds the database (data/ for the H2 file)"
                + " or bring the database back; the ledger records again by itself once it can write, and cameras'"
                + " parts wait at their source meanwhile (nothing refused was acknowledged)";
    }

    private volatile WriteFailure writeFailure;

    /**
     * The writer thread, or an H2 syncer that forces its commits to disk, ended on a JVM {@link Error} (out of memory,
     * a class gone from under the running hub): the writer's in-memory log state may no longer match the database, or
     * commits would wait for an fsync that no longer comes, so the ledger does not go on. Every record queued or
     * submitted after is refused at once, instead of each waiting the append timeout while the hub looks alive.
     *
     * @param reason which thread stopped, on which error
     * @param since  when it stopped
     */
    public record WriterStopped(String reason, Instant since) {
        public static final String ACTION = "restart the hub: the ledger re-reads its log from the database at start"
                + " (nothing refused was acknowledged; cameras' parts wait at their source, and a part whose record did"
                + " commit is recognised as recorded when it comes again); see the ERROR in the log for the cause";
    }

    private volatile WriterStopped writerStopped;

    /** Why the ledger stopped writing (the writer or a syncer ended on a JVM error), or null while it writes. */
    public WriterStopped writerStopped() {
        return writerStopped;
    }

    /** Why the last commit could not be written (storage, not a bad record), or null once a commit succeeded. */
    public WriteFailure writeFailure() {
        return writeFailure;
    }

    /**
     * A failure of the storage rather than of a record: H2's closed-database and I/O errors, a lost connection
     * (SQL state class 08), PostgreSQL's insufficient resources (class 53: disk full, out of memory).
     */
    static boolean storageFailure(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if ((s.getClass().getName().startsWith("org.h2.")
                            && H2ClosedDatabaseEviction.CLOSED_OR_IO.contains(s.getErrorCode()))
                    || (state != null && (state.startsWith("08") || state.startsWith("53")))) {
                return true;
            }
        }
        return false;
    }

    private void noteWriteFailure(SQLException e) {
        if (storageFailure(e) && writeFailure == null) {
            writeFailure = new WriteFailure(e.getMessage(), clock.instant());
            LOG.error(
                    "Ledger cannot write to its database ({}): records are refused until it can; {}",
                    e.getMessage(),
                    WriteFailure.ACTION);
        }
    }

    public JdbcInspectionLedger(DataSource dataSource, LedgerProperties props, TreeHeadSigner signer, Clock clock) {
        this.dataSource = dataSource;
        this.props = props;
        this.signer = props.heads().enabled() ? signer : null;
        this.mac = signer instanceof KeystoreTreeHeadSigner k ? k.recordMac() : null;
        this.headWriter = new TreeHeadWriter(this.signer, mac);
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(props.queueCapacity());
    }

    /**
     * A record waiting for the writer; its entry's start is made and hashed on the appender's thread ({@link
     * EntryStart}), the writer adds the rest.
     */
    private record Pending(LedgerWrite write, EntryStart start, CompletableFuture<LedgerReceipt> done, long queuedAt) {
        Pending(LedgerWrite write) {
            this(write, EntryStart.of(write), new CompletableFuture<>(), System.nanoTime());
        }
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
    public void bindMetrics(MeterRegistry meters) {
        FunctionCounter.builder("visionhub.ledger.commits", commits, LongAdder::sum)
                .description("group commits of the ledger writer")
                .register(meters);
        FunctionCounter.builder("visionhub.ledger.records", committedRecords, LongAdder::sum)
                .description("records committed")
                .register(meters);
        FunctionCounter.builder("visionhub.ledger.commit.seconds", commitNanos, a -> a.sum() / 1e9)
                .description("time spent committing (sync included)")
                .register(meters);
        Gauge.builder("visionhub.ledger.queue", queue, BlockingQueue::size)
                .description("appends waiting for the writer")
                .register(meters);
        Gauge.builder("visionhub.ledger.size", this, l -> l.nextSeq)
                .description("records in the log")
                .register(meters);
        Gauge.builder(
                        "visionhub.ledger.h2.file.bytes",
                        this,
                        l -> l.h2Compaction == null ? Double.NaN : l.h2Compaction.fileBytes())
                .description("size of the H2 database file at the last compaction run (NaN: not an H2 file)")
                .register(meters);
        Gauge.builder(
                        "visionhub.ledger.h2.chunks.live.percent",
                        this,
                        l -> l.h2Compaction == null ? Double.NaN : l.h2Compaction.chunksLivePercent())
                .description("how much of the H2 file's chunks is live data, at the last compaction run")
                .register(meters);
        Gauge.builder("visionhub.ledger.read_only", this, l -> l.readOnly == null ? 0 : 1)
                .description("1 when the stored log failed its check and new records are refused")
                .register(meters);
        Gauge.builder("visionhub.ledger.writer_stopped", this, l -> l.writerStopped == null ? 0 : 1)
                .description(
                        "1 when the ledger writer or an H2 syncer ended on a JVM error: records refused until a restart")
                .register(meters);
        Gauge.builder("visionhub.ledger.tamper.alarm", this, l -> l.tamperAlarm == null ? 0 : 1)
                .description("1 when the log holds a record this hub did not write (ledger stopped)")
                .register(meters);
    }

    /** Called for each signed head after its transaction committed (heads file, MQTT, API cache). */
    public void addHeadListener(Consumer<SignedTreeHead> listener) {
        headPublisher.add(listener);
    }

    /** Stops calling a listener (a ledger:heads consumer that stops). */
    public void removeHeadListener(Consumer<SignedTreeHead> listener) {
        headPublisher.remove(listener);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            loadState();
            if (readOnly != null) {
                return; // no writer, no syncer: verification, proofs and reads go on; appends are refused
            }
            if (h2 && props.h2SyncEachCommit()) {
                h2Sync = H2FileSync.start(dataSource, this::acknowledge, this::syncerStopped);
            }
            if (h2) {
                h2Compaction = H2ChunkCompaction.start(dataSource, props.h2Compaction());
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot open the ledger tables (did Flyway run?): " + e.getMessage(), e);
        }
        lastHeadAt = clock.instant();
        headPublisher.start();
        if (sharedLog && latestHead != null) {
            headPublisher.publish(latestHead); // shared log: this node's heads file starts with the log's latest head
        }
        running = true;
        // one thread of its own for the ledger's life, not a pool from Camel's ExecutorServiceManager: the ledger is
        // started by Spring before the CamelContext and also runs without one (ledger command); close() stops it
        writer = new Thread(this::writeLoop, "ledger-writer");
        writer.setDaemon(true);
        writer.start();
        LOG.info(
                "Ledger open on {}: {} records, last signed head at size {}; heads {}; record MACs {}",
                h2 ? "H2" : "PostgreSQL",
                nextSeq,
                lastHeadSize,
                signer == null ? "off" : "signed by key " + signer.keyId(),
                mac == null ? "off" : "from seq " + macFrom);
    }

    /** The tamper alarm, or null when every record since the last signed head is the hub's own. */
    public TamperAlarm tamperAlarm() {
        return tamperAlarm;
    }

    private void raiseAlarm(long seq, String what) {
        TamperAlarm a = new TamperAlarm(
                seq,
                "TAMPER ALARM: ledger record seq " + seq + " was not written by this hub ("
                        + what
                        + "). The ledger has stopped: no record is appended and no head is signed over it. Find who "
                        + "wrote it (database audit log), remove the row(s) from seq " + seq
                        + " on, then restart the hub; "
                        + "the ledger command 'verify' names every foreign record",
                clock.instant());
        if (tamperAlarm == null) {
            tamperAlarm = a;
            LOG.error(a.message());
        }
    }

    private LedgerException halted(String what) {
        return new LedgerException(what + " not recorded: " + tamperAlarm.message());
    }

    /**
     * Checks the record MAC of each leaf with from <= seq < to (the rows a head is about to cover, a chunk of those
     * committed since the last check, or those since the last head at start); raises the alarm at the first foreign
     * one and returns false.
     */
    private boolean ownLeaves(Connection c, long from, long to) throws SQLException {
        TreeHeadWriter.ForeignLeaf foreign = headWriter.firstForeignLeaf(c, from, to, macFrom);
        if (foreign != null) {
            raiseAlarm(foreign.seq(), foreign.why());
            return false;
        }
        return true;
    }

    /**
     * Writer thread, in a batch's transaction before its inserts: once a chunk of committed leaves waits to be read
     * back, checks them (the head that covers them then reads back only the rest). Returns the seq read back to, for
     * {@link #readBackTo} once the transaction commits; throws when a leaf is foreign (the alarm is raised).
     */
    private long readBackChunk(Connection c, long committedTo, int batchSize) throws SQLException {
        long from = Math.max(readBackTo, lastHeadSize);
        if (mac == null || committedTo - from < READ_BACK_CHUNK) {
            return readBackTo;
        }
        if (!ownLeaves(c, from, committedTo)) {
            throw halted("batch of " + batchSize + " records"); // a foreign leaf among those committed before it
        }
        return committedTo;
    }

    private long storedCount() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_leaf")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Reads the sequence, the tree's right edge and the latest head from the database (start, and after a failure),
     * and checks that the stored log still continues what was signed: no record missing, the latest head not beyond
     * the log and its root the root of the stored leaf hashes at its size. A log that fails opens read-only
     * ({@link #readOnly()}) instead of failing the start: appending on top of it would sign the damage into the
     * next head, while verification and proofs are exactly what the operator needs now.
     * It also checks the record MACs of the leaves since the latest head: a conflict on insert leaves the writer here, and
     * a row someone else inserted at the writer's next seq raises the tamper alarm instead of being adopted.
     */
    private void loadState() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            h2 = DatabaseKind.of(c) == DatabaseKind.H2;
            StoredLog log = StoredLog.read(c);
            SignedTreeHead head = log.head();
            Finding damage = log.damage();
            long expected = log.valid();
            long stored = log.stored();
            long firstMac = log.firstMac();
            MerkleFrontier f = log.frontier();
            latestHead = head;
            lastHeadSize = head == null ? 0 : head.treeSize();
            frontier = f;
            nextSeq = damage == null ? expected : stored;
            if (damage != null && readOnly == null) {
                readOnly = new ReadOnly(damage, clock.instant());
                LOG.error(
                        "Ledger opened READ-ONLY on {}: {}. New records are refused (the inspection route keeps "
                                + "each refused event in visionhub.failed-dir); verification and proofs still work. What to "
                                + "do: {}",
                        h2 ? "H2" : "PostgreSQL",
                        damage,
                        ReadOnly.ACTION);
            }
            if (damage == null) {
                // a log written before V6 has no MAC at all: its records are legacy, every later one carries a MAC
                macFrom = firstMac >= 0 ? firstMac : expected;
                if (firstMac > lastHeadSize && lastHeadSize > 0 && firstMac < expected && tamperAlarm == null) {
                    LOG.warn(
                            "Ledger records {}..{} carry no record MAC and no signed head covers them: accepted as "
                                    + "written before Flyway V6",
                            lastHeadSize,
                            firstMac - 1);
                }
                readBackTo = ownLeaves(c, lastHeadSize, expected) ? expected : lastHeadSize;
            } else {
                readBackTo = lastHeadSize;
            }
        }
    }

    /**
     * Why the ledger refuses new records: what the check of the stored log at start (or after a failed commit) found,
     * and since when. Health, metrics and every refused append name it.
     */
    public record ReadOnly(Finding problem, Instant since) {
        /** What the operator does about it (log line, health, API answers, docs/ledger.md). */
        public static final String ACTION = "run GET /api/ledger/verify (or the ledger command verify) to see every "
                + "problem, secure the evidence and investigate who changed the database, then restore the ledger "
                + "database from the latest backup that verifies (check it against the published heads file) and "
                + "restart; re-import the refused inspections from visionhub.failed-dir";

        /** Short pointer for each refused record (the full action is logged once, at start). */
        public static final String SEE =
                "see health 'ledger' and GET /api/ledger/verify (docs/ledger.md, read-only " + "ledger)";

        public String describe() {
            return "ledger is read-only since " + since + " because " + problem;
        }
    }

    private volatile ReadOnly readOnly;

    /** Null while the ledger accepts records; otherwise why it does not. */
    public ReadOnly readOnly() {
        return readOnly;
    }

    /**
     * When a signed head covering every record committed now is due at the latest (heads every {@code heads.every},
     * or sooner after {@code heads.every-records}); null when none will come (heads off, ledger read-only or closed).
     */
    public Instant nextHeadDue() {
        if (signer == null || readOnly != null || !running) {
            return null;
        }
        SignedTreeHead h = latestHead;
        return (h == null ? clock.instant() : h.signedAt()).plus(props.heads().every());
    }

    @Override
    public LedgerReceipt append(InspectionEvent event, List<DeliveryRequest> deliveries) {
        LedgerWrite write = inspectionWrite(event, deliveries);
        return await(submit(write), write);
    }

    /**
     * Enqueues an inspection without waiting: the future completes (on the writer or a syncer thread, in commit
     * order) once the record and its outbox rows are durable, or exceptionally when they were refused. Futures of
     * one caller complete in the order it submitted them. Throws at once when the ledger refuses new records.
     */
    public CompletableFuture<LedgerReceipt> submit(InspectionEvent event, List<DeliveryRequest> deliveries) {
        return submit(inspectionWrite(event, deliveries));
    }

    private LedgerWrite inspectionWrite(InspectionEvent event, List<DeliveryRequest> deliveries) {
        List<DeliveryRequest> d = deliveries == null ? List.of() : deliveries;
        LedgerWrite write = InspectionRecord.toWrite(event, d, clock.instant());
        StationFence fence = stationFence;
        return fence == null ? write : fence.fence(event.station(), write);
    }

    /**
     * The commit of an inspection that is queued or being committed (submitted, not yet durable nor refused), or
     * null: a second copy of an event that arrives while the first is still on its way to the disk waits for it
     * instead of being recorded twice ({@code RecordedInspections}).
     */
    public CompletableFuture<LedgerReceipt> committing(String inspectionId) {
        return committing.get(inspectionId);
    }

    /** How long an append waits for its commit before it fails (visionhub.ledger.append-timeout). */
    public java.time.Duration appendTimeout() {
        return props.appendTimeout();
    }

    /** Cluster: fences every inspection append by the station's lease (docs/cluster.md). */
    public void setStationFence(StationFence fence) {
        this.stationFence = fence;
    }

    /**
     * Cluster: other hubs append to the same log (PostgreSQL only). From now on each group commit and each head
     * takes the sequencer lock (table ledger_sequencer, Flyway V60) and first reads the records the others committed.
     */
    public void setSharedLog(boolean shared) {
        if (shared && h2 && running) {
            throw new LedgerException("a ledger shared by several hubs needs PostgreSQL, not H2 (docs/cluster.md)");
        }
        if (shared && !sharedLog && running && latestHead != null) {
            headPublisher.publish(latestHead);
        }
        this.sharedLog = shared;
    }

    /**
     * Shared log, inside the writer's transaction: locks the sequencer row until commit, then appends to the frontier
     * the leaves other nodes committed since this node's last batch (their record MACs checked: the nodes share the
     * keystore) and takes over the latest head another node signed.
     */
    private void takeSequencer(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            // a node cut off (or paused) in the middle of this transaction must not hold the sequencer, and with it
            // every other node's ledger, until TCP gives up: PostgreSQL ends the session after this much silence
            st.execute("SET LOCAL idle_in_transaction_session_timeout = " + SEQUENCER_IDLE_MS);
            try (ResultSet rs = st.executeQuery("SELECT id FROM ledger_sequencer WHERE id = 1 FOR UPDATE")) {
                if (!rs.next()) {
                    throw new SQLException("table ledger_sequencer has no row 1 (Flyway V60 not applied?)");
                }
            }
        }
        MerkleFrontier f = frontier.copy();
        long next = nextSeq;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT seq, leaf_hash FROM ledger_leaf WHERE seq >= ? ORDER BY seq")) {
            ps.setLong(1, next);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(1) != next) {
                        throw new SQLException("ledger_leaf has no record " + next + " (next stored: " + rs.getLong(1)
                                + ") while reading the records of the other nodes");
                    }
                    f.append(MerkleHash.unhex(rs.getString(2)));
                    next++;
                }
            }
        }
        if (next == nextSeq) {
            return;
        }
        if (!ownLeaves(c, nextSeq, next)) {
            throw halted("batch"); // a leaf no node of the cluster wrote
        }
        frontier = f;
        nextSeq = next;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT tree_size, root_hash, signed_at, key_id, algorithm, "
                        + "signature FROM ledger_tree_head ORDER BY tree_size DESC LIMIT 1")) {
            if (rs.next()) {
                SignedTreeHead head = JdbcLedgerReader.head(rs);
                if (head.treeSize() > lastHeadSize) {
                    lastHeadSize = head.treeSize();
                    lastHeadAt = head.signedAt();
                    // committed by the node that signed it; published here too, so that each node's heads file (and
                    // its verification) holds the heads of the whole log, not only those it signed
                    headDurable(head);
                }
            }
        }
    }

    /** Appends any record type; durable on return. */
    public LedgerReceipt append(LedgerWrite write) {
        return await(submit(write), write);
    }

    /** Enqueues without waiting; the future completes when the record is committed. */
    public CompletableFuture<LedgerReceipt> submit(LedgerWrite write) {
        ReadOnly ro = readOnly;
        if (ro != null) {
            throw new LedgerException(
                    write.type() + " " + write.recordId() + " not recorded: " + ro.describe() + "; " + ReadOnly.SEE);
        }
        WriterStopped stopped = writerStopped;
        if (stopped != null) {
            throw writerStoppedRefusal(write.type() + " " + write.recordId(), stopped);
        }
        if (!running) {
            throw new LedgerException(
                    "ledger is not running: " + write.type() + " " + write.recordId() + " not recorded");
        }
        if (tamperAlarm != null) {
            throw halted(write.type() + " " + write.recordId());
        }
        Pending p = new Pending(write);
        boolean inspection = InspectionRecord.TYPE.equals(write.type());
        if (inspection) {
            committing.put(write.recordId(), p.done());
        }
        try {
            queue.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (inspection) {
                committing.remove(write.recordId(), p.done());
            }
            throw new LedgerException("interrupted before " + write.type() + " " + write.recordId() + " was queued");
        }
        if (inspection) {
            // a completed future left in the map answers the same as no entry (RecordedInspections reads both)
            p.done().whenComplete((r, e) -> committing.remove(write.recordId(), p.done()));
        }
        stopped = writerStopped;
        if (stopped != null) { // the writer stopped while this was queued: it may have drained the queue before
            p.done().completeExceptionally(writerStoppedRefusal(write.type() + " " + write.recordId(), stopped));
        }
        return p.done();
    }

    private static LedgerException writerStoppedRefusal(String what, WriterStopped stopped) {
        return new LedgerException(what + " not recorded: the ledger stopped writing at " + stopped.since() + " ("
                + stopped.reason() + "); " + WriterStopped.ACTION);
    }

    /** Refuses records that were never written (see {@link WriterStopped}). */
    private static void refuse(List<Pending> never, WriterStopped stopped) {
        never.forEach(p -> p.done()
                .completeExceptionally(
                        writerStoppedRefusal(p.write().type() + " " + p.write().recordId(), stopped)));
    }

    /** For a record that may be in the database when the ledger stopped writing (a resend is found recorded). */
    private static LedgerException mayNotBeRecorded(LedgerWrite w, String how, WriterStopped stopped) {
        return new LedgerException(w.type() + " " + w.recordId() + " may not be recorded: " + how + " ("
                + stopped.reason() + "); " + WriterStopped.ACTION);
    }

    /**
     * Writer thread, on an {@link Error}: refuses the batch in hand and everything queued, and every later submit
     * (see {@link WriterStopped}).
     */
    private void stopOnError(Error e, List<Pending> batch) {
        WriterStopped stopped = stop("the ledger writer", e);
        // the batch in hand may have committed before the error (it struck in the acknowledgement): said so; a resend
        // of such a record is recognised as recorded after the restart (RecordedInspections), not recorded twice
        batch.forEach(p -> p.done()
                .completeExceptionally(mayNotBeRecorded(
                        p.write(), "the ledger stopped writing during its commit at " + stopped.since(), stopped)));
        refuseQueued(stopped);
    }

    /** The first stop wins (the writer and a syncer may both meet the error); logged with its stack trace. */
    private WriterStopped stop(String who, Error e) {
        synchronized (stopLock) { // not the ledger's monitor: close() holds that while it waits for the writer
            return firstStop(who, e);
        }
    }

    private final Object stopLock = new Object();

    private WriterStopped firstStop(String who, Error e) {
        if (writerStopped == null) {
            writerStopped = new WriterStopped(who + " stopped on " + e, clock.instant());
            LOG.error(
                    "Ledger: {} stopped on {}: no record is accepted until the hub is restarted; {}",
                    who,
                    e,
                    WriterStopped.ACTION,
                    e);
        }
        return writerStopped;
    }

    /**
     * An H2 syncer thread ended on a JVM {@link Error} (called on it): the ledger stops as for the writer's own error.
     * The commits it held are in H2's file (a process crash keeps them) but their fsync is not confirmed, so their
     * records are answered "may not be recorded", as the writer's batch in hand is; the writer sees the stop before
     * its next batch and refuses what is queued.
     */
    void syncerStopped(Error e) {
        WriterStopped stopped = stop(Thread.currentThread().getName(), e);
        H2FileSync<GroupCommit> sync = h2Sync;
        List<GroupCommit> abandoned = sync == null ? List.of() : sync.abandon();
        for (GroupCommit commit : abandoned) {
            for (Committed d : commit.done()) {
                d.pending()
                        .done()
                        .completeExceptionally(
                                mayNotBeRecorded(d.pending().write(), "committed, but not confirmed on disk", stopped));
            }
        }
    }

    /** Refuses every record queued, head request and key rotation waiting (see {@link WriterStopped}). */
    private void refuseQueued(WriterStopped stopped) {
        List<Pending> queued = new ArrayList<>();
        queue.drainTo(queued);
        refuse(queued, stopped);
        LedgerException why = writerStoppedRefusal("request", stopped);
        CompletableFuture<SignedTreeHead> head;
        while ((head = headRequests.poll()) != null) {
            head.completeExceptionally(why);
        }
        RotationRequest r;
        while ((r = rotationRequests.poll()) != null) {
            r.done().completeExceptionally(why);
        }
    }

    /** inspections submitted and not yet durable or refused, by id (see {@link #committing}) */
    private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<LedgerReceipt>> committing =
            new java.util.concurrent.ConcurrentHashMap<>();

    private LedgerReceipt await(CompletableFuture<LedgerReceipt> f, LedgerWrite write) {
        try {
            return f.get(props.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
                    + props.appendTimeout() + " (database slow or down; it may still commit)");
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
        List<Pending> batch = new ArrayList<>(props.batchMaxRecords());
        while (running || !queue.isEmpty()) {
            WriterStopped stopped = writerStopped;
            if (stopped != null) { // a syncer stopped: nothing more is committed
                refuseQueued(stopped);
                return;
            }
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    signHeadIfDue(false);
                } else {
                    batch.add(first);
                    queue.drainTo(batch, props.batchMaxRecords() - 1);
                    linger(batch);
                    WriterStopped late = writerStopped;
                    if (late != null) { // a syncer stopped while this batch gathered: it is not written
                        refuse(batch, late);
                        continue; // the loop's first step refuses the rest
                    }
                    if (tamperAlarm != null) {
                        batch.forEach(p -> p.done()
                                .completeExceptionally(halted(
                                        p.write().type() + " " + p.write().recordId())));
                    } else {
                        writeBatch(batch);
                    }
                }
                serveHeadRequests();
                serveRotations();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("Ledger writer: unexpected failure; the records of this batch were refused", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } catch (Error e) {
                stopOnError(e, batch);
                return;
            } finally {
                batch.clear();
            }
        }
        signHeadIfDue(true);
        serveHeadRequests();
    }

    /**
     * A batch this large already shares its commit well, so it does not linger: in bursts (64 appenders, quiet machine,
     * 6 Dec) waiting for the rest took the writer to 61 records per commit but idle a third of the time, 7,200-8,000
     * durable records/s against 9,900-10,600 without the wait, for 87-97 against 85-92 µs of writer CPU per record.
     */
    static final int LINGER_BELOW = 8;

    /**
     * Waits until {@code batch-linger} after the batch's first record was queued for more records to join it, while it
     * holds fewer than {@link #LINGER_BELOW}: at a
     * paced rate they would otherwise commit one or two at a time, and each H2 commit rewrites the same ~80 KB of
     * pages whatever it holds. Bounded from the first record's arrival, so a writer that was busy that long with the
     * previous commit does not wait at all, and no record waits longer than the linger for company.
     */
    private void linger(List<Pending> batch) throws InterruptedException {
        long linger = props.batchLinger().toNanos();
        if (linger == 0) {
            return;
        }
        long until = batch.get(0).queuedAt() + linger;
        int max = Math.min(props.batchMaxRecords(), LINGER_BELOW);
        while (batch.size() < max && running) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, max - batch.size());
        }
    }

    private void writeBatch(List<Pending> batch) {
        ReadOnly ro = readOnly;
        if (ro != null) { // a re-read after a failed commit found the log damaged: queued records are refused too
            batch.forEach(p -> p.done()
                    .completeExceptionally(new LedgerException(p.write().type() + " "
                            + p.write().recordId() + " not recorded: " + ro.describe() + "; " + ReadOnly.SEE)));
            return;
        }
        try {
            commit(batch);
        } catch (LedgerException halted) {
            if (tamperAlarm == null) {
                throw halted;
            }
            batch.forEach(p -> p.done().completeExceptionally(halted)); // a foreign leaf was found before a head
        } catch (SQLException e) {
            // the outcome of a failed commit may be unknown (connection lost): re-read what the database holds
            try {
                if (!sharedLog && storedCount() != nextSeq) {
                    // (shared log: rows of other nodes are expected; the next transaction reads them in order)
                    // rows beyond the writer's sequence: its own commit whose outcome was unknown (valid MACs), or
                    // rows someone else inserted (a sequence conflict): loadState raises the tamper alarm for those
                    loadState();
                }
            } catch (SQLException | RuntimeException reload) {
                LOG.error(
                        "Ledger cannot re-read its state after a failed commit ({}); refusing this batch",
                        reload.getMessage());
                batch.forEach(p -> fail(p, e));
                return;
            }
            if (readOnly != null) {
                batch.forEach(p -> fail(p, e));
                return;
            }
            if (tamperAlarm != null) {
                batch.forEach(p -> p.done()
                        .completeExceptionally(
                                halted(p.write().type() + " " + p.write().recordId())));
                return;
            }
            if (batch.size() == 1) {
                fail(batch.get(0), e);
                return;
            }
            LOG.warn(
                    "Ledger group commit of {} records failed ({}); retrying them one by one",
                    batch.size(),
                    e.getMessage());
            for (Pending p : batch) {
                if (tamperAlarm != null) {
                    p.done()
                            .completeExceptionally(
                                    halted(p.write().type() + " " + p.write().recordId()));
                    continue;
                }
                try {
                    commit(List.of(p));
                } catch (SQLException e1) {
                    fail(p, e1);
                } catch (LedgerException e1) {
                    p.done().completeExceptionally(e1);
                }
            }
        }
    }

    private void fail(Pending p, SQLException e) {
        noteWriteFailure(e);
        LedgerWrite w = p.write();
        LOG.error(
                "Ledger refused {} {}: {} (nothing about it may leave the hub; fix the cause and resend)",
                w.type(),
                w.recordId(),
                e.getMessage());
        p.done()
                .completeExceptionally(
                        new LedgerException(w.type() + " " + w.recordId() + " not recorded: " + e.getMessage(), e));
    }

    private record Committed(Pending pending, LedgerReceipt receipt) {}

    private void commit(List<Pending> batch) throws SQLException {
        long t0 = System.nanoTime();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String recordedAt = now.toString();
        OffsetDateTime recordedAtTs = InspectionRecord.ts(now);
        MerkleFrontier f;
        long seq;
        List<Committed> done = new ArrayList<>(batch.size());
        SignedTreeHead head = null;
        long readBack;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (sharedLog) {
                    takeSequencer(c);
                }
                f = frontier.copy();
                seq = nextSeq;
                readBack = readBackChunk(c, seq, batch.size());
                Map<String, PreparedStatement> side = new LinkedHashMap<>();
                // the subtree roots this batch completes, for O(log n) proofs (StoredTree), in the same transaction
                List<StoredTree.StoredNode> nodes = new ArrayList<>();
                MerkleFrontier.NodeSink keep = (height, index, h) -> {
                    if (StoredTree.stored(height)) {
                        nodes.add(new StoredTree.StoredNode(height, index, h));
                    }
                };
                try (PreparedStatement leaf = c.prepareStatement(INSERT_LEAF)) {
                    for (Pending p : batch) {
                        LedgerWrite w = p.write();
                        String tail = LedgerWrite.entryTail(seq, w.type(), w.recordId(), recordedAt);
                        byte[] hash = p.start().leafHash(tail);
                        f.append(hash, keep);
                        String hex = MerkleHash.hex(hash);
                        leaf.setLong(1, seq);
                        leaf.setString(2, w.type());
                        leaf.setString(3, w.recordId());
                        leaf.setString(4, hex);
                        leaf.setString(5, p.start().entry(tail));
                        leaf.setObject(6, recordedAtTs);
                        leaf.setString(7, mac == null ? null : mac.mac(seq, hex));
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
                    StoredTree.insert(c, nodes);
                    for (PreparedStatement ps : side.values()) {
                        ps.executeBatch();
                    }
                } finally {
                    for (PreparedStatement ps : side.values()) {
                        ps.close();
                    }
                }
                if (signer != null
                        && (f.size() - lastHeadSize >= props.heads().everyRecords()
                                || !now.isBefore(lastHeadAt.plus(props.heads().every())))) {
                    head = insertHead(c, f, now);
                }
                if (tamperAlarm != null) {
                    throw halted("batch of " + batch.size() + " records"); // a foreign leaf found before the head
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        frontier = f;
        nextSeq = seq;
        readBackTo = Math.max(readBackTo, readBack);
        if (writeFailure != null) {
            LOG.info("Ledger writes again (database refused commits since {})", writeFailure.since());
            writeFailure = null;
        }
        commits.increment();
        committedRecords.add(done.size());
        commitNanos.add(System.nanoTime() - t0);
        if (head != null) {
            headCommitted(head);
        }
        GroupCommit committed = new GroupCommit(done, head);
        if (h2Sync == null) {
            acknowledge(committed); // nothing to force: PostgreSQL, in-memory H2, or h2-sync-each-commit off
        } else {
            // a syncer forces the H2 file while this thread goes on with the next batch
            h2Sync.handOver(seq - 1, committed);
        }
    }

    /** A group commit's records and the head signed with it (or null); acknowledged once durable. */
    private record GroupCommit(List<Committed> done, SignedTreeHead head) {}

    /** The commit is durable (writer thread, or an H2 syncer after its fsync): answer the appenders, publish the head. */
    private void acknowledge(GroupCommit commit) {
        for (Committed d : commit.done()) {
            d.pending().done().complete(d.receipt());
        }
        if (commit.head() != null) {
            headDurable(commit.head());
        }
    }

    /** H2 file with h2-sync-each-commit: forces commits to disk off the writer thread; null: nothing to force */
    private H2FileSync<GroupCommit> h2Sync;
    /** null unless on an embedded H2 file */
    private H2ChunkCompaction h2Compaction;

    /** Signs and inserts a head over the first f.size() leaves, unless a leaf it would cover is not the hub's own. */
    private SignedTreeHead insertHead(Connection c, MerkleFrontier f, Instant now) throws SQLException {
        if (!ownLeaves(c, Math.max(lastHeadSize, readBackTo), f.size())) {
            return null;
        }
        return headWriter.signAndInsert(c, f, now);
    }

    /** Writer thread: a head is committed (it decides when the next one is due). */
    private void headCommitted(SignedTreeHead head) {
        lastHeadSize = head.treeSize();
        readBackTo = Math.max(readBackTo, head.treeSize());
        lastHeadAt = head.signedAt();
        lastCommittedHead = head;
    }

    /** The head is durable: serve it and publish it (file, ledger:heads), in order, off the writer thread. */
    private void headDurable(SignedTreeHead head) {
        latestHead = head;
        headPublisher.publish(head);
    }

    /** Signs a head for records not yet covered when the interval passed (or always when forced). */
    private void signHeadIfDue(boolean force) {
        if (signer == null
                || frontier == null
                || (!sharedLog && frontier.size() == lastHeadSize) // shared: the others may have appended
                || readOnly != null
                || tamperAlarm != null) {
            return;
        }
        Instant now = clock.instant();
        if (!force && now.isBefore(lastHeadAt.plus(props.heads().every()))) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            SignedTreeHead head;
            try {
                if (sharedLog) {
                    takeSequencer(c);
                    if (frontier.size() == lastHeadSize) {
                        c.rollback();
                        lastHeadAt = now; // everything is covered (maybe by another node's head): look again later
                        return;
                    }
                }
                head = insertHead(c, frontier, now);
                if (head == null) {
                    c.rollback();
                    return; // tamper alarm raised
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            headCommitted(head);
            if (h2Sync == null) {
                headDurable(head);
            } else {
                h2Sync.handOver(nextSeq - 1, new GroupCommit(List.of(), head)); // published once forced to disk
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
        if (signer == null || !running || writerStopped != null) { // a stopped writer signs nothing more
            return latestHead;
        }
        CompletableFuture<SignedTreeHead> f = new CompletableFuture<>();
        headRequests.add(f);
        try {
            SignedTreeHead head = f.get(props.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            headPublisher.awaitPublished(props.appendTimeout());
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
        long until = System.nanoTime() + props.appendTimeout().toNanos();
        while (head != null
                && (latestHead == null || latestHead.treeSize() < head.treeSize())
                && System.nanoTime() < until) {
            LockSupport.parkNanos(200_000);
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

    /**
     * Rotates the head-signing key, in the writer's order: records a {@code KEY_ROTATION} entry (who, why, the new
     * key's certificate, signed by the current key), signs a head over it with the current key, and only then puts
     * the new key in use (the keystore keeps the previous one). Waits at most the append timeout.
     */
    public KeyRotation rotateKey(String actor, String reason) {
        if (actor == null || actor.isBlank() || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a key rotation needs the person who makes it and a reason");
        }
        if (!(signer instanceof KeystoreTreeHeadSigner)) {
            throw new LedgerException("key rotation needs signed heads with the keystore signer (heads are off?)");
        }
        if (!running) {
            throw new LedgerException("ledger is not running: key not rotated");
        }
        if (writerStopped != null) {
            throw writerStoppedRefusal("key rotation", writerStopped);
        }
        if (tamperAlarm != null) {
            throw halted("key rotation");
        }
        RotationRequest r = new RotationRequest(actor, reason, new CompletableFuture<>());
        rotationRequests.add(r);
        try {
            return r.done().get(props.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while rotating the key (it may still complete)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re
                    ? re
                    : new LedgerException("key not rotated: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new LedgerException("key rotation not done within " + props.appendTimeout()
                    + " (database slow or down; it may still complete)");
        }
    }

    private void serveRotations() {
        RotationRequest r;
        while ((r = rotationRequests.poll()) != null) {
            try {
                r.done().complete(rotate(r));
            } catch (RuntimeException e) {
                LOG.error(
                        "Ledger key rotation requested by {} failed: {} (the previous key stays in use)",
                        r.actor(),
                        e.getMessage());
                r.done().completeExceptionally(e);
            }
        }
    }

    /** Writer thread: record the rotation, cover it with a head of the current key, then switch keys. */
    private KeyRotation rotate(RotationRequest r) {
        if (tamperAlarm != null) {
            throw halted("key rotation");
        }
        KeystoreTreeHeadSigner keys = (KeystoreTreeHeadSigner) signer;
        KeyRotation rotation = keys.prepareRotation(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        String body = CanonicalJson.write(Map.of("actor", r.actor(), "reason", r.reason(), "rotation", rotation));
        Pending p = new Pending(new LedgerWrite(KeyRotation.RECORD_TYPE, rotation.newKeyId(), body, List.of()));
        writeBatch(List.of(p));
        if (p.done().isCompletedExceptionally()) {
            p.done().join(); // throws why it was not recorded
        }
        signHeadIfDue(true);
        if (lastHeadSize != nextSeq || tamperAlarm != null) {
            throw new LedgerException("the key rotation record is in the log but no head of key "
                    + rotation.previousKeyId() + " covers it; the previous key stays in use (see the log above)");
        }
        awaitDurable(lastCommittedHead);
        keys.activate(rotation);
        LOG.warn(
                "Ledger key rotation by {} ({}): heads up to size {} are signed by key {}, later ones by key {}",
                r.actor(),
                r.reason(),
                lastHeadSize,
                rotation.previousKeyId(),
                rotation.newKeyId());
        return rotation;
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            if (h2Compaction != null) {
                h2Compaction.close();
            }
            writer.join(props.appendTimeout().toMillis());
            if (h2Sync != null) {
                h2Sync.close(props.appendTimeout()); // after the writer: what it committed last is forced and
                // acknowledged
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        headPublisher.close();
        LOG.info("Ledger closed at {} records, last signed head at size {}", nextSeq, lastHeadSize);
    }
}
