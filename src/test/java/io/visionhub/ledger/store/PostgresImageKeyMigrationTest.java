package io.visionhub.ledger.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcTemplate;

/** V73 on the real PostgreSQL (127.0.0.1:5432, db test): the SQL function there computes what ImageKey.of does. */
class PostgresImageKeyMigrationTest extends ImageKeyMigrationTest {

    private final String schema = LedgerTestSupport.uniqueSchema();

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(
                LedgerTestSupport.postgresAvailable(),
                "no PostgreSQL on " + LedgerTestSupport.PG_URL + " (user postgres): PostgreSQL V73 tests skipped");
    }

    @Override
    protected HikariConfig emptyDatabase(Path dir) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(LedgerTestSupport.PG_URL);
        cfg.setUsername("postgres");
        cfg.setPassword("");
        cfg.setSchema(schema);
        return cfg;
    }

    @Override
    protected HikariDataSource migratedDatabase(Path dir) {
        return LedgerTestSupport.postgres(schema);
    }

    @Override
    protected void dropDatabase(HikariDataSource ds) {
        LedgerTestSupport.dropSchema(ds, schema);
    }

    @Override
    protected Map<String, String> indexes(JdbcTemplate jdbc) {
        Map<String, String> out = new TreeMap<>();
        jdbc.query(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inspection' "
                        + "AND schemaname = current_schema()",
                rs -> {
                    out.put(rs.getString(1), rs.getString(2));
                });
        return out;
    }
}
