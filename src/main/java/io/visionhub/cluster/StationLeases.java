package io.visionhub.cluster;

import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.store.DatabaseKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The station leases in the database (table {@code station_lease}, Flyway V60): the system of record of which node
 * inspects which station. Times are epoch milliseconds on the database's clock ({@code clock_timestamp()} on
 * PostgreSQL), so the nodes' clocks play no part. A lease taken over by another node gets a higher fencing token; the
 * ledger append of a station carries {@link #fenceRow} so that a node whose lease ended cannot record for it.
 */
public class StationLeases {

    /** One lease as stored. */
    public record Lease(String station, String owner, long token, long expiresAt, long acquiredAt) {}

    private final DataSource dataSource;
    private volatile String now;

    public StationLeases(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The database's current time in epoch milliseconds, as SQL (PostgreSQL: the wall clock, not the transaction start). */
    String now() throws SQLException {
        String n = now;
        if (n == null) {
            try (Connection c = dataSource.getConnection()) {
                n = now(c);
            }
            now = n;
        }
        return n;
    }

    static String now(Connection c) throws SQLException {
        return DatabaseKind.of(c) == DatabaseKind.H2
                ? "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)"
                : "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
    }

    static boolean postgres(Connection c) throws SQLException {
        return DatabaseKind.of(c) == DatabaseKind.POSTGRESQL;
    }

    /**
     * Takes the lease of a station for {@code ttl} when nobody holds it (no row, or the holder's lease ended);
     * returns the new fencing token, or empty when another node holds it.
     */
    public OptionalLong acquire(String station, String node, Duration ttl) throws SQLException {
        String n = now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long token;
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE station_lease SET owner = ?, token = token + 1, expires_at = " + n
                                + " + ?, " + "acquired_at = " + n + " WHERE station = ? AND expires_at <= " + n)) {
                    ps.setString(1, node);
                    ps.setLong(2, ttl.toMillis());
                    ps.setString(3, station);
                    if (ps.executeUpdate() == 1) {
                        token = token(c, station, node);
                    } else if (insert(c, station, node, ttl, n)) {
                        token = 1;
                    } else {
                        c.rollback();
                        return OptionalLong.empty();
                    }
                }
                c.commit();
                return OptionalLong.of(token);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static boolean insert(Connection c, String station, String node, Duration ttl, String n)
            throws SQLException {
        // no row yet: the first node creates it (a concurrent creator makes this insert insert nothing)
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO station_lease (station, owner, token, expires_at, "
                + "acquired_at) SELECT ?, ?, 1, " + n + " + ?, " + n + " WHERE NOT EXISTS (SELECT 1 FROM "
                + "station_lease WHERE station = ?)" + (postgres(c) ? " ON CONFLICT (station) DO NOTHING" : ""))) {
            ps.setString(1, station);
            ps.setString(2, node);
            ps.setLong(3, ttl.toMillis());
            ps.setString(4, station);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false; // H2: another node created it between the check and the insert
            }
            throw e;
        }
    }

    private static long token(Connection c, String station, String node) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT token FROM station_lease WHERE station = ? AND owner = ?")) {
            ps.setString(1, station);
            ps.setString(2, node);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("lease of station " + station + " vanished while taking it");
                }
                return rs.getLong(1);
            }
        }
    }

    /**
     * Extends a lease this node holds by {@code ttl} from now; false when it no longer holds it (ended, even if nobody
     * took it since: the node must then stop inspecting and take the lease anew, with a new token).
     */
    public boolean renew(String station, String node, long token, Duration ttl) throws SQLException {
        String n = now();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE station_lease SET expires_at = " + n + " + ? "
                        + "WHERE station = ? AND owner = ? AND token = ? AND expires_at > " + n)) {
            ps.setLong(1, ttl.toMillis());
            ps.setString(2, station);
            ps.setString(3, node);
            ps.setLong(4, token);
            return ps.executeUpdate() == 1;
        }
    }

    /** Ends a lease this node holds at once (hand-over to the node that should own the station, or shutdown). */
    public void release(String station, String node, long token) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE station_lease SET expires_at = 0 WHERE station = ? AND owner = ? AND token = ?")) {
            ps.setString(1, station);
            ps.setString(2, node);
            ps.setLong(3, token);
            ps.executeUpdate();
        }
    }

    /** Every lease as stored, by station. */
    public Map<String, Lease> all() throws SQLException {
        Map<String, Lease> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT station, owner, token, expires_at, acquired_at FROM station_lease ORDER BY station");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        rs.getString(1),
                        new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        return out;
    }

    /**
     * The row that fences a ledger append: inserted in the ledger's own transaction, it fails (NOT NULL) unless
     * {@code node} holds the station's lease with {@code token} and the lease has not ended. On PostgreSQL the
     * lease row is locked (FOR SHARE) until the ledger commits, so a takeover waits for the append to commit and
     * every record of the old token precedes every record of the new one.
     */
    public SqlRow fenceRow(String station, String node, long token) throws SQLException {
        String n = now();
        boolean lock = !n.contains("CURRENT_TIMESTAMP"); // PostgreSQL (H2 runs one node only)
        return SqlRow.of(
                "INSERT INTO station_append (ledger_seq, station, owner, token) VALUES (?, ?, ?, (SELECT l.token "
                        + "FROM station_lease l WHERE l.station = ? AND l.owner = ? AND l.token = ? AND l.expires_at > "
                        + n + (lock ? " FOR SHARE" : "") + "))",
                SqlRow.SEQUENCE,
                station,
                node,
                station,
                node,
                token);
    }
}
