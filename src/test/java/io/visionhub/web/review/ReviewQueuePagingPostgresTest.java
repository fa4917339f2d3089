package io.visionhub.web.review;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.LedgerTestSupport;

/**
 * {@link ReviewQueuePagingTest} on PostgreSQL (a fresh schema on 127.0.0.1:5432, migrated by Flyway, V59
 * included; dropped after). Skipped where PostgreSQL does not answer.
 */
class ReviewQueuePagingPostgresTest extends ReviewQueuePagingTest {

    private final String schema = LedgerTestSupport.uniqueSchema();

    @Override
    HikariDataSource open() {
        assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL not reachable on 127.0.0.1:5432");
        return LedgerTestSupport.postgres(schema);
    }

    @Override
    void close(HikariDataSource db) {
        if (db != null) {
            LedgerTestSupport.dropSchema(db, schema);
            db.close();
        }
    }
}
