package io.visionhub.quality.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.api.HubHttpClient;
import io.visionhub.event.EventJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.quality.spc.NelsonRule;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * A quality alarm whose QUALITY_ALARM record commits only after its append timed out (a long writer backlog): a raise
 * stays the alarm of its rule while it may still commit (the rule firing again raises no second alarm) and is shown
 * once it commits; an acknowledgement is answered 202 (pending) with the alarm as its Location (active while the
 * clear is undecided) and, once its clear committed, the alarm is cleared there too (a second acknowledgement is 409,
 * not a second clear); an acknowledgement that finds the previous clear undecided
 * records nothing and is answered 503 with Retry-After; a rule firing while its alarm's clear is undecided raises
 * nothing, and a new alarm once that clear committed. The writer is stalled by another transaction holding the
 * ledger's next sequence number uncommitted (H2 makes it wait on that row lock, far beyond the 3 s append timeout).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:alarm-late-${random.uuid};MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;DEFAULT_LOCK_TIMEOUT=120000;"
                    // the session that creates the database keeps H2's 2 s: the writer on it would give up its wait
                    + "LOCK_TIMEOUT=120000",
            "visionhub.ledger.append-timeout=3s",
            "visionhub.routes.dir=target/alarm-test-no-routes",
            "visionhub.broker.enabled=false",
            "visionhub.mqtt.enabled=false",
            "visionhub.opcua.enabled=false",
            "visionhub.vision.demo-model.enabled=false",
            "visionhub.enterprise.sync.enabled=false",
        })
@ActiveProfiles("isolated")
@DirtiesContext
class AlarmLateCommitTest {

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    AlarmService alarms;

    @Autowired
    DataSource dataSource;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final HubHttpClient hub = new HubHttpClient(() -> port);

    /** Holds the ledger's next sequence number uncommitted: the writer's next record waits until rollback. */
    Connection holdNextSequence() throws Exception {
        writerCaughtUp(); // nothing else in flight: the held sequence number is the next record's
        Connection lock = dataSource.getConnection();
        lock.setAutoCommit(false);
        try (PreparedStatement ps = lock.prepareStatement("INSERT INTO ledger_leaf (seq, record_type, record_id, "
                + "leaf_hash, entry, recorded_at) VALUES (?,'LOCK','lock-holder','00','{}',?)")) {
            ps.setLong(1, ledger.size());
            ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        return lock;
    }

    /**
     * Once this returns, the recorder has done its queued work and every record submitted before it is committed (the
     * writer commits in order). Waits for the commit itself, not the append timeout: after a stall the writer's
     * backlog may take longer than that on a busy machine.
     */
    void writerCaughtUp() throws Exception {
        alarms.awaitRecorded(60_000);
        ledger.submit(new LedgerWrite("TEST_PROBE", UUID.randomUUID().toString(), "{}", List.of()))
                .get(60, TimeUnit.SECONDS);
        alarms.awaitRecorded(60_000);
    }

    int records(String recordId) {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "SELECT COUNT(*) FROM ledger_leaf WHERE record_type = ? AND record_id = ?",
                        Integer.class,
                        AlarmService.RECORD_TYPE,
                        recordId);
    }

    List<String> alarmIds(String station) {
        return new JdbcTemplate(dataSource)
                .queryForList("SELECT id FROM quality_alarm WHERE station = ?", String.class, station);
    }

