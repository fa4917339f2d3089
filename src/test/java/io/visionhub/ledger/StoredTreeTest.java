package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import io.visionhub.ledger.store.DatabaseKind;
import io.visionhub.ledger.store.MerkleNodeBackfill;
import io.visionhub.ledger.verify.Finding;
import io.visionhub.ledger.verify.VerificationReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Proofs read from the stored tree (ledger_node, written by the group-commit writer) are exactly the proofs the full
 * rebuild from every leaf hash gives ({@link MerkleTree}), at every size of a log written in batches of random sizes;
 * a changed stored node is caught. H2 here, PostgreSQL in {@code PostgresStoredTreeTest}.
 */
class StoredTreeTest {

    final LedgerDatabase database = LedgerDatabase.of(getClass());

    static final int RECORDS = 300;

    @TempDir
    Path dir;

    LedgerFixture fx;
    JdbcTemplate jdbc;
    final Random random = new Random(21);

    @BeforeEach
    void writeLogInBatchesOfRandomSize() {
        fx = new LedgerFixture(dir, database.open(dir));
        jdbc = new JdbcTemplate(fx.ds);
        int written = 0;
        while (written < RECORDS) {
            int burst = Math.min(RECORDS - written, 1 + random.nextInt(40));
            List<CompletableFuture<LedgerReceipt>> acks = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                acks.add(fx.ledger.submit(
                        InspectionRecord.toWrite(LedgerTestSupport.event(), List.of(), Instant.now())));
            }
            acks.forEach(CompletableFuture::join);
            written += burst;
        }
        fx.ledger.signNow();
    }

    @AfterEach
    void close() {
        fx.ledger.close();
        database.close(fx.ds);
    }

    private List<byte[]> leaves() {
        return fx.service.reader().leafHashes().stream().map(MerkleHash::unhex).toList();
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(MerkleHash::hex).toList();
    }

    @Test
    void inclusionAndConsistencyProofsFromStoredNodesEqualTheFullRebuildAtEverySize() {
        List<byte[]> leaves = leaves();
        assertThat(leaves).hasSize(RECORDS);
        MerkleTree full = new MerkleTree(leaves);
        StoredTree stored = fx.service.storedTree();
        for (int n = 1; n <= RECORDS; n++) {
            assertThat(MerkleHash.hex(stored.root(n))).as("root at %d", n).isEqualTo(MerkleHash.hex(full.rootOf(0, n)));
            for (int m : List.of(0, n - 1, random.nextInt(n), random.nextInt(n))) {
                StoredTree.Proof p = stored.inclusionProof(m, n);
                assertThat(hex(p.path())).as("PATH(%d, %d)", m, n).isEqualTo(hex(full.inclusionProof(m, n)));
                assertThat(MerkleTree.verifyInclusion(m, n, leaves.get(m), p.path(), p.root()))
                        .isTrue();
            }
            for (int m : List.of(1, n, 1 + random.nextInt(n), 1 + random.nextInt(n))) {
                StoredTree.Proof p = stored.consistencyProof(m, n);
                assertThat(hex(p.path())).as("PROOF(%d, %d)", m, n).isEqualTo(hex(full.consistencyProof(m, n)));
                assertThat(MerkleHash.hex(p.root1())).isEqualTo(MerkleHash.hex(full.rootOf(0, m)));
                assertThat(MerkleTree.verifyConsistency(m, n, p.root1(), p.root(), p.path()))
                        .isTrue();
            }
        }
    }

    @Test
    void theWriterStoresEveryPerfectSubtreeOfSixteenLeavesOrMoreAndNothingElse() {
        // 300 leaves: 18 subtrees of 16, 9 of 32, 4 of 64, 2 of 128, 1 of 256
        assertThat(jdbc.queryForList("SELECT height, COUNT(*) AS n FROM ledger_node GROUP BY height ORDER BY height"))
                .extracting(r -> ((Number) r.get("height")).intValue() + ":" + ((Number) r.get("n")).intValue())
                .containsExactly("4:18", "5:9", "6:4", "7:2", "8:1");
        assertThat(fx.service.verify().ok()).isTrue();
    }

    @Test
    void theUpgradeBackfillStoresTheSameNodesTheWriterStored() throws Exception {
        List<Map<String, Object>> before = nodes();
        dropNodeProtection();
        jdbc.update("DELETE FROM ledger_node");
        try (Connection c = fx.ds.getConnection()) {
            assertThat(MerkleNodeBackfill.backfill(c)).isEqualTo(before.size());
        }
        assertThat(nodes()).usingRecursiveFieldByFieldElementComparator().isEqualTo(before);
    }

    @Test
    void proofsStillComeOutRightWhereNodesAreMissing() {
        dropNodeProtection();
        jdbc.update("DELETE FROM ledger_node WHERE height >= 6");
        MerkleTree full = new MerkleTree(leaves());
        StoredTree.Proof p = fx.service.storedTree().inclusionProof(5, RECORDS);
        assertThat(hex(p.path())).isEqualTo(hex(full.inclusionProof(5, RECORDS)));
    }

    @Test
    void aChangedStoredNodeFailsTheProofsThroughItAndTheVerificationNamesIt() {
        long size = fx.ledger.latestHead().treeSize();
        assertThat(size).isEqualTo(RECORDS);
        assertThat(fx.service.inclusionProof("7", null).verified()).isTrue();
        assertThat(fx.service.consistencyProof(64, size).verified()).isTrue();
        assertThat(fx.service.inclusionProof("100", null).verified()).isTrue();

        dropNodeProtection();
        // the subtree over seq 0..63 (height 6, index 0): on the audit path of seq 100, the root at size 64
        jdbc.update("UPDATE ledger_node SET hash = ? WHERE height = 6 AND idx = 0", (Object) new byte[32]);

        assertThat(fx.service.inclusionProof("100", null).verified()).isFalse();
        assertThat(fx.service.consistencyProof(64, size).verified()).isFalse();
        assertThat(fx.service.inclusionProof("7", null).verified()).isTrue(); // its path does not pass through it
        VerificationReport report = fx.service.verify();
        assertThat(report.ok()).isFalse();
        Finding f = report.firstProblem();
        assertThat(f.kind()).isEqualTo(Finding.Kind.ALTERED);
        assertThat(f.seq()).isZero();
        assertThat(f.message()).contains("ledger_node height 6 index 0", "seq 0..63");
    }

    @Test
    void storedNodesAreAppendOnly() {
        assertThat(refusal("UPDATE ledger_node SET hash = ?", (Object) new byte[32]))
                .contains("append-only");
        assertThat(refusal("DELETE FROM ledger_node")).contains("append-only");
    }

    private String refusal(String sql, Object... args) {
        try {
            jdbc.update(sql, args);
        } catch (DataAccessException e) {
            return e.getMostSpecificCause().getMessage();
        }
        throw new AssertionError(sql + " was not refused");
    }

    private List<Map<String, Object>> nodes() {
        return jdbc.queryForList("SELECT height, idx, hash FROM ledger_node ORDER BY height, idx").stream()
                .map(r -> Map.<String, Object>of(
                        "height", ((Number) r.get("height")).intValue(),
                        "idx", ((Number) r.get("idx")).longValue(),
                        "hash", HexFormat.of().formatHex((byte[]) r.get("hash"))))
                .toList();
    }

    private void dropNodeProtection() {
        boolean pg = DatabaseKind.of(jdbc) == DatabaseKind.POSTGRESQL;
        jdbc.execute(pg ? "ALTER TABLE ledger_node DISABLE TRIGGER USER" : "DROP TRIGGER ledger_node_append_only");
    }
}
