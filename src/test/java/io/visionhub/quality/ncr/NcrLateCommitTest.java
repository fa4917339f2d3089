package io.visionhub.quality.ncr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.EventIds;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.DispositionService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * An NCR item whose ledger record commits only after its append timed out (a long writer backlog) keeps its number
 * and stays an item; the next part of the order and class takes the next number, with no unique-key violation. The
 * writer is stalled by another transaction holding item 2's key uncommitted (H2 makes the writer wait on that row
 * lock, up to its LOCK_TIMEOUT, far beyond this context's short append timeout). The same for an NCR_OPENED
 * (the writer waits on its ledger sequence number): the late NCR is the only one of its order and class. A closure
 * whose NCR_CLOSED commits late is answered 202 (pending, where to look), and once committed the NCR takes no more
 * items and a second closure is refused; a closure that finds the NCR's previous step undecided records nothing and
 * is answered 503 with Retry-After, as is one the busy register does not reach in time (withdrawn: it records nothing
 * when its turn comes). A REJECT whose disposition record commits late still opens its NCR.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:ncr-late-${random.uuid};MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;DEFAULT_LOCK_TIMEOUT=120000;"
                    // the session that creates the database keeps H2's 2 s: the writer on it would give up its wait
                    + "LOCK_TIMEOUT=120000",
            "visionhub.ledger.append-timeout=3s",
            "visionhub.routes.dir=target/ncr-test-no-routes",
            "visionhub.broker.enabled=false",
            "visionhub.mqtt.enabled=false",
            "visionhub.opcua.enabled=false",
            "visionhub.vision.demo-model.enabled=false",
            "visionhub.enterprise.sync.enabled=false",
            "visionhub.quality.ncr.targets=sap-qm",
            "visionhub.quality.ncr.threshold=1",
            "visionhub.quality.ncr.window=10m",
        })
@ActiveProfiles("isolated")
@DirtiesContext
class NcrLateCommitTest {

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    NcrService ncrs;

    @Autowired
    DataSource dataSource;

    @Autowired
    DispositionService dispositions;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    final Instant t0 = Instant.parse("2026-12-05T06:00:00Z");

    /** An NG part of this order and class, recorded and heard (as quality:inspection does after ledger:record). */
    InspectionEvent ng(String order, String defectClass, int second) throws Exception {
        return ng(order, defectClass, second, true);
    }

    InspectionEvent ng(String order, String defectClass, int second, boolean heard) throws Exception {
        InspectionEvent e = TestEvents.ng(EventIds.newId(), "station-1", defectClass, t0.plusSeconds(second), order);
        // committed before the register hears it, however busy the machine (the append timeout is not tested here)
        ledger.submit(e, List.of()).get(60, TimeUnit.SECONDS);
        if (heard) {
            ncrs.onInspection(e);
        }
        return e;
    }

    /**
     * Once this returns, the register has done its queued work and every record it submitted is committed (the writer
     * commits in order): a step that outlived the append timeout only because the machine is busy is decided before
     * the test stalls the writer on purpose, or reads what the step wrote.
     */
    void caughtUp() throws Exception {
        ncrs.flush();
        ledger.submit(new LedgerWrite("TEST_PROBE", UUID.randomUUID().toString(), "{}", List.of()))
                .get(60, TimeUnit.SECONDS);
    }