    HttpResponse<String> acknowledge(String id, String comment) throws Exception {
        return http.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/quality/alarms/" + id + "/acknowledge"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"comment\":\"" + comment + "\"}"))
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

    JsonNode json(HttpResponse<String> r) throws Exception {
        return EventJson.mapper().readTree(r.body());
    }

    @Test
    void aRaiseCommittedAfterItsAppendTimedOutIsTheOnlyAlarmOfItsRuleAndIsShownOnceCommitted() throws Exception {
        AlarmSource source = new AlarmSource("line-late-raise", "station-late-raise", "p", null);
        List<QualityAlarm> told = new CopyOnWriteArrayList<>();
        alarms.addListener(a -> {
            if (source.station().equals(a.station())) {
                told.add(a);
            }
        });
        try (Connection lock = holdNextSequence()) {
            alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 5, r -> "beyond", Map.of("count", 6));
            alarms.awaitRecorded(30_000); // the raise outlived its append timeout
            // the rule fires on the next subgroup while the first raise may still commit
            alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 5, r -> "beyond", Map.of("count", 7));
            alarms.awaitRecorded(30_000);
            assertThat(alarmIds(source.station())).as("nothing committed yet").isEmpty();
            assertThat(alarms.active(source.line()))
                    .as("not shown before the ledger holds it")
                    .isEmpty();
            lock.rollback(); // the writer goes on: the raise commits late
        }
        writerCaughtUp();

        List<String> ids = alarmIds(source.station());
        assertThat(ids)
                .as("one alarm of the station's rule, not one per firing")
                .hasSize(1);
        assertThat(records(ids.get(0))).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(alarms.active(source.line()))
                        .extracting(QualityAlarm::id)
                        .containsExactly(ids.get(0)));
        assertThat(alarms.active(source.line()).get(0).ledgerSeq()).isNotNull();
        assertThat(told)
                .extracting(QualityAlarm::id)
                .as("told once, when committed")
                .containsExactly(ids.get(0));
    }

    @Test
    void anAcknowledgementCommittedAfterItsAppendTimedOutIsAnsweredPendingAndClearsTheAlarmOnce() throws Exception {
        AlarmSource source = new AlarmSource("line-late-clear", "station-late-clear", "p", null);
        alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 5, r -> "beyond", Map.of("count", 6));
        writerCaughtUp();
        String id = alarmIds(source.station()).get(0);

        HttpResponse<String> pending;
        HttpResponse<String> behind;
        HttpResponse<String> whilePending;
        try (Connection lock = holdNextSequence()) {
            pending = acknowledge(id, "die insert replaced"); // its clear waits on the lock past the append timeout
            // a second acknowledgement finds the first one's clear still undecided: nothing recorded, try again
            behind = acknowledge(id, "acknowledged twice");
            // the 202's Location, read while the clear is undecided: the alarm, still active
            whilePending =
                    hub.sendAs("GET", pending.headers().firstValue("Location").orElse("/none"), null, "operator");
            lock.rollback(); // the writer goes on: the first clear commits after its append timed out
        }
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
        assertThat(pending.body())
                .contains("clear_pending")
                .contains("may still commit")
                .contains("GET /api/quality/alarms/" + id);
        String location = "/api/quality/alarms/" + id;
        assertThat(pending.headers().firstValue("Location")).hasValue(location);
        assertThat(whilePending.statusCode()).as(whilePending.body()).isEqualTo(200);
        assertThat(json(whilePending).path("id").asText()).isEqualTo(id);
        assertThat(json(whilePending).path("cleared").isNull())
                .as("active until its clear commits: %s", whilePending.body())
                .isTrue();
        assertThat(behind.statusCode()).as(behind.body()).isEqualTo(503);
        assertThat(behind.body()).contains("previous_step_pending");
        assertThat(behind.headers().firstValue("Retry-After")).hasValue("3");
        writerCaughtUp();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(alarms.active(source.line()))
                        .extracting(QualityAlarm::id)
                        .doesNotContain(id));
        // the Location now shows the alarm cleared, at the time its clear recorded
        HttpResponse<String> afterCommit = hub.sendAs("GET", location, null, "operator");
        assertThat(afterCommit.statusCode()).as(afterCommit.body()).isEqualTo(200);
        assertThat(Instant.parse(json(afterCommit).path("cleared").asText()))
                .isEqualTo(new JdbcTemplate(dataSource)
                        .queryForObject("SELECT cleared_at FROM quality_alarm WHERE id = ?", OffsetDateTime.class, id)
                        .toInstant());

        HttpResponse<String> again = acknowledge(id, "acknowledged again");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.body()).contains("alarm_cleared");
        // the rule staying quiet does not clear it a second time either
        for (int i = 0; i < 6; i++) {
            alarms.evaluated(source, Set.of(), 5, r -> "beyond", Map.of());
        }
        writerCaughtUp();
        assertThat(records(id + ":cleared")).as("one clear recorded").isEqualTo(1);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("SELECT clear_reason FROM quality_alarm WHERE id = ?", String.class, id))
                .isEqualTo("acknowledged: die insert replaced");
    }

    @Test
    void aRuleFiringWhileItsAlarmsClearIsUndecidedRaisesNothingThenANewAlarmOnceTheClearCommitted() throws Exception {
        AlarmSource source = new AlarmSource("line-late-refire", "station-late-refire", "p", null);
        alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 1, r -> "beyond", Map.of("count", 6));
        writerCaughtUp();
        String first = alarmIds(source.station()).get(0);
        try (Connection lock = holdNextSequence()) {
            alarms.evaluated(source, Set.of(), 1, r -> "beyond", Map.of()); // back in control: the clear is held
            alarms.awaitRecorded(30_000);
            // the rule fires again while that clear may still commit: no second alarm beside a possibly active one
            alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 1, r -> "beyond again", Map.of("count", 7));
            alarms.awaitRecorded(30_000);
            lock.rollback(); // the writer goes on: the clear commits late
        }
        writerCaughtUp();
        assertThat(alarmIds(source.station())).containsExactly(first);
        assertThat(alarms.active(source.line())).extracting(QualityAlarm::id).doesNotContain(first);

        // the rule fires on the next subgroup: the cleared alarm's rule raises a new alarm
        alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 1, r -> "beyond again", Map.of("count", 8));
        writerCaughtUp();
        List<String> ids = alarmIds(source.station());
        assertThat(ids).hasSize(2).contains(first);
        assertThat(alarms.active(source.line()))
                .extracting(QualityAlarm::id)
                .containsExactly(
                        ids.stream().filter(id -> !id.equals(first)).findFirst().orElseThrow());
        assertThat(records(first + ":cleared")).isEqualTo(1);
    }
}
