package io.visionhub.ledger;

import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.SubtreeProofs;
import io.visionhub.ledger.merkle.SubtreeProofs.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The Merkle tree as the ledger stores it: the leaf hashes in {@code ledger_leaf} and, in {@code ledger_node} (Flyway
 * V11), the root of every perfect subtree of {@value #LOWEST_STORED_HEIGHT_LEAVES} leaves or more, written by the
 * group-commit writer in the same transaction as the leaves that complete it (Flyway V12 backfilled the logs written
 * before). A proof or a root at any size reads O(log n) rows: the stored subtrees on the tree's path (one query) and at
 * most a few blocks of 16 leaf hashes for the lowest levels, instead of every leaf hash of the log.
 * <p>
 * A node that is not stored (a log damaged before V12's backfill reached it) is computed from its two halves, down to
 * the leaves, and not written: the reader never writes. A stored node that someone changed gives a proof that does not
 * verify against the signed head's root ({@link LedgerService} checks every proof it serves), and the verification
 * ({@code LedgerVerifier}) compares every stored node with the tree of the stored leaf hashes.
 */
public final class StoredTree {

    /** Subtrees of 2^4 = 16 leaves and more are stored: about one node row per 8 leaves. */
    public static final int LOWEST_STORED_HEIGHT = 4;

    static final int LOWEST_STORED_HEIGHT_LEAVES = 1 << LOWEST_STORED_HEIGHT;

    static final String INSERT_NODE = "INSERT INTO ledger_node (height, idx, hash) VALUES (?,?,?)";

    /** A subtree root the writer stores. */
    public record StoredNode(int height, long index, byte[] hash) {}

    private final DataSource dataSource;

    public StoredTree(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether the writer stores a subtree of this height. */
    public static boolean stored(int height) {
        return height >= LOWEST_STORED_HEIGHT;
    }

    /** Inserts subtree roots (batch), on the writer's connection and transaction. */
    public static void insert(Connection c, List<StoredNode> nodes) throws SQLException {
        if (nodes.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_NODE)) {
            for (StoredNode n : nodes) {
                ps.setInt(1, n.height());
                ps.setLong(2, n.index());
                ps.setBytes(3, n.hash());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** MTH of the first n leaves. */
    public byte[] root(long n) {
        if (n == 0) {
            return MerkleHash.empty();
        }
        return withNodes(
                SubtreeProofs.nodesFor(SubtreeProofs.Proof.INCLUSION, 0, n), n, t -> SubtreeProofs.rootOf(t, 0, n));
    }

    /** PATH(m, D[0:n]) and MTH(D[0:n]) read from the stored nodes. */
    public Proof inclusionProof(long m, long n) {
        if (m < 0 || m >= n) {
            throw new IllegalArgumentException("no leaf " + m + " in a tree of size " + n);
        }
        return withNodes(
                SubtreeProofs.nodesFor(SubtreeProofs.Proof.INCLUSION, m, n),
                n,
                t -> new Proof(SubtreeProofs.inclusionProof(t, m, n), null, SubtreeProofs.rootOf(t, 0, n)));
    }

    /** PROOF(m, D[0:n]) with MTH(D[0:m]) and MTH(D[0:n]), read from the stored nodes. */
    public Proof consistencyProof(long m, long n) {
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("no consistency proof from size " + m + " to size " + n);
        }
        return withNodes(
                SubtreeProofs.nodesFor(SubtreeProofs.Proof.CONSISTENCY, m, n),
                n,
                t -> new Proof(
                        SubtreeProofs.consistencyProof(t, m, n),
                        SubtreeProofs.rootOf(t, 0, m),
                        SubtreeProofs.rootOf(t, 0, n)));
    }

    /** The roots of the perfect subtrees that make up the tree of size n (its right edge), largest first. */
    public List<byte[]> edge(long n) {
        List<Node> edge = SubtreeProofs.edge(n);
        return withNodes(Set.copyOf(edge), n, t -> edge.stream().map(t::root).toList());
    }

    /**
     * A proof's hashes.
     *
     * @param path  the audit path or consistency proof
     * @param root1 MTH at the first size (consistency proofs only, else null)
     * @param root  MTH at the tree size the proof is for
     */
    public record Proof(List<byte[]> path, byte[] root1, byte[] root) {}

    private <T> T withNodes(Set<Node> needed, long n, java.util.function.Function<SubtreeProofs.Subtrees, T> f) {
        try (Connection c = dataSource.getConnection()) {
            Reader r = new Reader(c, n);
            r.prefetch(needed);
            return f.apply(r::root);
        } catch (SQLException e) {
            throw new LedgerException("cannot read the ledger's Merkle nodes: " + e.getMessage(), e);
        }
    }

    /** Reads subtree roots on one connection: stored nodes by key, the lowest levels from blocks of leaf hashes. */
    private static final class Reader {
        private final Connection c;
        private final long size;
        private final Map<Node, byte[]> known = new HashMap<>();
        /** 16-leaf blocks already read, by block index */
        private final Map<Long, byte[][]> blocks = new HashMap<>();

        Reader(Connection c, long size) {
            this.c = c;
            this.size = size;
        }

        /** One query for the stored nodes among these, one per block of leaves the lower ones lie in. */
        void prefetch(Set<Node> nodes) throws SQLException {
            List<Node> stored = new ArrayList<>();
            Set<Long> leafBlocks = new TreeSet<>();
            for (Node node : nodes) {
                check(node);
                if (stored(node.height())) {
                    stored.add(node);
                } else {
                    leafBlocks.add(node.first() >> LOWEST_STORED_HEIGHT);
                }
            }
            fetchNodes(stored);
            for (long b : leafBlocks) {
                block(b);
            }
        }

        private void check(Node node) {
            if (node.end() > size || node.index() < 0) {
                throw new IllegalArgumentException("subtree " + node + " is beyond the tree of size " + size);
            }
        }

        private void fetchNodes(List<Node> nodes) throws SQLException {
            if (nodes.isEmpty()) {
                return;
            }
            // a UNION ALL of primary-key lookups: one round trip, an index seek each, on H2 and PostgreSQL alike
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < nodes.size(); i++) {
                sql.append(i == 0 ? "" : " UNION ALL ")
                        .append("SELECT height, idx, hash FROM ledger_node WHERE height = ? AND idx = ?");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (Node node : nodes) {
                    ps.setInt(p++, node.height());
                    ps.setLong(p++, node.index());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] hash = rs.getBytes(3);
                        if (hash == null || hash.length != 32) {
                            throw new LedgerException("ledger_node height " + rs.getInt(1) + " index " + rs.getLong(2)
                                    + " holds no valid hash: the stored tree was altered; GET /api/ledger/verify "
                                    + "names it");
                        }
                        known.put(new Node(rs.getInt(1), rs.getLong(2)), hash);
                    }
                }
            }
        }

        byte[] root(Node node) {
            check(node);
            byte[] h = known.get(node);
            if (h != null) {
                return h;
            }
            try {
                if (node.height() < LOWEST_STORED_HEIGHT) {
                    h = fromLeaves(node);
                } else {
                    // not stored (a log damaged before the backfill reached it): from its halves, not written back
                    fetchNodes(List.of(
                            new Node(node.height() - 1, node.index() * 2),
                            new Node(node.height() - 1, node.index() * 2 + 1)));
                    h = MerkleHash.node(
                            root(new Node(node.height() - 1, node.index() * 2)),
                            root(new Node(node.height() - 1, node.index() * 2 + 1)));
                }
            } catch (SQLException e) {
                throw new LedgerException("cannot read the ledger's Merkle nodes: " + e.getMessage(), e);
            }
            known.put(node, h);
            return h;
        }

        private byte[] fromLeaves(Node node) throws SQLException {
            byte[][] leaves = block(node.first() >> LOWEST_STORED_HEIGHT);
            int from = (int) (node.first() & (LOWEST_STORED_HEIGHT_LEAVES - 1));
            return hash(leaves, from, from + (1 << node.height()));
        }

        private static byte[] hash(byte[][] leaves, int from, int to) {
            if (to - from == 1) {
                return leaves[from];
            }
            int half = (to - from) / 2;
            return MerkleHash.node(hash(leaves, from, from + half), hash(leaves, from + half, to));
        }

        /** The leaf hashes of one aligned block of 16 (fewer at the end of the tree). */
        private byte[][] block(long b) throws SQLException {
            byte[][] leaves = blocks.get(b);
            if (leaves != null) {
                return leaves;
            }
            long first = b << LOWEST_STORED_HEIGHT;
            long end = Math.min(size, first + LOWEST_STORED_HEIGHT_LEAVES);
            leaves = new byte[(int) (end - first)][];
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, leaf_hash FROM ledger_leaf WHERE seq >= ? AND seq < ? ORDER BY seq")) {
                ps.setLong(1, first);
                ps.setLong(2, end);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        try {
                            leaves[(int) (seq - first)] = MerkleHash.unhex(rs.getString(2));
                        } catch (RuntimeException e) {
                            throw new LedgerException("ledger_leaf seq " + seq + " holds no valid leaf hash: the log "
                                    + "was altered; GET /api/ledger/verify names every problem");
                        }
                    }
                }
            }
            for (int i = 0; i < leaves.length; i++) {
                if (leaves[i] == null) {
                    throw new LedgerException("record " + (first + i) + " is missing from ledger_leaf: the log was "
                            + "altered; GET /api/ledger/verify names every problem");
                }
            }
            blocks.put(b, leaves);
            return leaves;
        }
    }
}
