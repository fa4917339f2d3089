package io.visionhub.images.retention;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The same retention cases on the real PostgreSQL (127.0.0.1:5432, db test), one fresh schema per test. */
class PostgresImagePrunerTest extends ImagePrunerTest {

    private String schema;
    private HikariDataSource ds;

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(
                LedgerTestSupport.postgresAvailable(),
                "no PostgreSQL on " + LedgerTestSupport.PG_URL
                        + " (user postgres): PostgreSQL retention tests skipped");
    }

    @Override
    protected HikariDataSource openDatabase(Path dir) {
        schema = LedgerTestSupport.uniqueSchema();
        ds = LedgerTestSupport.postgres(schema);
        return ds;
    }

    @Override
    protected void dropDatabase() {
        LedgerTestSupport.dropSchema(ds, schema);
    }
}
