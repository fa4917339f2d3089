package io.visionhub.ledger.verify;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.LedgerTestSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;

/** The same tamper cases on the real PostgreSQL (127.0.0.1:5432, db test), one fresh schema per test. */
class PostgresLedgerTamperTest extends LedgerTamperTest {

    private String schema;

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(LedgerTestSupport.postgresAvailable(),
                "no PostgreSQL on " + LedgerTestSupport.PG_URL + " (user postgres): PostgreSQL tamper tests skipped");
    }

    @Override
    protected HikariDataSource openDatabase(Path dir) {
        schema = LedgerTestSupport.uniqueSchema();
        return LedgerTestSupport.postgres(schema);
    }

    @Override
    protected void closeDatabase(HikariDataSource ds) {
        LedgerTestSupport.dropSchema(ds, schema);
        ds.close();
    }
}
