package io.visionhub.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway V14: removes the copy of the event that inspections written before V13 kept in {@code inspection.event_json},
 * where it equals the event in the inspection's ledger record (the view {@code inspection_event} of V13 reads it from
 * there). A copy that differs from the record is kept: the verification names the row. The inspection table is
 * append-only (V2), so the append-only trigger is lifted for this one statement, in the migration's transaction on
 * PostgreSQL, and put back ({@link AppendOnlyMigration#protect}) on H2, whose DDL commits.
 */
public class InspectionEventDeduplication implements JavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(InspectionEventDeduplication.class);

    /** The event cut out of the inspection's ledger record, as the view inspection_event does it (V13). */
    static final String EVENT_FROM_ENTRY = "(SELECT CASE WHEN POSITION(',\"event\":' IN l.entry) > 0 "
            + "AND POSITION('},\"recordId\":\"' || inspection.id || '\",\"recordedAt\"' IN l.entry) "
            + "> POSITION(',\"event\":' IN l.entry) "
            + "THEN SUBSTRING(l.entry FROM POSITION(',\"event\":' IN l.entry) + 9 "
            + "FOR POSITION('},\"recordId\":\"' || inspection.id || '\",\"recordedAt\"' IN l.entry) "
            + "- POSITION(',\"event\":' IN l.entry) - 9) END "
            + "FROM ledger_leaf l WHERE l.seq = inspection.ledger_seq)";

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("14");
    }

    @Override
    public String getDescription() {
        return "inspection event stored once, in its ledger record";
    }

    @Override
    public Integer getChecksum() {
        return 14_0001;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        int removed = deduplicate(context.getConnection());
        if (removed > 0) {
            LOG.info("Ledger upgrade V14: {} inspections keep their event only in their ledger record", removed);
        }
    }

    /** Sets event_json NULL where it equals the event in the ledger record; returns how many rows. */
    public static int deduplicate(Connection c) throws SQLException {
        boolean postgres =
                c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        int removed;
        try (Statement st = c.createStatement()) {
            if (postgres) {
                st.execute("ALTER TABLE inspection DISABLE TRIGGER inspection_append_only");
            } else {
                st.execute("DROP TRIGGER IF EXISTS inspection_append_only");
            }
            removed = st.executeUpdate("UPDATE inspection SET event_json = NULL WHERE event_json IS NOT NULL "
                    + "AND event_json = " + EVENT_FROM_ENTRY);
            if (postgres) {
                st.execute("ALTER TABLE inspection ENABLE TRIGGER inspection_append_only");
            }
        }
        if (!postgres) {
            AppendOnlyMigration.protect(c, List.of("inspection"));
        }
        return removed;
    }
}
