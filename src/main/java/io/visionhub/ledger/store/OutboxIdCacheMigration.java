package io.visionhub.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Flyway V14, H2 only: the identity of {@code outbox.id} hands out {@value #CACHE} values per write of the sequence
 * instead of H2's default 32. H2 writes an identity sequence through a session of its own that it commits at once,
 * and on a file database that commit stores every changed page, the ledger writer's open group commit included: with
 * 32 the writer paid one extra store of all its B-trees per 32 outbox rows. Ids stay increasing in insert order (one
 * sequence for the whole H2 database); after a crash H2 goes on from the value it wrote last, so a gap of at most
 * {@value #CACHE} ids can appear, never a repeated id.
 * <p>
 * Not on PostgreSQL: there a sequence cache is per session, so two connections of the pool would hand out ids out of
 * insert order, and the outbox is read in id order (V57).
 */
public class OutboxIdCacheMigration implements JavaMigration {

    /** outbox ids H2 hands out per write of the identity sequence */
    public static final int CACHE = 1000;

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("14");
    }

    @Override
    public String getDescription() {
        return "outbox id identity cache on H2";
    }

    @Override
    public Integer getChecksum() {
        return 14_0000 + CACHE;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        if (DatabaseKind.of(c) != DatabaseKind.H2) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE outbox ALTER COLUMN id SET CACHE " + CACHE);
        }
    }
}
