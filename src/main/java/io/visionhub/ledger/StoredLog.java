package io.visionhub.ledger;

import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.verify.Finding;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the ledger tables hold when the writer (re)opens them: the tree's right edge over the stored leaves, the
 * latest signed head, and the first damage found (a record missing, an invalid leaf hash, a head beyond the log or
 * whose root is not the root of the stored leaves at its size).
 *
 * @param frontier the tree over the leaves 0..valid-1
 * @param valid    leaves that continue the log without a gap (the next seq when undamaged)
 * @param stored   MAX(seq) + 1 (the next seq past a damaged record)
 * @param head     the latest signed head, or null
 * @param damage   the first problem, or null
 * @param firstMac the first seq that carries a record MAC, or -1 (a log written before Flyway V6 has none)
 */
record StoredLog(MerkleFrontier frontier, long valid, long stored, SignedTreeHead head, Finding damage, long firstMac) {

    /** Reads the latest head and every leaf hash in order, on the writer's connection. */
    static StoredLog read(Connection c) throws SQLException {
        MerkleFrontier f = new MerkleFrontier();
        long expected = 0;
        long stored = 0;
        SignedTreeHead head = null;
        byte[] rootAtHead = null;
        Finding damage = null;
        long firstMac = -1;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT tree_size, root_hash, signed_at, key_id, algorithm, "
                    + "signature FROM ledger_tree_head ORDER BY tree_size DESC LIMIT 1")) {
                if (rs.next()) {
                    head = JdbcLedgerReader.head(rs);
                }
            }
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery("SELECT seq, leaf_hash, mac FROM ledger_leaf ORDER BY seq")) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    stored = seq + 1;
                    if (damage != null) {
                        continue; // counting only: the tree past a damaged record means nothing
                    }
                    if (seq != expected) {
                        damage = new Finding(
                                Finding.Kind.DELETED,
                                expected,
                                null,
                                "ledger_leaf has no record "
                                        + (seq - 1 > expected ? expected + ".." + (seq - 1) : String.valueOf(expected))
                                        + " (the next stored record is seq " + seq + ")");
                        continue;
                    }
                    try {
                        f.append(MerkleHash.unhex(rs.getString(2)));
                    } catch (RuntimeException e) {
                        damage = new Finding(
                                Finding.Kind.ALTERED,
                                seq,
                                null,
                                "ledger_leaf seq " + seq + " holds no valid leaf hash");
                        continue;
                    }
                    if (firstMac < 0 && rs.getString(3) != null) {
                        firstMac = seq;
                    }
                    expected++;
                    if (head != null && f.size() == head.treeSize()) {
                        rootAtHead = f.root();
                    }
                }
            }
        }
        if (damage == null && head != null) {
            if (head.treeSize() > expected) {
                damage = new Finding(
                        Finding.Kind.TRUNCATED,
                        expected,
                        null,
                        "the signed head of "
                                + head.signedAt() + " covers " + head.treeSize() + " records but ledger_leaf holds "
                                + expected + ": records " + expected + ".." + (head.treeSize() - 1) + " were cut off");
            } else if (!MerkleHash.hex(rootAtHead).equals(head.rootHash())) {
                damage = new Finding(
                        Finding.Kind.REWRITTEN,
                        -1,
                        null,
                        "the stored leaf hashes of seq 0.."
                                + (head.treeSize() - 1) + " give root " + MerkleHash.hex(rootAtHead)
                                + " but the signed "
                                + "head of " + head.signedAt() + " holds " + head.rootHash()
                                + ": a record in that range "
                                + "was changed, inserted, deleted or reordered");
            }
        }
        return new StoredLog(f, expected, stored, head, damage, firstMac);
    }
}
