package io.visionhub.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Which database holds the hub's tables, read from the JDBC driver's product name: the one place that tells H2 from
 * PostgreSQL for the SQL that differs between them (triggers, sequence caches, clock functions, string order).
 */
public enum DatabaseKind {
    H2,
    POSTGRESQL,
    /** neither: the hub's migrations and queries are written for H2 and PostgreSQL only */
    OTHER;

    /** The kind of database this connection is to. */
    public static DatabaseKind of(Connection c) throws SQLException {
        return fromProductName(c.getMetaData().getDatabaseProductName());
    }

    /** The kind of database behind this template (borrows one connection). */
    public static DatabaseKind of(JdbcOperations jdbc) {
        return jdbc.execute((ConnectionCallback<DatabaseKind>) DatabaseKind::of);
    }

    /** From {@code DatabaseMetaData.getDatabaseProductName()}: "H2", "PostgreSQL"; anything else is OTHER. */
    static DatabaseKind fromProductName(String product) {
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("h2")) {
            return H2;
        }
        return p.contains("postgres") ? POSTGRESQL : OTHER;
    }
}
