package io.visionhub.ledger;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * visionhub.ledger.*: the Merkle log, its group commit and its signed tree heads (see docs/ledger.md). Immutable: a
 * setting left out of the YAML (null here) takes its default in the compact constructor; code that needs other
 * values (tests, the ledger command line) makes a copy with {@code with…}.
 *
 * @param batchMaxRecords most records written in one group commit (one transaction); default 512
 * @param batchLinger how long after its first record was queued a group commit may wait for more records to share
 *     it (0: none). Every H2 commit rewrites the same touched B-tree pages whatever it holds, so paced records that
 *     commit one or two at a time cost the writer several times what they cost in bursts; the wait adds at most
 *     this to a record's commit latency, nothing when the writer was busy that long anyway. Default 2 ms, at
 *     most 50 ms
 * @param queueCapacity appenders waiting for the writer at most; further appends block (back-pressure, never
 *     dropped); default 20,000
 * @param appendTimeout how long an append waits for its commit before it fails (the record may still commit);
 *     default 30 s
 * @param h2SyncEachCommit on H2: force the database file to disk (fsync) after each group commit, for power-loss
 *     durability; default true
 * @param heads the signed tree heads
 * @param h2Compaction on an embedded H2 file: rewriting the live pages of mostly dead chunks, so that the file does
 *     not grow with every commit ({@link H2ChunkCompaction})
 * @param signatures the e-signatures of dispositions
 * @param api the REST endpoints under /api/ledger
 */
