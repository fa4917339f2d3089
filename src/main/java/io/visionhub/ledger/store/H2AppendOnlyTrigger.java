package io.visionhub.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.h2.api.Trigger;

/** H2 trigger that refuses UPDATE and DELETE on a ledger table (installed by {@link AppendOnlyMigration}). */
public class H2AppendOnlyTrigger implements Trigger {

    /**
     * The name H2 gives the copy of a table that an ALTER TABLE rebuilds (table_COPY_session_id): the copy takes the
     * table's name when the ALTER ends, but its trigger was set up with the copy's until the database is opened again.
     */
    private static final Pattern ALTER_COPY = Pattern.compile("_COPY_\\d+_\\d+$", Pattern.CASE_INSENSITIVE);

    private String table;

    @Override
    public void init(
            Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) {
        this.table = ALTER_COPY.matcher(tableName).replaceFirst("");
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        throw new SQLException(
                "ledger table " + table + " is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " refused",
                "42501");
    }
}
