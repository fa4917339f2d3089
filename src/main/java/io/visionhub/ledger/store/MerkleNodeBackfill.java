package io.visionhub.ledger.store;

import io.visionhub.ledger.StoredTree;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway V12: fills {@code ledger_node} (V11) for the leaves written before it, the way the writer fills it for new
 * ones, and makes the table append-only. It reads the leaf hashes once, in seq order (O(n) once, at the upgrade), and
 * stops at the first gap or invalid leaf hash: a damaged log gets nodes for its intact prefix only; proofs beyond
 * that compute the missing nodes from the leaves ({@link StoredTree}), and the ledger opens read-only anyway.
 */
public class MerkleNodeBackfill implements JavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(MerkleNodeBackfill.class);
    private static final int BATCH = 5_000;

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("12");
    }

    @Override
    public String getDescription() {
        return "ledger merkle nodes backfilled, ledger_node append-only";
    }

    @Override
    public Integer getChecksum() {
        return 12_0001;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        long nodes = backfill(c);
        AppendOnlyMigration.protect(c, List.of("ledger_node"));
        if (nodes > 0) {
            LOG.info("Ledger upgrade V12: stored {} Merkle subtree roots for the existing records", nodes);
        }
    }

    /** Inserts the subtree roots of the stored leaves (the table must hold none); returns how many. */
    public static long backfill(Connection c) throws SQLException {
        MerkleFrontier f = new MerkleFrontier();
        List<StoredTree.StoredNode> pending = new ArrayList<>();
        long written = 0;
        long expected = 0;
        try (Statement st = c.createStatement()) {
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery("SELECT seq, leaf_hash FROM ledger_leaf ORDER BY seq")) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    byte[] leaf;
                    try {
                        leaf = MerkleHash.unhex(rs.getString(2));
                    } catch (RuntimeException e) {
                        leaf = null;
                    }
                    if (seq != expected || leaf == null || leaf.length != 32) {
                        LOG.warn(
                                "Ledger upgrade V12: the log is damaged at seq {} (missing or invalid leaf hash): Merkle "
                                        + "nodes stored up to seq {} only; run the ledger verification",
                                expected,
                                expected - 1);
                        break;
                    }
                    f.append(leaf, (height, index, hash) -> {
                        if (StoredTree.stored(height)) {
                            pending.add(new StoredTree.StoredNode(height, index, hash));
                        }
                    });
                    expected++;
                    if (pending.size() >= BATCH) {
                        written += flush(c, pending);
                    }
                }
            }
        }
        written += flush(c, pending);
        return written;
    }

    private static int flush(Connection c, List<StoredTree.StoredNode> pending) throws SQLException {
        int n = pending.size();
        StoredTree.insert(c, pending);
        pending.clear();
        return n;
    }
}
