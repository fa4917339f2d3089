package io.visionhub.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The one place that tells H2 from PostgreSQL: the drivers' product names, and real databases of each kind. */
class DatabaseKindTest {

    @TempDir
    Path dir;

    @Test
    void productNamesOfTheDriversAndOthers() {
        assertThat(DatabaseKind.fromProductName("H2")).isEqualTo(DatabaseKind.H2);
        assertThat(DatabaseKind.fromProductName("PostgreSQL")).isEqualTo(DatabaseKind.POSTGRESQL);
        assertThat(DatabaseKind.fromProductName("MySQL")).isEqualTo(DatabaseKind.OTHER);
        assertThat(DatabaseKind.fromProductName(null)).isEqualTo(DatabaseKind.OTHER);
    }

    @Test
    void anH2FileDatabaseIsH2() {
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            assertThat(DatabaseKind.of(new JdbcTemplate(ds))).isEqualTo(DatabaseKind.H2);
        }
    }

    @Test
    void theTestPostgresIsPostgres() {
        assumeTrue(LedgerTestSupport.postgresAvailable(), "no PostgreSQL on " + LedgerTestSupport.PG_URL);
        String schema = LedgerTestSupport.uniqueSchema();
        HikariDataSource ds = LedgerTestSupport.postgres(schema);
        try {
            assertThat(DatabaseKind.of(new JdbcTemplate(ds))).isEqualTo(DatabaseKind.POSTGRESQL);
        } finally {
            LedgerTestSupport.dropSchema(ds, schema);
            ds.close();
        }
    }
}
