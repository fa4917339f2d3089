package io.visionhub.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.LedgerWrite;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The database refuses UPDATE/DELETE (and TRUNCATE on PostgreSQL) on ledger tables; the outbox stays writable. */
class AppendOnlyProtectionTest {

    @TempDir
    Path dir;

    @Test
    void postgresRefusesUpdateDeleteAndTruncateOnLedgerTablesButNotOnTheOutbox() {
        Assumptions.assumeTrue(
                LedgerTestSupport.postgresAvailable(),
                "no PostgreSQL on " + LedgerTestSupport.PG_URL + ": PostgreSQL protection test skipped");
        String schema = LedgerTestSupport.uniqueSchema();
        HikariDataSource ds = LedgerTestSupport.postgres(schema);
        try {
            exercise(ds, true);
        } finally {
            LedgerTestSupport.dropSchema(ds, schema);
            ds.close();
        }
    }

    @Test
    void h2RefusesUpdateAndDeleteOnLedgerTablesButNotOnTheOutbox() {
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            exercise(ds, false);
        }
    }

    private void exercise(HikariDataSource ds, boolean postgres) {
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir));
        InspectionEvent e = LedgerTestSupport.event();
        try {
            ledger.append(e, List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id())));
            ledger.append(new LedgerWrite(
                    "DISPOSITION",
                    "d-1",
                    "{}",
                    List.of(LedgerWrite.SqlRow.of(
                            "INSERT INTO disposition (id, ledger_seq, target_type, "
                                    + "target_id, target_hash, target_count, disposition, reason, meaning, user_name, "
                                    + "printed_name, signed_at, signature_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            "d-1",
                            LedgerWrite.SqlRow.SEQUENCE,
                            "INSPECTION",
                            e.id(),
                            "ab",
                            1,
                            "ACCEPT",
                            "r",
                            "m",
                            "u",
                            "U",
                            OffsetDateTime.now(),
                            "cd"))));
            ledger.signNow();
        } finally {
            ledger.close();
        }
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        for (String t : AppendOnlyMigration.TABLES) {
            // the refusal names the table, also where a later migration altered it (H2 rebuilds such a table as a
            // copy named t_COPY_..., and the trigger was set up on the copy)
            assertThat(refusal(jdbc, "DELETE FROM " + t))
                    .as("DELETE on %s", t)
                    .containsIgnoringCase("ledger table " + t + " is append-only");
            if (postgres) {
                assertThat(refusal(jdbc, "TRUNCATE " + t + " CASCADE"))
                        .as("TRUNCATE on %s", t)
                        .contains("append-only");
            }
        }
        assertThat(refusal(jdbc, "UPDATE inspection SET result = 'OK'")).contains("append-only");
        assertThat(refusal(jdbc, "UPDATE ledger_leaf SET entry = 'x'")).contains("append-only");
        assertThat(refusal(jdbc, "UPDATE ledger_tree_head SET root_hash = 'x'")).contains("append-only");
        assertThat(jdbc.update(
                        "UPDATE outbox SET status = 'DELIVERED', attempts = 1, updated_at = CURRENT_TIMESTAMP "
                                + "WHERE inspection_id = ?",
                        e.id()))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(2);
    }

    /** The database's own message for a refused statement. */
    private static String refusal(JdbcTemplate jdbc, String sql) {
        try {
            jdbc.execute(sql);
        } catch (DataAccessException e) {
            return e.getMostSpecificCause().getMessage();
        }
        throw new AssertionError(sql + " was not refused");
    }
}
