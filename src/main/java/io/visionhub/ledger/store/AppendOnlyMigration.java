package io.visionhub.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Flyway V2: the database itself refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the ledger tables.
 * PostgreSQL: a PL/pgSQL trigger function; H2: a Java trigger ({@link H2AppendOnlyTrigger}). The outbox is not
 * protected: the enterprise connector updates its status. Later ledger tables are added by {@link #protect}.
 */
public class AppendOnlyMigration implements JavaMigration {

    /** Every ledger table protected by V2 and V4 (V12 protects ledger_node, {@link MerkleNodeBackfill}). */
    public static final List<String> TABLES =
            List.of("ledger_leaf", "ledger_tree_head", "inspection", "inspection_defect", "disposition");

    private final String version;
    private final List<String> tables;

    private AppendOnlyMigration(String version, List<String> tables) {
        this.version = version;
        this.tables = tables;
    }

    /** V2: the tables of V1. */
    public static AppendOnlyMigration v2() {
        return new AppendOnlyMigration(
                "2", List.of("ledger_leaf", "ledger_tree_head", "inspection", "inspection_defect"));
    }

    /** V4: the disposition table of V3. */
    public static AppendOnlyMigration v4() {
        return new AppendOnlyMigration("4", List.of("disposition"));
    }

    /** V56: the non-conformance register of V55 (quality concern: ncr, ncr_item, ncr_close). */
    public static AppendOnlyMigration v56() {
        return new AppendOnlyMigration("56", List.of("ncr", "ncr_item", "ncr_close"));
    }

    /** V71: the model registry of V70 (vision concern: model_version, model_approval, model_promotion). */
    public static AppendOnlyMigration v71() {
        return new AppendOnlyMigration("71", List.of("model_version", "model_approval", "model_promotion"));
    }

    public static JavaMigration[] all() {
        return new JavaMigration[] {
            v2(), v4(), new MerkleNodeBackfill(), new OutboxIdCacheMigration(), v56(), v71(), new ImageKeyMigration()
        };
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(version);
    }

    @Override
    public String getDescription() {
        return "ledger tables append-only: " + String.join(", ", tables);
    }

    @Override
    public Integer getChecksum() {
        return String.join(",", tables).hashCode();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        protect(context.getConnection(), tables);
    }

    /** Installs the append-only triggers on these tables (PostgreSQL or H2). */
    public static void protect(Connection c, List<String> tables) throws SQLException {
        boolean postgres = DatabaseKind.of(c) == DatabaseKind.POSTGRESQL;
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
