package io.visionhub.ledger;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The database a ledger test writes its log to: an H2 file in the test's folder, or, for a test class marked
 * {@link OnPostgres}, a fresh schema on the test PostgreSQL (127.0.0.1:5432, db test) dropped again on close.
 * A storage test is written once against H2 and run on PostgreSQL by an empty subclass marked {@code @OnPostgres}.
 */
public final class LedgerDatabase {

    /** Runs the (inherited) tests of the marked class on PostgreSQL; skipped, not failed, where none answers. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @ExtendWith(PostgresRequired.class)
    public @interface OnPostgres {}

    private final boolean postgres;
    private String schema;

    private LedgerDatabase(boolean postgres) {
        this.postgres = postgres;
    }

    /** The database for this test class: PostgreSQL where it is marked {@link OnPostgres}, else H2. */
    public static LedgerDatabase of(Class<?> testClass) {
        return new LedgerDatabase(testClass.isAnnotationPresent(OnPostgres.class));
    }

    /** An empty, migrated ledger database. */
    public HikariDataSource open(Path dir) {
        if (!postgres) {
            return LedgerTestSupport.h2(dir);
        }
        schema = LedgerTestSupport.uniqueSchema();
        return LedgerTestSupport.postgres(schema);
    }

    /** Closes the pool; on PostgreSQL drops the schema {@link #open} made first. */
    public void close(HikariDataSource ds) {
        if (postgres) {
            LedgerTestSupport.dropSchema(ds, schema);
        }
        ds.close();
    }

    static final class PostgresRequired implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            Assumptions.assumeTrue(
                    LedgerTestSupport.postgresAvailable(),
                    "no PostgreSQL on " + LedgerTestSupport.PG_URL + " (user postgres): PostgreSQL tests skipped");
        }
    }
}
