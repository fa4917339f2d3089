package io.visionhub.ledger.store;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Flyway V2: the database itself refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the ledger tables.
 * PostgreSQL: a PL/pgSQL trigger function; H2: a Java trigger ({@link H2AppendOnlyTrigger}). The outbox is not
 * protected: the enterprise connector updates its status. Later ledger tables are added by {@link #protect}.
 */
public class AppendOnlyMigration implements JavaMigration {

    /** Ledger tables protected by V2. */
    public static final List<String> TABLES = List.of("ledger_leaf", "ledger_tree_head", "inspection",
            "inspection_defect");

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("2");
    }

    @Override
    public String getDescription() {
        return "ledger tables append-only";
    }

    @Override
    public Integer getChecksum() {
        return 2_001;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        protect(context.getConnection(), TABLES);
    }

    /** Installs the append-only triggers on these tables (PostgreSQL or H2). */
    public static void protect(Connection c, List<String> tables) throws SQLException {
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        try (Statement st = c.createStatement()) {
            if (postgres) {
                st.execute("CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$ BEGIN "
                        + "RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP "
                        + "USING ERRCODE = 'insufficient_privilege'; END $$ LANGUAGE plpgsql");
            }
            for (String t : tables) {
                if (postgres) {
                    st.execute("CREATE TRIGGER " + t + "_append_only BEFORE UPDATE OR DELETE ON " + t
                            + " FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()");
                    st.execute("CREATE TRIGGER " + t + "_no_truncate BEFORE TRUNCATE ON " + t
                            + " FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()");
                } else {
                    st.execute("CREATE TRIGGER " + t + "_append_only BEFORE UPDATE, DELETE ON " + t
                            + " FOR EACH ROW CALL '" + H2AppendOnlyTrigger.class.getName() + "'");
                }
            }
        }
    }
}
