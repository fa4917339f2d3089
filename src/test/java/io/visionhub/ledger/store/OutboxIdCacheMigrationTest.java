package io.visionhub.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * V14: on H2 the outbox id identity writes its sequence once per 1,000 ids (each write was an extra store of the whole
 * database in the middle of the ledger writer's group commit), and its ids still follow the insert order across
 * commits and a restart. PostgreSQL keeps one id per sequence call (its caches are per session).
 */
class OutboxIdCacheMigrationTest {

    @TempDir
    Path dir;

    private static long identityCache(JdbcTemplate jdbc) {
        return Long.parseLong(jdbc.queryForObject(
                "SELECT identity_cache FROM information_schema.columns WHERE table_name = 'outbox' "
                        + "AND column_name = 'id'",
                String.class));
    }

    private List<Long> appendWithOutboxRows(HikariDataSource ds, int records) {
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir));
        try {
            for (int i = 0; i < records; i++) {
                InspectionEvent e = LedgerTestSupport.event();
                ledger.append(e, List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id())));
            }
        } finally {
            ledger.close();
        }
        return new JdbcTemplate(ds)
                .queryForList(
                        "SELECT o.id FROM outbox o JOIN inspection i ON i.id = o.inspection_id "
                                + "ORDER BY i.ledger_seq",
                        Long.class);
    }

    @Test
    void h2HandsOutOutboxIdsFromACacheInInsertOrderAcrossARestart() {
        List<Long> ids = new ArrayList<>();
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            assertThat(identityCache(new JdbcTemplate(ds))).isEqualTo(OutboxIdCacheMigration.CACHE);
            ids.addAll(appendWithOutboxRows(ds, 40)); // more than H2's former cache of 32
        }
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) { // the database closed and opened again
            ids = appendWithOutboxRows(ds, 5);
        }

        assertThat(ids).hasSize(45).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void postgresKeepsItsSequenceUncached() {
        assumeTrue(LedgerTestSupport.postgresAvailable(), "no PostgreSQL on " + LedgerTestSupport.PG_URL);
        String schema = LedgerTestSupport.uniqueSchema();
        HikariDataSource ds = LedgerTestSupport.postgres(schema);
        try {
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            assertThat(jdbc.queryForObject(
                            "SELECT cache_size FROM pg_sequences WHERE schemaname = ? AND sequencename LIKE 'outbox_id%'",
                            Long.class, schema))
                    .isEqualTo(1L);
        } finally {
            LedgerTestSupport.dropSchema(ds, schema);
            ds.close();
        }
    }
}
