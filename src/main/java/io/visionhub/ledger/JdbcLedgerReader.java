package io.visionhub.ledger;

import io.visionhub.ledger.heads.SignedTreeHead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads the ledger tables as they are, for proofs, verification and export. Never writes. */
public class JdbcLedgerReader {

    /** One stored leaf row; mac is the record MAC (null on records written before Flyway V6). */
    public record LeafRow(
            long seq,
            String type,
            String recordId,
            String leafHash,
            String entry,
            OffsetDateTime recordedAt,
            String mac) {}

    private final DataSource dataSource;

    public JdbcLedgerReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Leaves with from <= seq < to, in seq order (to = Long.MAX_VALUE for all). */
    public List<LeafRow> leaves(long from, long to) {
        return leaves(from, to, Integer.MAX_VALUE);
    }

    /** At most limit leaves with from <= seq < to, in seq order. */
    public List<LeafRow> leaves(long from, long to, int limit) {
        List<LeafRow> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT seq, record_type, record_id, leaf_hash, entry, "
                        + "recorded_at, mac FROM ledger_leaf WHERE seq >= ? AND seq < ? ORDER BY seq LIMIT ?")) {
            ps.setFetchSize(5_000);
            ps.setLong(1, from);
            ps.setLong(2, to);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LeafRow(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getObject(6, OffsetDateTime.class),
                            rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read ledger leaves " + from + ".." + to + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Stored leaf hashes of seq 0..n-1 in seq order (as stored: the caller checks them). */
    public List<String> leafHashes() {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT leaf_hash FROM ledger_leaf ORDER BY seq")) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read ledger leaf hashes: " + e.getMessage(), e);
        }
        return out;
    }

    /** Stored leaf hashes with seq < count, in seq order (as stored: fewer than count when records are missing). */
    public List<String> leafHashes(long count) {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT leaf_hash FROM ledger_leaf WHERE seq < ? ORDER BY seq")) {
            ps.setFetchSize(10_000);
            ps.setLong(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read ledger leaf hashes below seq " + count + ": " + e.getMessage(), e);
        }
        return out;
    }

    public List<SignedTreeHead> heads() {
        List<SignedTreeHead> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, signed_at, key_id, algorithm, "
                        + "signature FROM ledger_tree_head ORDER BY tree_size");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(head(rs));
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read signed tree heads: " + e.getMessage(), e);
        }
        return out;
    }

    /** Stored Merkle subtree roots ({@code ledger_node}) of this height with from <= idx <= to, by idx. */
    public java.util.Map<Long, byte[]> nodes(int height, long from, long to) {
        java.util.Map<Long, byte[]> out = new java.util.HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT idx, hash FROM ledger_node WHERE height = ? AND idx >= ? AND idx <= ?")) {
            ps.setInt(1, height);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getBytes(2));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read ledger_node height " + height + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The first signed head whose tree holds this record (tree size > seq). */
    public Optional<SignedTreeHead> firstHeadCovering(long seq) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, signed_at, key_id, algorithm, "
                        + "signature FROM ledger_tree_head WHERE tree_size > ? ORDER BY tree_size LIMIT 1")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(head(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read the signed head covering record " + seq + ": " + e.getMessage(), e);
        }
    }

    /** The signed head stored at exactly this tree size. */
    public Optional<SignedTreeHead> headAt(long treeSize) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, signed_at, key_id, algorithm, "
                        + "signature FROM ledger_tree_head WHERE tree_size = ?")) {
            ps.setLong(1, treeSize);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(head(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LedgerException(
                    "cannot read the signed tree head at size " + treeSize + ": " + e.getMessage(), e);
        }
    }

    /** Records in the log (highest seq + 1, 0 when empty). */
    public long size() {
        return queryLong("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_leaf");
    }

    /** Whether any record carries a record MAC (the log was written, at least in part, with one). */
    public boolean anyRecordMac() {
        return queryLong("SELECT COUNT(*) FROM (SELECT seq FROM ledger_leaf WHERE mac IS NOT NULL LIMIT 1) m") > 0;
    }

    private long queryLong(String sql) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new LedgerException("cannot read the ledger (" + sql + "): " + e.getMessage(), e);
        }
    }

    public Optional<Long> seqOf(String recordId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT MIN(seq) FROM ledger_leaf WHERE record_id = ?")) {
            ps.setString(1, recordId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(v);
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot look up record " + recordId + ": " + e.getMessage(), e);
        }
    }

    static SignedTreeHead head(ResultSet rs) throws SQLException {
        return new SignedTreeHead(
                rs.getLong(1),
                rs.getString(2),
                rs.getObject(3, OffsetDateTime.class).toInstant(),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6));
    }
}
