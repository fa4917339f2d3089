package io.visionhub.ledger;

import io.visionhub.ledger.heads.RecordMac;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.heads.TreeHeadSigner;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Signs tree heads and writes them, in the writer's transaction, and checks before that the leaves a head adds are
 * the hub's own (each carries a valid record MAC): a head must never sign a row someone else inserted. When a head
 * is due, and what to do about a foreign leaf, the writer decides.
 */
final class TreeHeadWriter {

    static final String INSERT_HEAD = "INSERT INTO ledger_tree_head (tree_size, root_hash, signed_at, key_id, "
            + "algorithm, signature) VALUES (?,?,?,?,?,?)";

    /** A stored leaf without a valid record MAC: the first record this hub did not write. */
    record ForeignLeaf(long seq, String why) {}

    /** null only where heads are off */
    private final TreeHeadSigner signer;
    /** null only where the signer holds no record-MAC key (a bare test signer): then nothing is checked */
    private final RecordMac mac;

    TreeHeadWriter(TreeHeadSigner signer, RecordMac mac) {
        this.signer = signer;
        this.mac = mac;
    }

    /**
     * Checks the record MAC of each leaf with max(from, macFrom) <= seq < to (earlier ones were written before
     * Flyway V6 and are covered by heads only); returns the first foreign one, or null.
     */
    ForeignLeaf firstForeignLeaf(Connection c, long from, long to, long macFrom) throws SQLException {
        if (mac == null || from >= to) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, leaf_hash, mac FROM ledger_leaf WHERE seq >= ? " + "AND seq < ? ORDER BY seq")) {
            ps.setLong(1, Math.max(from, macFrom));
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    String m = rs.getString(3);
                    if (m == null || !mac.verify(seq, rs.getString(2), m)) {
                        return new ForeignLeaf(
                                seq, m == null ? "it has no record MAC" : "its record MAC does not verify");
                    }
                }
            }
        }
        return null;
    }

    /** Signs a head over the first f.size() leaves at now (to the millisecond) and inserts it. */
    SignedTreeHead signAndInsert(Connection c, MerkleFrontier f, Instant now) throws SQLException {
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
}