@ConfigurationProperties(prefix = "visionhub.ledger")
public record LedgerProperties(
        Integer batchMaxRecords,
        Duration batchLinger,
        Integer queueCapacity,
        Duration appendTimeout,
        Boolean h2SyncEachCommit,
        Heads heads,
        H2Compaction h2Compaction,
        Signatures signatures,
        Api api) {

    public LedgerProperties {
        batchMaxRecords = batchMaxRecords == null ? 512 : batchMaxRecords;
        batchLinger = batchLinger == null ? DEFAULT_BATCH_LINGER : batchLinger;
        queueCapacity = queueCapacity == null ? 20_000 : queueCapacity;
        appendTimeout = appendTimeout == null ? Duration.ofSeconds(30) : appendTimeout;
        h2SyncEachCommit = h2SyncEachCommit == null || h2SyncEachCommit;
        heads = heads == null ? Heads.defaults() : heads;
        h2Compaction = h2Compaction == null ? H2Compaction.defaults() : h2Compaction;
        signatures = signatures == null ? Signatures.defaults() : signatures;
        api = api == null ? new Api(null) : api;
        if (batchMaxRecords < 1) {
            throw new IllegalArgumentException(
                    "visionhub.ledger.batch-max-records must be at least 1, not " + batchMaxRecords);
        }
        if (batchLinger.isNegative() || batchLinger.compareTo(MAX_BATCH_LINGER) > 0) {
            throw new IllegalArgumentException("visionhub.ledger.batch-linger must be between 0 and "
                    + MAX_BATCH_LINGER.toMillis() + " ms, not " + batchLinger);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException(
                    "visionhub.ledger.queue-capacity must be at least 1, not " + queueCapacity);
        }
        if (appendTimeout.isNegative() || appendTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "visionhub.ledger.append-timeout must be positive, not " + appendTimeout);
        }
    }

    static final Duration DEFAULT_BATCH_LINGER = Duration.ofMillis(2);
    /** the commit wait is on the path of a PLC's result: a longer one would eat the ledger's 10 ms p99 */
    static final Duration MAX_BATCH_LINGER = Duration.ofMillis(50);

    /** Every setting at its default. */
    public static LedgerProperties defaults() {
        return new LedgerProperties(null, null, null, null, null, null, null, null, null);
    }

    public LedgerProperties withH2SyncEachCommit(boolean sync) {
        return new LedgerProperties(
                batchMaxRecords, batchLinger, queueCapacity, appendTimeout, sync, heads, h2Compaction, signatures, api);
    }

    public LedgerProperties withHeads(Heads newHeads) {
        return new LedgerProperties(
                batchMaxRecords,
                batchLinger,
                queueCapacity,
                appendTimeout,
                h2SyncEachCommit,
                newHeads,
                h2Compaction,
                signatures,
                api);
    }

    public LedgerProperties withBatchLinger(Duration linger) {
        return new LedgerProperties(
                batchMaxRecords,
                linger,
                queueCapacity,
                appendTimeout,
                h2SyncEachCommit,
                heads,
                h2Compaction,
                signatures,
                api);
    }

    public LedgerProperties withH2Compaction(H2Compaction compaction) {
        return new LedgerProperties(
                batchMaxRecords,
                batchLinger,
                queueCapacity,
                appendTimeout,
                h2SyncEachCommit,
                heads,
                compaction,
                signatures,
                api);
    }

    /**
     * Compaction of an embedded H2 file while it runs ({@link H2ChunkCompaction}; nothing on PostgreSQL).
     *
     * @param interval how often it runs; 0 turns it off (the file then grows with every commit). Default 100 ms
     * @param targetFillRate it rewrites the live pages of chunks at most this many % live (and older than H2's
     *     retention time), emptiest first; default 50, 1 to 100
     * @param writeLimit at most this many bytes rewritten a run: commits wait while it runs (with 128 KB every 100 ms
     *     the ledger's paced p99 was 7.5-8.6 ms against 6.7-7.5 without); default 128 KB
     */
    public record H2Compaction(Duration interval, Integer targetFillRate, DataSize writeLimit) {

        public H2Compaction {
            interval = interval == null ? Duration.ofMillis(100) : interval;
            targetFillRate = targetFillRate == null ? 50 : targetFillRate;
            writeLimit = writeLimit == null ? DataSize.ofKilobytes(128) : writeLimit;
            if (interval.isNegative()) {
                throw new IllegalArgumentException(
                        "visionhub.ledger.h2-compaction.interval must be 0 (off) or positive, not " + interval);
            }
            if (targetFillRate < 1 || targetFillRate > 100) {
                throw new IllegalArgumentException(
                        "visionhub.ledger.h2-compaction.target-fill-rate must be between 1 and 100 (%), not "
                                + targetFillRate);
            }
            if (writeLimit.toBytes() < 4096 || writeLimit.toBytes() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "visionhub.ledger.h2-compaction.write-limit must be between 4KB and 2GB, not " + writeLimit);
            }
        }

        public static H2Compaction defaults() {
            return new H2Compaction(null, null, null);
        }
    }

    /**
     * The signed tree heads.
     *
     * @param everyRecords sign a tree head at least every this many records... (default 1,000)
     * @param every ...and at least every this long when records arrived (default 10 s)
     * @param enabled whether heads are signed at all (turn off only for tests of the bare log); default true
     * @param keystore PKCS12 keystore with the Ed25519 signing key; generated on first start. Keep it outside the
     *     database
     * @param keystorePassword keystore and key password. Set it in production (environment variable
     *     VISIONHUB_LEDGER_HEADS_KEYSTORE_PASSWORD)
     * @param keyAlias alias of the key inside the keystore
     * @param file append-only log of signed heads, one JSON line each, outside the database
     */
    public record Heads(
            Integer everyRecords,
            Duration every,
            Boolean enabled,
            String keystore,
            String keystorePassword,
            String keyAlias,
            String file) {

        public Heads {
            everyRecords = everyRecords == null ? 1000 : everyRecords;
            every = every == null ? Duration.ofSeconds(10) : every;
            enabled = enabled == null || enabled;
            keystore = keystore == null ? "./data/keys/ledger-signing.p12" : keystore;
            keystorePassword = keystorePassword == null ? "change-me" : keystorePassword;
            keyAlias = keyAlias == null ? "ledger-head" : keyAlias;
            file = file == null ? "./data/ledger-heads.jsonl" : file;
            if (everyRecords < 1) {
                throw new IllegalArgumentException(
                        "visionhub.ledger.heads.every-records must be at least 1, not " + everyRecords);
            }
        }

        public static Heads defaults() {
            return new Heads(null, null, null, null, null, null, null);
        }

        public Heads withEveryRecords(int n) {
            return new Heads(n, every, enabled, keystore, keystorePassword, keyAlias, file);
        }

        public Heads withEvery(Duration d) {
            return new Heads(everyRecords, d, enabled, keystore, keystorePassword, keyAlias, file);
        }

        /** The keystore, its password and the heads file, e.g. in a test's own folder. */
        public Heads withFiles(String newKeystore, String newKeystorePassword, String newFile) {
            return new Heads(everyRecords, every, enabled, newKeystore, newKeystorePassword, keyAlias, newFile);
        }
    }

    /**
     * The e-signatures of dispositions (21 CFR 11.50, 11.300).
     *
     * @param maxFailures wrong passwords in a row before a user's signing is locked; default 3
     * @param lockout how long signing stays locked after that; default 15 min
     * @param meanings the meanings a signer may choose: code sent in the request, text printed with the signature. A
     *     list, so a site's own list replaces this one instead of merging with it
     */
    public record Signatures(Integer maxFailures, Duration lockout, List<Meaning> meanings) {

        public Signatures {
            maxFailures = maxFailures == null ? 3 : maxFailures;
            lockout = lockout == null ? Duration.ofMinutes(15) : lockout;
            meanings = meanings == null
                    ? List.of(
                            new Meaning(
                                    "REVIEWED", "Reviewed: I have reviewed the inspection record and this disposition"),
                            new Meaning("APPROVED", "Approved: I approve this disposition"),
                            new Meaning("RESPONSIBILITY", "Responsibility: I take responsibility for this disposition"))
                    : List.copyOf(meanings);
        }

        public static Signatures defaults() {
            return new Signatures(null, null, null);
        }
    }

    /** A signature meaning: its code (what the request sends) and its text (what every printed form shows). */
    public record Meaning(String code, String text) {}

    /** @param enabled REST endpoints under /api/ledger; default true */
    public record Api(Boolean enabled) {
        public Api {
            enabled = enabled == null || enabled;
        }
    }
}