    @Test
    void anItemCommittedAfterItsAppendTimedOutKeepsItsNumberAndTheNextPartTakesTheNext() throws Exception {
        String order = "000009000001";
        InspectionEvent first = ng(order, "crack", 0);
        caughtUp();
        List<Ncr> opened = ncrs.repository().list(null, order, null, 10);
        assertThat(opened)
                .singleElement()
                .satisfies(n -> assertThat(n.itemCount()).isEqualTo(1));
        String id = opened.get(0).id();
        long failures = ncrs.failures();

        InspectionEvent second;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement(
                    "INSERT INTO ncr_item (ncr_id, item_no, ledger_seq, inspection_id, added_at) VALUES (?,?,?,?,?)")) {
                ps.setString(1, id);
                ps.setInt(2, 2);
                ps.setLong(3, Long.MAX_VALUE);
                ps.setString(4, "lock-holder");
                ps.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            second = ng(order, "crack", 10);
            ncrs.flush(); // the register waited its append timeout for item 2 (the writer waits on the lock)
            assertThat(ncrs.repository().items(id))
                    .as("item 2 not committed while the writer waits")
                    .hasSize(1);
            lock.rollback(); // the writer goes on: item 2 commits after its append timed out
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ncrs.repository().items(id)).hasSize(2));

        InspectionEvent third = ng(order, "crack", 20);
        ncrs.flush();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ncrs.repository().items(id))
                        .extracting(Ncr.Item::itemNo, Ncr.Item::inspectionId)
                        .containsExactly(tuple(1, first.id()), tuple(2, second.id()), tuple(3, third.id())));
        assertThat(ncrs.failures()).as("no refused item").isEqualTo(failures);
        assertThat(ncrs.repository().list(null, order, null, 10)).singleElement();
    }

    @Test
    void anNcrOpenedAfterItsAppendTimedOutIsTheOnlyNcrOfItsOrderAndClass() throws Exception {
        String order = "000009000002";
        InspectionEvent first = ng(order, "dent", 0, false);
        caughtUp(); // nothing else in flight: the held sequence number is the next record's
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            // the writer's next record (this part's NCR_OPENED) waits on its ledger sequence number
            try (PreparedStatement ps = lock.prepareStatement("INSERT INTO ledger_leaf (seq, record_type, record_id, "
                    + "leaf_hash, entry, recorded_at) VALUES (?,'LOCK','lock-holder','00','{}',?)")) {
                ps.setLong(1, ledger.size());
                ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            ncrs.onInspection(first);
            ncrs.flush(); // NCR_OPENED outlived its append timeout (and the wait for it before its first item)
            assertThat(ncrs.repository().list(null, order, null, 10)).isEmpty();
            lock.rollback(); // the writer goes on: the NCR commits late
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ncrs.repository().list(null, order, null, 10))
                        .hasSize(1));

        InspectionEvent second = ng(order, "dent", 10);
        caughtUp();
        List<Ncr> list = ncrs.repository().list(null, order, null, 10);
        assertThat(list).as("one NCR per order and class").singleElement();
        assertThat(ncrs.repository().items(list.get(0).id()))
                .extracting(Ncr.Item::inspectionId)
                .contains(second.id());
    }

    /** An uncommitted row that the writer's next insert of this key waits on (H2 row lock), until rolled back. */
    Connection holdRow(String sql, Object... args) throws Exception {
        Connection lock = dataSource.getConnection();
        lock.setAutoCommit(false);
        try (PreparedStatement ps = lock.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
        return lock;
    }

    HttpResponse<String> close(String id, String reason) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/quality/ncrs/" + id + "/close"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"" + reason
                                + "\",\"meaning\":\"APPROVED\",\"password\":\"quality-demo\"}"))
                        .header("Content-Type", "application/json")
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        "quality:quality-demo".getBytes(StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aClosureCommittedAfterItsAppendTimedOutIsAnsweredPendingAndTheClosedNcrTakesNoMoreParts() throws Exception {
        String order = "000009000003";
        InspectionEvent first = ng(order, "scratch", 0);
        caughtUp();
        String id = ncrs.repository().list(null, order, null, 10).get(0).id();

        HttpResponse<String> pending;
        try (Connection lock = holdRow(
                "INSERT INTO ncr_close (ncr_id, ledger_seq, user_name, printed_name, meaning, reason, closed_at) "
                        + "VALUES (?,?,'lock','lock','lock','lock-holder',?)",
                id,
                Long.MAX_VALUE,
                OffsetDateTime.now(ZoneOffset.UTC))) {
            pending = close(id, "die insert replaced"); // NCR_CLOSED waits on the lock past the append timeout
            assertThat(ncrs.repository().find(id).orElseThrow().closure())
                    .as("not committed while the writer waits")
                    .isNull();
            lock.rollback(); // the writer goes on: the closure commits after its append timed out
        }
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
        assertThat(pending.headers().firstValue("Location")).hasValue("/api/quality/ncrs/" + id);
        assertThat(pending.body())
                .contains("close_pending")
                .contains("may still commit")
                .contains("GET /api/quality/ncrs/" + id);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(
                                ncrs.repository().find(id).orElseThrow().status())
                        .isEqualTo(Ncr.CLOSED));

        HttpResponse<String> again = close(id, "closed twice");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.body()).contains("already_closed");

        // the next part of the order and class is no item of the closed NCR: the rule counts anew and opens another
        InspectionEvent later = ng(order, "scratch", 10);
        caughtUp();
        assertThat(ncrs.repository().items(id))
                .extracting(Ncr.Item::inspectionId)
                .containsExactly(first.id());
        List<Ncr> all = ncrs.repository().list(null, order, null, 10);
        assertThat(all).hasSize(2);
        Ncr second = all.stream().filter(n -> !n.id().equals(id)).findFirst().orElseThrow();
        assertThat(second.status()).isEqualTo(Ncr.OPEN);
        assertThat(ncrs.repository().items(second.id()))
                .extracting(Ncr.Item::inspectionId)
                .containsExactly(later.id());
        assertThat(ncrs.repository().find(id).orElseThrow().closure().reason()).isEqualTo("die insert replaced");
    }

    @Test
    void aClosureThatFindsThePreviousStepUndecidedRecordsNothingAndIsAnswered503() throws Exception {
        String order = "000009000004";
        ng(order, "burr", 0);
        caughtUp();
        String id = ncrs.repository().list(null, order, null, 10).get(0).id();

        HttpResponse<String> busy;
        try (Connection lock = holdRow(
                "INSERT INTO ncr_item (ncr_id, item_no, ledger_seq, inspection_id, added_at) VALUES (?,?,?,?,?)",
                id,
                2,
                Long.MAX_VALUE,
                "lock-holder",
                OffsetDateTime.now(ZoneOffset.UTC))) {
            ng(order, "burr", 10);
            ncrs.flush(); // item 2 is pending
            busy = close(id, "too early"); // waits another append timeout for item 2, which is still undecided
            lock.rollback();
        }
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).isPresent();
        assertThat(busy.body()).contains("not closed").contains("NCR_ITEM_ADDED " + id + "/2");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ncrs.repository().items(id)).hasSize(2));
        caughtUp();
        assertThat(ncrs.repository().find(id).orElseThrow().closure())
                .as("nothing recorded for the refused request")
                .isNull();

        HttpResponse<String> ok = close(id, "fixed");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ncrs.repository().find(id).orElseThrow().status()).isEqualTo(Ncr.CLOSED);
    }

    @Test
    void aClosureTheBusyRegisterDoesNotReachInTimeIsWithdrawnAndAnswered503() throws Exception {
        String busyOrder = "000009000006";
        String order = "000009000007";
        ng(busyOrder, "pore", 0);
        ng(order, "pore", 0);
        caughtUp();
        String busy = ncrs.repository().list(null, busyOrder, null, 10).get(0).id();
        String id = ncrs.repository().list(null, order, null, 10).get(0).id();

        HttpResponse<String> withdrawn;
        try (Connection lock = holdRow(
                "INSERT INTO ncr_item (ncr_id, item_no, ledger_seq, inspection_id, added_at) VALUES (?,?,?,?,?)",
                busy,
                2,
                Long.MAX_VALUE,
                "lock-holder",
                OffsetDateTime.now(ZoneOffset.UTC))) {
            ng(busyOrder, "pore", 10);
            ncrs.flush(); // item 2 of the busy NCR is pending
            for (int i = 0; i < 8; i++) {
                // heard only (the writer is stuck behind item 2): each waits an append timeout (3 s) for item 2 and
                // fails, 24 s of work queued before the closure
                ncrs.onInspection(
                        TestEvents.ng(EventIds.newId(), "station-1", "pore", t0.plusSeconds(20 + i), busyOrder));
            }
            withdrawn = close(id, "closed behind a backlog"); // waits 2 x 3 s + 5 s, its turn not yet come
            lock.rollback();
        }
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(503);
        assertThat(withdrawn.headers().firstValue("Retry-After")).isPresent();
        assertThat(withdrawn.body()).contains("register_busy").contains("nothing recorded");
        caughtUp(); // the withdrawn closure's turn has come and gone, the busy NCR's late items are committed
        assertThat(ncrs.repository().find(id).orElseThrow().closure())
                .as("the withdrawn closure records nothing when its turn comes")
                .isNull();

        HttpResponse<String> ok = close(id, "closed when the register is free");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ncrs.repository().find(id).orElseThrow().closure().reason())
                .isEqualTo("closed when the register is free");
    }

    @Test
    void aRejectWhoseDispositionCommitsAfterItsAppendTimedOutStillOpensItsNcr() throws Exception {
        String order = "000009000005";
        InspectionEvent part = ng(order, "void", 0, false); // recorded, not heard: the rule does not open its NCR
        caughtUp(); // nothing else in flight: the held sequence number is the next record's
        try (Connection lock = holdRow(
                "INSERT INTO ledger_leaf (seq, record_type, record_id, leaf_hash, entry, recorded_at) "
                        + "VALUES (?,'LOCK','lock-holder','00','{}',?)",
                ledger.size(),
                OffsetDateTime.now(ZoneOffset.UTC))) {
            assertThatThrownBy(() -> dispositions.sign(
                            "quality",
                            new DispositionRequest(
                                    "INSPECTION",
                                    part.id(),
                                    "REJECT",
                                    "void in the weld",
                                    "APPROVED",
                                    null,
                                    "quality-demo",
                                    null,
                                    null,
                                    null)))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageContaining("may still commit");
            lock.rollback(); // the disposition commits late
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ncrs.repository().list(null, order, null, 10))
                        .singleElement()
                        .satisfies(n -> assertThat(n.trigger()).isEqualTo("DISPOSITION")));
    }
}
