package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.verify.Finding;
import io.visionhub.ledger.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A ledger whose stored log was damaged below the append-only triggers (a deleted record, a cut tail, a recomputed
 * leaf hash) opens read-only instead of failing the start: it names the problem (health, refused appends), still
 * verifies and refuses new records, so nothing is signed on top of the damage. H2 here, PostgreSQL in the subclass.
 */
class LedgerReadOnlyStartTest {

    static final int RECORDS = 30;

    @TempDir
    Path dir;

    HikariDataSource ds;
    LedgerProperties props;
    JdbcTemplate jdbc;
    JdbcInspectionLedger reopened;

    /** The database under test: H2 here, PostgreSQL in the subclass marked {@code @OnPostgres}. */
    final LedgerDatabase database = LedgerDatabase.of(getClass());

    @BeforeEach
    void writeLog() {
        ds = database.open(dir);
        props = LedgerTestSupport.props(dir);
        jdbc = new JdbcTemplate(ds);
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        for (int i = 0; i < RECORDS; i++) {
            ledger.append(
                    LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.NG, null), List.of());
        }
        assertThat(ledger.signNow().treeSize()).isEqualTo(RECORDS);
        ledger.close();
        LedgerTestSupport.removeProtection(ds);
    }

    @AfterEach
    void close() {
        if (reopened != null) {
            reopened.close();
        }
        database.close(ds);
    }

    LedgerService service() {
        return new LedgerService(
                new JdbcLedgerReader(ds),
                reopened,
                LedgerTestSupport.signer(props),
                new HeadsFile(Path.of(props.heads().file())),
                () -> new FileImageStore(dir.resolve("images")),
                Clock.systemUTC());
    }

    void deleteRecord(long seq) {
        String id = jdbc.queryForObject("SELECT id FROM inspection WHERE ledger_seq = ?", String.class, seq);
        jdbc.update("DELETE FROM inspection_defect WHERE inspection_id = ?", id);
        jdbc.update("DELETE FROM inspection WHERE id = ?", id);
        jdbc.update("DELETE FROM ledger_leaf WHERE seq = ?", seq);
    }

    @Test
    void aDeletedRecordOpensTheLedgerReadOnlyWithVerificationNamingItAndAppendsRefused() {
        deleteRecord(5);

        reopened = LedgerTestSupport.ledger(ds, props); // threw "the log was altered" before: the hub did not start

        JdbcInspectionLedger.ReadOnly ro = reopened.readOnly();
        assertThat(ro).isNotNull();
        assertThat(ro.problem().kind()).isEqualTo(Finding.Kind.DELETED);
        assertThat(ro.problem().seq()).isEqualTo(5);
        assertThat(ro.problem().message()).contains("no record 5", "next stored record is seq 6");

        Health health = new LedgerHealthIndicator(reopened).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails())
                .containsEntry("mode", "read-only")
                .containsEntry("problem", "DELETED")
                .containsEntry("seq", 5L)
                .containsKey("action");
        assertThat((String) health.getDetails().get("reason")).contains("no record 5");

        VerificationReport report = service().verify();
        assertThat(report.ok()).isFalse();
        assertThat(report.firstProblem().kind()).isEqualTo(Finding.Kind.DELETED);
        assertThat(report.firstProblem().seq()).isEqualTo(5);

        long leaves = jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class);
        assertThatThrownBy(() -> reopened.append(LedgerTestSupport.event(), List.of()))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("read-only")
                .hasMessageContaining("DELETED seq 5")
                .hasMessageContaining("/api/ledger/verify");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(leaves);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM ledger_tree_head WHERE tree_size > ?", Long.class, RECORDS))
                .isZero();
        // reading a deleted record names it instead of failing with an index error
        assertThatThrownBy(() -> service().leaf(5))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("record 5 is missing");
    }

    @Test
    void aCutTailOpensTheLedgerReadOnly() {
        for (long seq = RECORDS - 1; seq >= 25; seq--) {
            deleteRecord(seq);
        }
        reopened = LedgerTestSupport.ledger(ds, props);
        assertThat(reopened.readOnly().problem().kind()).isEqualTo(Finding.Kind.TRUNCATED);
        assertThat(reopened.readOnly().problem().seq()).isEqualTo(25);
        assertThat(reopened.readOnly().problem().message()).contains("25..29");
        assertThatThrownBy(() -> reopened.append(LedgerTestSupport.event(), List.of()))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("TRUNCATED seq 25");
    }

    @Test
    void aRecomputedLeafHashOpensTheLedgerReadOnly() {
        String entry = jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = 14", String.class);
        String forged = entry.replace("\"result\":\"NG\"", "\"result\":\"OK\"");
        jdbc.update(
                "UPDATE ledger_leaf SET entry = ?, leaf_hash = ? WHERE seq = 14",
                forged,
                MerkleHash.hex(MerkleHash.leaf(forged.getBytes(StandardCharsets.UTF_8))));
        reopened = LedgerTestSupport.ledger(ds, props);
        assertThat(reopened.readOnly().problem().kind()).isEqualTo(Finding.Kind.REWRITTEN);
        assertThat(reopened.readOnly().problem().message()).contains("seq 0..29");
    }

    @Test
    void anIntactLogReopensReadWriteAndKeepsAppending() {
        reopened = LedgerTestSupport.ledger(ds, props);
        assertThat(reopened.readOnly()).isNull();
        assertThat(new LedgerHealthIndicator(reopened).health().getStatus()).isEqualTo(Status.UP);
        assertThat(reopened.append(LedgerTestSupport.event(), List.of()).sequence())
                .isEqualTo(RECORDS);
    }
}
