package io.visionhub.ledger;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the connection pool (Hikari, {@code spring.datasource.hikari.exception-override-class-name}) to drop a
 * connection of an embedded H2 database that H2 itself has closed. On a write error ("No space left on device")
 * H2 closes the whole database and every session in the pool answers "The database has been closed" for ever;
 * Hikari keeps such connections (their SQL states are not its "08" connection errors), so the hub stayed broken
 * until a restart. Evicted, the next connection opens the database file again, as a restart would, once the disk
 * has space. Other databases' errors (PostgreSQL) keep Hikari's own rules.
 */
public class H2ClosedDatabaseEviction implements SQLExceptionOverride {

    /**
     * H2's ErrorCode: DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN, IO_EXCEPTION_1, IO_EXCEPTION_2,
     * NO_DISK_SPACE_AVAILABLE, FILE_CORRUPTED_1 (a half-written page read back on a closed store).
     */
    static final Set<Integer> CLOSED_OR_IO = Set.of(90098, 90121, 90028, 90031, 90100, 90030);

    @java.lang.Override // (the interface names its verdicts "Override" too)
    public Override adjudicate(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (isH2(s) && CLOSED_OR_IO.contains(s.getErrorCode())) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }

    private static boolean isH2(SQLException s) {
        // H2's JdbcSQLException classes; a PostgreSQL error with the same number must not match
        return s.getClass().getName().startsWith("org.h2.");
    }
}
