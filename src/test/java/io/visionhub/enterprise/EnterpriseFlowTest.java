package io.visionhub.enterprise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.outbox.OutboxRow;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.simulators.EnterpriseSimulators;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The hub wired by Spring (one context): rules → ledger append (record + outbox rows) → outbox deliverer →
 * SAP simulator, document number stored; a parked delivery handled through /api/outbox with the api
 * concern's security; the production order sync on Quartz + camel-master (Hazelcast) + camel-sap-netweaver.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visionhub.routes.dir=target/enterprise-test-no-routes",
            "visionhub.broker.enabled=false",
            "visionhub.mqtt.enabled=false",
            "visionhub.opcua.enabled=false",
            "visionhub.vision.demo-model.enabled=false",
            "visionhub.enterprise.sync.enabled=true",
            "visionhub.enterprise.sync.master=true",
            "visionhub.enterprise.sync.production-orders-cron=0/2 * * * * ?",
            "visionhub.enterprise.sync.quality-summary-cron=0 0 0 1 1 ? 2099",
            "visionhub.enterprise.outbox.poll-interval=50ms",
            "visionhub.enterprise.outbox.initial-backoff=100ms",
            "visionhub.enterprise.targets.broken-qm.type=SAP_QM_NOTIFICATION",
            "visionhub.enterprise.targets.broken-qm.url=simulator:sap",
            "visionhub.enterprise.targets.broken-qm.mapping=no-such-template",
        })
@ActiveProfiles("isolated")
@DirtiesContext
class EnterpriseFlowTest {

    @LocalServerPort
    int port;

    @Autowired
    InspectionLedger ledger;

    @Autowired
    EnterpriseRules rules;

    @Autowired
    EnterpriseSimulators sims;

    @Autowired
    OutboxRepository outbox;

    @Autowired
    CamelContext camel;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path, String user, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (user + ":" + user + "-demo").getBytes(StandardCharsets.UTF_8)));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void ngPartRecordedByTheLedgerBecomesOneSapQualityNotificationWithItsNumberStored() {
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        Exchange ex = new DefaultExchange(camel);
        rules.apply(e, ex);
        List<DeliveryRequest> deliveries =
                (List<DeliveryRequest>) ex.getMessage().getHeader(InspectionLedger.HEADER_DELIVERIES);
        ledger.append(e, deliveries);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> outbox.forInspection(e.id()).stream()
                        .anyMatch(r -> r.target().equals("sap-qm") && r.status().equals(OutboxRow.DELIVERED)));
        OutboxRow row = outbox.forInspection(e.id()).stream()
                .filter(r -> r.target().equals("sap-qm"))
                .findFirst()
                .orElseThrow();
        assertThat(sims.sap().qualityNotifications().findBy("QltyNotifExternalReference", e.id()))
                .singleElement()
                .satisfies(d -> assertThat(d.number()).isEqualTo(row.documentNumber()));
    }

    @Test
    void parkedDeliveryIsListedRetriedByAnIntegratorAndRefusedToAnOperator() throws Exception {
        InspectionEvent e = TestEvents.ng("station-2", "dent");
        ledger.append(e, List.of(new DeliveryRequest("broken-qm", "QUALITY_NOTIFICATION", e.id())));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> outbox.forInspection(e.id()).stream()
                        .anyMatch(r -> r.status().equals(OutboxRow.PARKED)));
        OutboxRow parked = outbox.forInspection(e.id()).get(0);
        assertThat(parked.lastError()).contains("no-such-template.jsonata").contains("file not found");

        HttpResponse<String> list = call("GET", "/api/outbox?status=PARKED", "integrator", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(e.id());

        assertThat(call("POST", "/api/outbox/" + parked.id() + "/retry", "operator", "{}")
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> cancel = call(
                "POST",
                "/api/outbox/" + parked.id() + "/cancel",
                "integrator",
                "{\"reason\":\"test target without a mapping\"}");
        assertThat(cancel.statusCode()).isEqualTo(200);
        JsonNode one = EventJson.mapper()
                .readTree(call("GET", "/api/outbox/" + parked.id(), "integrator", null)
                        .body());
        assertThat(one.path("row").path("status").asText()).isEqualTo("CANCELLED");
        assertThat(one.path("audit").get(0).path("actor").asText()).isEqualTo("integrator");

        // the Quartz sync (camel-master on the hub's Hazelcast) has read the released orders through
        // camel-sap-netweaver
        await().atMost(Duration.ofSeconds(60))
                .until(() -> call("GET", "/api/enterprise/production-orders", "operator", null)
                        .body()
                        .contains("000001000001"));
        assertThat(call("GET", "/api/outbox", "operator", null).statusCode()).isEqualTo(403);
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void outboxRowsByStatusAsGaugesAndInTheHealthDetails() throws Exception {
        // Spring Boot's tests export no metrics (no /actuator/prometheus): the gauges are read from the registry
        Map<String, Double> gauges = new TreeMap<>();
        meters.find("visionhub.outbox.rows")
                .gauges()
                .forEach(g -> gauges.put(g.getId().getTag("status"), g.value()));
        assertThat(gauges).containsOnlyKeys(OutboxRow.STATUSES);
        assertThat(gauges.values()).allMatch(v -> !v.isNaN() && v >= 0);
        HttpResponse<String> health = call("GET", "/actuator/health/outbox", "integrator", null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode details = EventJson.mapper().readTree(health.body()).path("details");
        assertThat(details.path("rows").isObject()).as(health.body()).isTrue();
        assertThat(details.has("inFlight")).as(health.body()).isTrue();
    }
}
