package io.visionhub.bench;

import com.sun.management.ThreadMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.StoredTree;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;

/**
 * How the ledger's proof and verification cost grows with the log: generates 1 M, 3 M, 10 M ... records by direct
 * batched inserts of leaves and Merkle nodes (as the writer stores them, not through the hub), signs heads, then at
 * each size measures inclusion and consistency proofs read from the stored tree (StoredTree), the incremental
 * verification of the last records from a verified head, and the memory each allocates. {@code full-rebuild} also
 * times the proof as it was before (every leaf hash read, the tree rebuilt: O(n)).
 *
 * <pre>bench/run LedgerProofBench [h2|pg] [sizes, default 1000000,3000000,10000000] [full-rebuild]</pre>
 */
public final class LedgerProofBench {

    private static final int PROOFS = 1_000;
    private static final int INSERT_BATCH = 5_000;
    /** records added after the verified head that the incremental verification checks */
    private static final int INCREMENT = 1_000;

    private LedgerProofBench() {}

    public static void main(String[] args) throws Exception {
        String db = args.length > 0 ? args[0] : "h2";
        long[] sizes = Arrays.stream((args.length > 1 ? args[1] : "1000000,3000000,10000000").split(","))
                .mapToLong(Long::parseLong)
                .toArray();
        boolean fullRebuild = Arrays.asList(args).contains("full-rebuild");
        System.out.printf(
                "LedgerProofBench on %s: sizes %s, %d proofs each, %d CPUs, Java %s, max heap %d MB%n",
                db,
                Arrays.toString(sizes),
                PROOFS,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        Path dir = Files.createTempDirectory("ledger-proof-bench");
        KeystoreTreeHeadSigner signer = KeystoreTreeHeadSigner.openOrCreate(
                dir.resolve("keys/bench.p12"), "bench".toCharArray(), "ledger-head");
        String schema = null;
        HikariDataSource ds;
        if (db.equals("pg")) {
            schema = LedgerTestSupport.uniqueSchema();
            ds = LedgerTestSupport.postgres(schema);
        } else {
            ds = LedgerTestSupport.h2(dir);
        }
        try {
            Generator gen = new Generator(ds, signer);
            for (long size : sizes) {
                MachineLoad load = MachineLoad.start();
                long t0 = System.nanoTime();
                long before = gen.size();
                SignedTreeHead verified = gen.extendTo(size - INCREMENT);
                SignedTreeHead head = gen.extendTo(size);
                System.out.printf(
                        "%n== %,d records (generated %,d in %.1f s: leaves and nodes by batched insert) %s%n",
                        size, size - before, (System.nanoTime() - t0) / 1e9, load.summary());
                measure(ds, signer, verified, head, fullRebuild);
            }
        } finally {
            if (schema != null) {
                LedgerTestSupport.dropSchema(ds, schema);
            }
            ds.close();
            try (var files = Files.walk(dir)) { // the H2 file of 10 M records is ~2.7 GB
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void measure(
            DataSource ds, KeystoreTreeHeadSigner signer, SignedTreeHead verified, SignedTreeHead head, boolean full)
            throws Exception {
        long n = head.treeSize();
        StoredTree tree = new StoredTree(ds);
        Random random = new Random(n);
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        // warm-up: the JIT and the database's page cache for the upper levels
        for (int i = 0; i < 200; i++) {
            tree.inclusionProof(random.nextLong(n), n);
        }
        MachineLoad load = MachineLoad.start();
        long[] incl = new long[PROOFS];
        long allocated = mx.getThreadAllocatedBytes(tid);
        int pathLength = 0;
        byte[] root = MerkleHash.unhex(head.rootHash());
        JdbcLedgerReader reader = new JdbcLedgerReader(ds);
        for (int i = 0; i < PROOFS; i++) {
            long m = random.nextLong(n);
            long t = System.nanoTime();
            StoredTree.Proof p = tree.inclusionProof(m, n);
            incl[i] = System.nanoTime() - t;
            pathLength = p.path().size();
            if (i < 20) { // spot checks, outside the timing: each proof verifies against the signed head
                byte[] leaf = MerkleHash.unhex(reader.leaves(m, m + 1).get(0).leafHash());
                if (!MerkleTree.verifyInclusion(m, n, leaf, p.path(), root)) {
                    throw new IllegalStateException("inclusion proof of " + m + " does not verify");
                }
            }
        }
        long inclAlloc = (mx.getThreadAllocatedBytes(tid) - allocated) / PROOFS;
        long[] cons = new long[PROOFS];
        allocated = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < PROOFS; i++) {
            long m = 1 + random.nextLong(n);
            long t = System.nanoTime();
            tree.consistencyProof(m, n);
            cons[i] = System.nanoTime() - t;
        }
        long consAlloc = (mx.getThreadAllocatedBytes(tid) - allocated) / PROOFS;
        System.out.printf(
                "inclusion proof (stored tree, %d hashes): p50 %.3f ms, p99 %.3f ms, max %.3f ms; %,d bytes allocated "
                        + "per proof%n",
                pathLength, pct(incl, 50), pct(incl, 99), pct(incl, 100), inclAlloc);
        System.out.printf(
                "consistency proof (stored tree): p50 %.3f ms, p99 %.3f ms, max %.3f ms; %,d bytes allocated per proof"
                        + "%n",
                pct(cons, 50), pct(cons, 99), pct(cons, 100), consAlloc);
        System.out.println("  " + load.summary());

        LedgerVerifier verifier =
                new LedgerVerifier(reader, signer.keyHistory(), List::of, null, Clock.systemUTC(), null, null);
        System.gc();
        allocated = mx.getThreadAllocatedBytes(tid);
        long t = System.nanoTime();
        VerificationReport r = verifier.verifySince(verified);
        double ms = (System.nanoTime() - t) / 1e6;
        if (!r.ok()) {
            throw new IllegalStateException("incremental verification failed: " + r.summary());
        }
        System.out.printf(
                "incremental verification from the verified head at %,d to the head at %,d (%,d records re-hashed, "
                        + "consistency proof checked): %.1f ms, %,d bytes allocated%n",
                verified.treeSize(), n, n - verified.treeSize(), ms, mx.getThreadAllocatedBytes(tid) - allocated);
        if (full) {
            allocated = mx.getThreadAllocatedBytes(tid);
            t = System.nanoTime();
            List<byte[]> leaves =
                    reader.leafHashes(n).stream().map(MerkleHash::unhex).toList();
            List<byte[]> path = MerkleTree.inclusionProof(leaves, (int) (n / 3), (int) n);
            System.out.printf(
                    "before (every leaf hash read, tree rebuilt): one inclusion proof %.0f ms, %,d bytes allocated "
                            + "(%d hashes)%n",
                    (System.nanoTime() - t) / 1e6, mx.getThreadAllocatedBytes(tid) - allocated, path.size());
        }
    }

    private static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int i = p >= 100 ? s.length - 1 : (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, i)] / 1e6;
    }

    /** Appends synthetic records (small entries, leaf hash = RFC 6962 hash of the entry) with their nodes. */
    private static final class Generator {
        private final DataSource ds;
        private final KeystoreTreeHeadSigner signer;
        private final MerkleFrontier frontier = new MerkleFrontier();
        private final Instant at = Instant.parse("2026-12-05T00:00:00Z");

        Generator(DataSource ds, KeystoreTreeHeadSigner signer) {
            this.ds = ds;
            this.signer = signer;
        }

        long size() {
            return frontier.size();
        }

        /** Appends records up to size and signs a head there. */
        SignedTreeHead extendTo(long size) throws Exception {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement leaf = c.prepareStatement(
                        "INSERT INTO ledger_leaf (seq, record_type, record_id, leaf_hash, entry, recorded_at) "
                                + "VALUES (?,?,?,?,?,?)")) {
                    List<StoredTree.StoredNode> nodes = new ArrayList<>();
                    Object ts = at.atOffset(ZoneOffset.UTC);
                    while (frontier.size() < size) {
                        long seq = frontier.size();
                        String id = "bench-" + seq;
                        String entry = "{\"body\":{\"n\":" + seq + "},\"recordId\":\"" + id + "\",\"recordedAt\":\""
                                + at + "\",\"seq\":" + seq + ",\"type\":\"BENCH\",\"v\":1}";
                        byte[] hash = MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8));
                        frontier.append(hash, (h, i, node) -> {
                            if (StoredTree.stored(h)) {
                                nodes.add(new StoredTree.StoredNode(h, i, node));
                            }
                        });
                        leaf.setLong(1, seq);
                        leaf.setString(2, "BENCH");
                        leaf.setString(3, id);
                        leaf.setString(4, MerkleHash.hex(hash));
                        leaf.setString(5, entry);
                        leaf.setObject(6, ts);
                        leaf.addBatch();
                        if ((seq + 1) % INSERT_BATCH == 0 || frontier.size() == size) {
                            leaf.executeBatch();
                            StoredTree.insert(c, nodes);
                            nodes.clear();
                            c.commit();
                        }
                    }
                }
                SignedTreeHead head = signer.sign(size, MerkleHash.hex(frontier.root()), at.plusSeconds(size));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_tree_head (tree_size, root_hash, "
                        + "signed_at, key_id, algorithm, signature) VALUES (?,?,?,?,?,?)")) {
                    ps.setLong(1, head.treeSize());
                    ps.setString(2, head.rootHash());
                    ps.setObject(3, head.signedAt().atOffset(ZoneOffset.UTC));
                    ps.setString(4, head.keyId());
                    ps.setString(5, head.algorithm());
                    ps.setString(6, head.signature());
                    ps.executeUpdate();
                }
                c.commit();
                return head;
            }
        }
    }
}
