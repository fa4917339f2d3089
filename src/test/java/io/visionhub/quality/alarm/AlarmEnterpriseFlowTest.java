package io.visionhub.quality.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visionhub.VisionHubApplication;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.quality.spc.NelsonRule;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * Quality alarms to an enterprise target through the whole hub: an SPC rule raise on the alarm service → one outbox
 * row (key ALARM|id) written with its ledger record → delivered by the outbox to the CMMS webhook simulator with
 * the webhook-alarm mapping, exactly once (also across a failed first attempt and a rule that keeps firing); the
 * acknowledgement's clear follows as a second request naming the first. A target that is not configured stops
 * start-up naming the key.
 */
@SpringBootTest(
        properties = {
            "visionhub.routes.dir=target/alarm-enterprise-test-no-routes",
            "visionhub.broker.enabled=false",
            "visionhub.mqtt.enabled=false",
            "visionhub.opcua.enabled=false",
            "visionhub.vision.demo-model.enabled=false",
            "visionhub.enterprise.sync.enabled=false",
            "visionhub.enterprise.outbox.poll-interval=50ms",
            "visionhub.enterprise.outbox.initial-backoff=100ms",
            "visionhub.quality.alarms.enterprise-target=webhook",
            "visionhub.quality.alarms.enterprise-clears=true",
        })
@ActiveProfiles("isolated")
@DirtiesContext
class AlarmEnterpriseFlowTest {

    @Autowired
    AlarmService alarms;

    @Autowired
    EnterpriseSimulators sims;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    DeliveryService delivery;

    List<SimulatedDocuments.Document> requestsOf(String key) {
        return sims.webhook().workRequests().findBy("externalReference", key);
    }

    String status(String key) {
        return jdbc
                .query(
                        "SELECT status FROM outbox WHERE target = 'webhook' AND delivery_key = ?",
                        (rs, n) -> rs.getString(1),
                        key)
                .stream()
                .findFirst()
                .orElse(null);
    }

    @Test
    void aRaiseIsOneWorkRequestExactlyOnceAndTheAcknowledgedClearFollowsIt() throws Exception {
        String station = "station-" + UUID.randomUUID().toString().substring(0, 6);
        AlarmSource source = new AlarmSource("line-1", station, "p", null);
        // the first attempt fails: the retry must still make one request only
        sims.webhook().faults().serverErrors(1, 503);
        alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 50, r -> "NG rate above the upper limit", Map.of("n", 25));
        alarms.awaitRecorded(10_000);
        QualityAlarm alarm = alarms.active().stream()
                .filter(a -> station.equals(a.station()))
                .findFirst()
                .orElseThrow();
        String key = AlarmDocuments.key(alarm.id());
        assertThat(jdbc.queryForObject(
                        "SELECT enterprise_target FROM quality_alarm WHERE id = ?", String.class, alarm.id()))
                .isEqualTo("webhook");
        assertThat(jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = ?", String.class, alarm.ledgerSeq()))
                .contains("\"enterpriseTarget\":\"webhook\"");
        // the rule keeps firing on the next subgroups: the alarm stays the same, no second document
        alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 50, r -> "again", Map.of("n", 25));
        alarms.awaitRecorded(10_000);

        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(status(key)));
        List<SimulatedDocuments.Document> raised = requestsOf(key);
        assertThat(raised).hasSize(1);
        Map<String, Object> f = raised.get(0).fields();
        assertThat(f.get("title")).isEqualTo("Vision Hub SPC alarm RAISED: NELSON_1 at " + station);
        assertThat(f.get("priority")).isEqualTo("HIGH");
        assertThat(f.get("station")).isEqualTo(station);
        assertThat(f.get("description")).isEqualTo("NG rate above the upper limit");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM outbox WHERE delivery_key LIKE ?", Integer.class, key + "%"))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE delivery_key = ?", Integer.class, key))
                .isEqualTo(2);

        alarms.acknowledge(alarm.id(), "user", "nozzle cleaned");
        String clearKey = AlarmDocuments.clearKey(alarm.id());
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(status(clearKey)));
        List<SimulatedDocuments.Document> cleared = requestsOf(clearKey);
        assertThat(cleared).hasSize(1);
        assertThat(cleared.get(0).fields().get("title"))
                .isEqualTo("Vision Hub SPC alarm CLEARED: NELSON_1 at " + station);
        assertThat(cleared.get(0).fields().get("description").toString())
                .contains("cleared by user: acknowledged: nozzle cleaned");
        Map<?, ?> clearedAlarm = (Map<?, ?>) cleared.get(0).fields().get("alarm");
        assertThat(clearedAlarm.get("raisedRequest")).isEqualTo(raised.get(0).number());
        assertThat(clearedAlarm.get("state")).isEqualTo("CLEARED");
        assertThat(requestsOf(key)).hasSize(1);
    }

    @Test
    void anUnknownTargetIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new AlarmDocuments("no-such-cmms", false, delivery, dataSource))
                .hasMessageContaining("visionhub.quality.alarms.enterprise-target: unknown target 'no-such-cmms'")
                .hasMessageContaining("webhook");
        assertThatThrownBy(() -> new AlarmDocuments("webhook", false, null, dataSource))
                .hasMessageContaining("visionhub.quality.alarms.enterprise-target 'webhook' needs the enterprise");
    }

    @Test
    void anUnknownTargetStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(VisionHubApplication.class)
                        .profiles("isolated")
                        // arguments, as an operator would set them: default properties lose to config/*.yaml
                        .run(
                                "--server.port=0",
                                "--visionhub.routes.dir=target/alarm-enterprise-test-no-routes",
                                "--visionhub.broker.enabled=false",
                                "--visionhub.mqtt.enabled=false",
                                "--visionhub.opcua.enabled=false",
                                "--visionhub.vision.demo-model.enabled=false",
                                "--visionhub.enterprise.sync.enabled=false",
                                "--visionhub.quality.alarms.enterprise-target=no-such-cmms")
                        .close())
                .hasStackTraceContaining("visionhub.quality.alarms.enterprise-target: unknown target 'no-such-cmms'");
    }
}
