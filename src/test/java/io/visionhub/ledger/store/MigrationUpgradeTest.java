package io.visionhub.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A database made before V5 (at V30 already) takes V5 on upgrade: each concern owns a range of versions, so a
 * later ledger migration has a lower number than what the database has seen (spring.flyway.out-of-order).
 */
class MigrationUpgradeTest {

    @TempDir
    Path dir;

    private static Flyway flyway(HikariDataSource ds, boolean outOfOrder) {
        return Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .javaMigrations(AppendOnlyMigration.all())
                .outOfOrder(outOfOrder)
                .load();
    }

    private static List<String> v1Indexes(JdbcTemplate jdbc) {
        return jdbc.queryForList(
                "SELECT index_name FROM information_schema.indexes WHERE table_name = 'inspection' "
                        + "AND index_name IN ('ix_inspection_order', 'ix_inspection_batch', 'ix_inspection_capture', "
                        + "'ix_inspection_line_capture')",
                String.class);
    }

    @Test
    void aDatabaseFromBeforeV5GetsItOnUpgradeOnlyOutOfOrder() {
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) { // migrated to the latest version
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            assertThat(v1Indexes(jdbc)).isEmpty();
            // the state of a hub installed before V5: its four indexes exist and V5 is not in the history
            jdbc.execute("CREATE INDEX ix_inspection_order ON inspection (production_order)");
            jdbc.execute("CREATE INDEX ix_inspection_batch ON inspection (batch)");
            jdbc.execute("CREATE INDEX ix_inspection_capture ON inspection (capture_time)");
            jdbc.execute("CREATE INDEX ix_inspection_line_capture ON inspection (line, capture_time)");
            jdbc.update("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '5'");

            assertThatThrownBy(() -> flyway(ds, false).migrate())
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("5");

            assertThat(flyway(ds, true).migrate().migrationsExecuted).isEqualTo(1);
            assertThat(v1Indexes(jdbc)).isEmpty();
            assertThat(jdbc.queryForObject(
                            "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '5' "
                                    + "AND \"success\"",
                            Long.class))
                    .isEqualTo(1);
        }
    }
}
