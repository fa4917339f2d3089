package io.visionhub.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.InspectionRecord;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.StoredTree;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A log written before V11 (no stored Merkle nodes, the event copied into inspection.event_json) upgraded by Flyway:
 * V12 stores the nodes of its records, the copies stay as written (no migration rewrites an append-only row), and
 * proofs and the view work on it.
 */
class LedgerUpgradeTest {

    @TempDir
    Path dir;

    private static Flyway flyway(HikariDataSource ds, String target) {
        var c = Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .javaMigrations(AppendOnlyMigration.all())
                .outOfOrder(true);
        return (target == null ? c : c.target(target)).load();
    }

    @Test
    void aLogFromBeforeV11GetsItsMerkleNodesAndKeepsItsEventCopiesOnUpgrade() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(LedgerTestSupport.h2Url(dir));
        cfg.setUsername("sa");
        cfg.setPassword("");
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            flyway(ds, "10").migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            List<byte[]> leaves = new ArrayList<>();
            List<InspectionEvent> events = new ArrayList<>();
            for (int seq = 0; seq < 50; seq++) { // as the writer before V11 stored them
                InspectionEvent e = LedgerTestSupport.event();
                LedgerWrite w = InspectionRecord.toWrite(e, List.of(), Instant.now());
                String entry = LedgerWrite.entry(seq, w.type(), w.recordId(), "2026-12-01T00:00:00Z", w.body());
                byte[] leaf = MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8));
                jdbc.update(
                        "INSERT INTO ledger_leaf (seq, record_type, record_id, leaf_hash, entry, recorded_at) "
                                + "VALUES (?,?,?,?,?,?)",
                        seq,
                        w.type(),
                        w.recordId(),
                        MerkleHash.hex(leaf),
                        entry,
                        OffsetDateTime.now());
                jdbc.update(
                        "INSERT INTO inspection (id, ledger_seq, station, result, event_json) VALUES (?,?,?,?,?)",
                        e.id(),
                        seq,
                        e.station(),
                        e.result().name(),
                        CanonicalJson.write(e));
                leaves.add(leaf);
                events.add(e);
            }

            assertThat(flyway(ds, null).migrate().migrationsExecuted).isGreaterThanOrEqualTo(4);

            // 50 leaves: subtrees of 16 (3) and 32 (1)
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_node", Long.class))
                    .isEqualTo(4);
            StoredTree tree = new StoredTree(ds);
            MerkleTree full = new MerkleTree(leaves);
            for (int n : List.of(1, 16, 33, 50)) {
                assertThat(MerkleHash.hex(tree.root(n))).isEqualTo(MerkleHash.hex(full.rootOf(0, n)));
                assertThat(tree.inclusionProof(n - 1, n).path().stream().map(MerkleHash::hex))
                        .containsExactlyElementsOf(full.inclusionProof(n - 1, n).stream()
                                .map(MerkleHash::hex)
                                .toList());
            }
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inspection WHERE event_json IS NOT NULL", Long.class))
                    .isEqualTo(50);
            for (InspectionEvent e : events) {
                assertThat(jdbc.queryForObject(
                                "SELECT event_json FROM inspection_event WHERE id = ?", String.class, e.id()))
                        .isEqualTo(CanonicalJson.write(e));
            }
            // both tables stay append-only after the upgrade
            assertThat(refused(jdbc, "UPDATE inspection SET result = 'OK'")).isTrue();
            assertThat(refused(jdbc, "DELETE FROM ledger_node")).isTrue();
        }
    }

    private static boolean refused(JdbcTemplate jdbc, String sql) {
        try {
            jdbc.update(sql);
            return false;
        } catch (org.springframework.dao.DataAccessException e) {
            return e.getMostSpecificCause().getMessage().contains("append-only");
        }
    }
}
