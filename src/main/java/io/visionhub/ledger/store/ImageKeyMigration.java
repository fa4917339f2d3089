package io.visionhub.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Flyway V73: the inspection table indexes its image hashes by {@link ImageKey} (8 bytes) instead of the hashes (64
 * characters), in the columns {@code image_key} and {@code annotated_key}. The rows already written get their keys
 * from the database while the columns are added (generated columns, no UPDATE of the append-only table; each database
 * computes what {@link ImageKey#of} does in its own SQL, no function of the hub's is stored in the database); from
 * then on the ledger writer fills them ({@code InspectionRecord}) and the verifier checks them against the recorded
 * event's hashes.
 * <p>
 * Adding a generated column rewrites the table: on a large database this migration takes a while (minutes for tens
 * of millions of inspections) once, at the first start of this version.
 */
public class ImageKeyMigration implements JavaMigration {

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("73");
    }

    @Override
    public String getDescription() {
        return "inspection image hashes indexed by a 64-bit key";
    }

    @Override
    public Integer getChecksum() {
        return 73_0001;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    /** PostgreSQL: the first 15 hex digits read as 60 bits (immutable, as a generated column must be). */
    static String postgresKey(String hash) {
        return "CASE WHEN " + hash + " ~ '^[0-9a-f]{" + ImageKey.DIGITS + "}' THEN ('x' || substr(" + hash + ", 1, "
                + ImageKey.DIGITS + "))::bit(" + 4 * ImageKey.DIGITS + ")::bigint END";
    }

    /**
     * H2, with built-in functions only (a Java alias would make the database unreadable to any tool without the
     * hub's classes): each of the first 15 digits is its position in "0123456789abcdef", summed in Horner's way.
     */
    static String h2Key(String hash) {
        StringBuilder sum = new StringBuilder("CAST(0 AS BIGINT)");
        for (int i = 1; i <= ImageKey.DIGITS; i++) {
            sum.insert(0, "(")
                    .append(" * 16 + LOCATE(SUBSTRING(")
                    .append(hash)
                    .append(", ")
                    .append(i)
                    .append(", 1), '0123456789abcdef') - 1)");
        }
        return "CASE WHEN REGEXP_LIKE(" + hash + ", '^[0-9a-f]{" + ImageKey.DIGITS + "}') THEN " + sum + " END";
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean postgres = DatabaseKind.of(c) == DatabaseKind.POSTGRESQL;
        try (Statement st = c.createStatement()) {
            for (String column : List.of("image_key", "annotated_key")) {
                String hash = column.replace("_key", "_sha256");
                String key = postgres ? postgresKey(hash) : h2Key(hash);
                // generated while it is added (the rows already written get their keys without an UPDATE of the
                // append-only table), then an ordinary column that the ledger writer fills (ImageKey.of): computed
                // by the database on each insert, the key cost more CPU than it saved
                st.execute("ALTER TABLE inspection ADD COLUMN " + column + " BIGINT GENERATED ALWAYS AS (" + key + ")"
                        + (postgres ? " STORED" : ""));
                st.execute("ALTER TABLE inspection ALTER COLUMN " + column + " DROP EXPRESSION");
            }
            // H2 adds the columns by copying the table; the append-only trigger comes along and names the table,
            // not the copy (H2AppendOnlyTrigger)
            st.execute("DROP INDEX ix_inspection_image_sha");
            st.execute("DROP INDEX ix_inspection_annotated_sha");
            st.execute("CREATE INDEX ix_inspection_image_key ON inspection (image_key)");
            st.execute("CREATE INDEX ix_inspection_annotated_key ON inspection (annotated_key)");
        }
    }
}
