package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.verify.Finding;
import io.visionhub.ledger.verify.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The inspection event is stored once, in its ledger record: inspection.event_json stays NULL and the view
 * inspection_event gives the exact canonical event back, also when its strings look like the entry's own markers.
 * Logs written before keep their copies (no migration rewrites an append-only row); one that differs is named. H2 here, PostgreSQL in
 * {@code PostgresInspectionEventStorageTest}.
 */
class InspectionEventStorageTest {

    final LedgerDatabase database = LedgerDatabase.of(getClass());

    @TempDir
    Path dir;

    LedgerFixture fx;
    JdbcTemplate jdbc;

    @BeforeEach
    void open() {
        fx = new LedgerFixture(dir, database.open(dir));
        jdbc = new JdbcTemplate(fx.ds);
    }

    @AfterEach
    void close() {
        fx.ledger.close();
        database.close(fx.ds);
    }

    /** An event whose part id carries the entry's markers, quotes and all, and a non-ASCII character. */
    private static InspectionEvent awkwardEvent() {
        InspectionEvent e = LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.NG, null);
        return e.withPartId("P-\"},\"recordId\":\"" + e.id() + "\",\"recordedAt\",\"event\":{ü");
    }

    @Test
    void theEventIsStoredOnlyInItsRecordAndTheViewGivesTheExactCanonicalEventBack() {
        InspectionEvent plain = LedgerTestSupport.event();
        InspectionEvent awkward = awkwardEvent();
        fx.ledger.append(plain, List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", "k-,\"event\":1")));
        fx.ledger.append(awkward, List.of());
        for (InspectionEvent e : List.of(plain, awkward)) {
            assertThat(jdbc.queryForObject("SELECT event_json FROM inspection WHERE id = ?", String.class, e.id()))
                    .isNull();
            assertThat(jdbc.queryForObject(
                            "SELECT event_json FROM inspection_event WHERE id = ?", String.class, e.id()))
                    .isEqualTo(CanonicalJson.write(e));
        }
        assertThat(jdbc.queryForObject(
                        "SELECT result FROM inspection_event WHERE part_id = ?", String.class, awkward.partId()))
                .isEqualTo("NG");
        VerificationReport r = fx.service.verify();
        assertThat(r.ok()).as(r.summary()).isTrue();
    }

    @Test
    void aCopyWrittenBeforeV13StaysAsItWasAndOneThatDiffersFromItsRecordIsNamed() throws Exception {
        InspectionEvent same = LedgerTestSupport.event();
        InspectionEvent changed = LedgerTestSupport.event();
        fx.ledger.append(same, List.of());
        fx.ledger.append(changed, List.of());
        fx.ledger.signNow();
        // the state of a log written before V13: each row carries a copy; one copy was edited since. No migration
        // rewrites these rows (the table is append-only): the view reads the copy, the verification compares it.
        LedgerTestSupport.removeProtection(fx.ds);
        jdbc.update("UPDATE inspection SET event_json = ? WHERE id = ?", CanonicalJson.write(same), same.id());
        String edited = CanonicalJson.write(changed).replace("\"NG\"", "\"OK\"");
        jdbc.update("UPDATE inspection SET event_json = ? WHERE id = ?", edited, changed.id());

        assertThat(jdbc.queryForObject("SELECT event_json FROM inspection_event WHERE id = ?", String.class, same.id()))
                .isEqualTo(CanonicalJson.write(same));
        Finding f = fx.service.verify().firstProblem();
        assertThat(f.toString()).startsWith("ALTERED seq 1").contains("inspection.event_json differs");
    }
}
