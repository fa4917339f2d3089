package io.visionhub.quality.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.visionhub.api.HubHttpClient;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerService;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import io.visionhub.outputs.mqtt.MqttTestSubscriber;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.OpcUaTestClients;
import io.visionhub.quality.alarm.AlarmService;
import io.visionhub.quality.alarm.QualityAlarm;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.EventFilterBuilder;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * SPC alarms through the whole hub: inspections into quality:inspection, a rule-1 alarm recorded in the ledger,
 * published by routes/quality-alarms.yaml as it ships (MQTT retained active set and events on the machine's
 * Mosquitto, or the embedded broker where none listens; an OPC UA event that a Milo client subscription receives),
 * the REST API with its roles and bad parameters, and an acknowledgement that clears the alarm everywhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("isolated")
@DirtiesContext
class QualityAlarmsHubTest {

    static final String SITE = "spc-" + UUID.randomUUID().toString().substring(0, 8);
    static final boolean MOSQUITTO = MosquittoProcess.listening(1883);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        Path routes = Files.createTempDirectory("quality-alarms-routes");
        Files.copy(Path.of("routes/quality-alarms.yaml"), routes.resolve("quality-alarms.yaml"));
        registry.add("visionhub.site", () -> SITE);
        registry.add("visionhub.routes.dir", routes::toString);
        registry.add("visionhub.simulators.enabled", () -> "false");
        registry.add("visionhub.vision.demo-model.enabled", () -> "false");
        if (MOSQUITTO) {
            registry.add("visionhub.mqtt.broker-url", () -> "tcp://127.0.0.1:1883");
        }
        registry.add("visionhub.quality.spc.subgroup-size", () -> "5");
        registry.add("visionhub.quality.spc.baseline-subgroups", () -> "3");
        registry.add("visionhub.quality.spc.rules", () -> "1");
        registry.add("visionhub.quality.spc.clear-after", () -> "50");
    }

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    CamelContext camel;

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    LedgerService ledgerService;

    @Autowired
    AlarmService alarms;

    @Autowired
    HubOpcUaServer opcUa;

    @Autowired
    ObjectProvider<EmbeddedMqttBroker> embedded;

    @Autowired
    JdbcTemplate jdbc;

    final HubHttpClient hub = new HubHttpClient(() -> port);

    String brokerUrl() {
        return MOSQUITTO ? "tcp://127.0.0.1:1883" : embedded.getObject().url();
    }

    JsonNode json(HttpResponse<String> r) throws Exception {
        return EventJson.mapper().readTree(r.body());
    }

    void inspect(List<InspectionEvent> events) {
        for (InspectionEvent e : events) {
            ledger.append(e, List.of());
            producer.sendBody("quality:inspection", e);
        }
    }

    @Test
    void aRule1AlarmIsRecordedPublishedOnMqttAndOpcUaListedAndAcknowledged() throws Exception {
        String topic = "visionhub/" + SITE + "/line-1/alarms";
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        OpcUaClient client = OpcUaTestClients.connectAnonymous(opcUa.endpointUrl());
        BlockingQueue<Variant[]> opcEvents = new LinkedBlockingQueue<>();
        OpcUaSubscription subscription = new OpcUaSubscription(client, 50.0);
        subscription.create();
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newEventItem(
                NodeIds.Server,
                new EventFilterBuilder()
                        .select(NodeIds.BaseEventType, new QualifiedName(0, "SourceName"))
                        .select(NodeIds.BaseEventType, new QualifiedName(0, "Message"))
                        .select(NodeIds.BaseEventType, new QualifiedName(0, "Severity"))
                        .build());
        item.setQueueSize(UInteger.valueOf(20));
        item.setEventValueListener((i, values) -> {
            if (String.valueOf(values[1].getValue()).contains("QualityAlarm")) {
                opcEvents.add(values);
            }
        });
        subscription.addMonitoredItem(item);
        subscription.synchronizeMonitoredItems();
        try (MqttTestSubscriber events =
                new MqttTestSubscriber(brokerUrl(), "events-" + SITE, topic + "/events", false)) {
            SpcEvents line = new SpcEvents("line-1", "station-1", "PO-7", start.minusSeconds(600));
            // baseline: 1 NG of 5 (p-bar 0.2, UCL 0.737); then 5 of 5: rule 1 on the p chart and the scratch u chart
            inspect(line.subgroups(5, 1, 1, 1));
            assertThat(json(hub.sendAs("GET", "/api/quality/spc?station=station-1&chart=p", null, "operator"))
                            .get(0)
                            .path("phase")
                            .asText())
                    .isEqualTo("MONITORING");
            inspect(line.subgroup(5, 5));
            alarms.awaitRecorded(10_000);
            List<QualityAlarm> active = alarms.active();
            assertThat(active).extracting(QualityAlarm::chart).containsExactlyInAnyOrder("p", "u");
            QualityAlarm p = active.stream()
                    .filter(a -> a.chart().equals("p"))
                    .findFirst()
                    .orElseThrow();
            assertThat(jdbc.queryForObject(
                            "SELECT record_type FROM ledger_leaf WHERE seq = ?", String.class, p.ledgerSeq()))
                    .isEqualTo("QUALITY_ALARM");

            // MQTT: an event per raise, and the line's active set retained (a late subscriber gets it at once)
            List<String> raised = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                MqttTestSubscriber.Received r = events.next(topic + "/events", 10);
                assertThat(r).as("raise event " + i).isNotNull();
                assertThat(r.message().isRetained()).isFalse();
                raised.add(r.text());
            }
            assertThat(raised)
                    .anySatisfy(t -> assertThat(t)
                            .contains("\"state\":\"RAISED\"")
                            .contains(p.id())
                            .contains("\"rule\":\"NELSON_1\""));
            JsonNode set = retained(topic, 2);
            assertThat(set.path("line").asText()).isEqualTo("line-1");
            assertThat(set.path("active").findValuesAsText("id"))
                    .containsExactlyInAnyOrder(active.get(0).id(), active.get(1).id());

            // OPC UA: an event from the station for each raise
            List<String> opcMessages = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Variant[] v = opcEvents.poll(10, TimeUnit.SECONDS);
                assertThat(v).as("OPC UA alarm event " + i).isNotNull();
                assertThat(v[0].getValue()).isEqualTo("station-1");
                opcMessages.add(((LocalizedText) v[1].getValue()).text());
                assertThat(v[2].getValue().toString()).isEqualTo("800");
            }
            assertThat(opcMessages)
                    .anySatisfy(m -> assertThat(m).startsWith("QualityAlarm RAISED rule=NELSON_1 id=" + p.id()));

            // REST: reading for every role, charts with the violation, history
            assertThat(hub.sendAs("GET", "/api/quality/alarms", null, null).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> list = hub.sendAs("GET", "/api/quality/alarms?line=line-1", null, "operator");
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(json(list).findValuesAsText("id")).contains(p.id());
            // one alarm by id: the list's item, for every role and for API keys; not without login
            String one = "/api/quality/alarms/" + p.id();
            JsonNode listed = null;
            for (JsonNode a : json(list)) {
                if (a.path("id").asText().equals(p.id())) {
                    listed = a;
                }
            }
            HttpResponse<String> byId = hub.sendAs("GET", one, null, "operator");
            assertThat(byId.statusCode()).as(byId.body()).isEqualTo(200);
            assertThat(json(byId)).isEqualTo(listed);
            assertThat(json(byId).path("cleared").isNull())
                    .as("active: %s", byId.body())
                    .isTrue();
            // every field, nulls included, in this order: the example alarm of docs/quality.md shows this shape
            List<String> fields = new ArrayList<>();
            json(byId).fieldNames().forEachRemaining(fields::add);
            assertThat(fields)
                    .containsExactly(
                            "id",
                            "rule",
                            "severity",
                            "line",
                            "station",
                            "defectClass",
                            "chart",
                            "message",
                            "raised",
                            "cleared",
                            "ledgerSeq");
            assertThat(json(byId).path("defectClass").isNull()).as(byId.body()).isTrue();
            HttpResponse<String> upperCase =
                    hub.sendAs("GET", "/api/quality/alarms/" + p.id().toUpperCase(Locale.ROOT), null, "auditor");
            assertThat(upperCase.statusCode()).as(upperCase.body()).isEqualTo(200);
            assertThat(json(upperCase).path("id").asText()).isEqualTo(p.id());
            HttpResponse<String> byKeyRead = hub.send("GET", one, null, "X-API-Key", "demo-erp-key");
            assertThat(byKeyRead.statusCode()).as(byKeyRead.body()).isEqualTo(200);
            HttpResponse<String> anonymous = hub.sendAs("GET", one, null, null);
            assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
            assertThat(json(anonymous).path("code").asText()).isEqualTo("unauthorized");
            JsonNode chart = json(hub.sendAs("GET", "/api/quality/spc?station=station-1&chart=p", null, "operator"))
                    .get(0);
            assertThat(chart.path("center").asDouble()).isEqualTo(0.2);
            assertThat(chart.path("points")).hasSize(4);
            assertThat(chart.path("points").get(3).path("violations").get(0).asInt())
                    .isEqualTo(1);
            assertThat(json(hub.sendAs("GET", "/api/quality/spc?chart=u&defectClass=scratch", null, "quality"))
                            .get(0)
                            .path("station")
                            .asText())
                    .isEqualTo("station-1");

            // acknowledgement: QUALITY or ADMIN only, recorded with who, published as a clear
            String ack = "/api/quality/alarms/" + p.id() + "/acknowledge";
            assertThat(hub.sendAs("POST", ack, "{\"comment\":\"nozzle cleaned\"}", "operator")
                            .statusCode())
                    .isEqualTo(403);
            HttpResponse<String> byKey =
                    hub.send("POST", ack, "{}", "X-API-Key", "demo-erp-key", "Content-Type", "application/json");
            assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(403);
            assertThat(json(byKey).path("code").asText()).isEqualTo("person_required");
            HttpResponse<String> acked = hub.sendAs("POST", ack, "{\"comment\":\"nozzle cleaned\"}", "quality");
            assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
            assertThat(json(acked).path("cleared").isMissingNode()).isFalse();
            HttpResponse<String> again = hub.sendAs("POST", ack, "{}", "quality");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
            assertThat(json(again).path("code").asText()).isEqualTo("alarm_cleared");
            HttpResponse<String> unknown =
                    hub.sendAs("POST", "/api/quality/alarms/" + UUID.randomUUID() + "/acknowledge", null, "admin");
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
            assertThat(jdbc.queryForMap("SELECT cleared_by, clear_reason FROM quality_alarm WHERE id = ?", p.id()))
                    .containsEntry("cleared_by", "quality")
                    .containsEntry("clear_reason", "acknowledged: nozzle cleaned");
            assertThat(alarms.active()).extracting(QualityAlarm::id).doesNotContain(p.id());
            // by id it is still there, cleared at the time the acknowledgement answered
            HttpResponse<String> clearedById = hub.sendAs("GET", one, null, "operator");
            assertThat(clearedById.statusCode()).as(clearedById.body()).isEqualTo(200);
            assertThat(json(clearedById)).isEqualTo(json(acked));
            assertThat(json(clearedById).path("cleared").asText()).isNotEmpty();

            MqttTestSubscriber.Received cleared = events.next(topic + "/events", 10);
            assertThat(cleared).isNotNull();
            assertThat(cleared.text()).contains("\"state\":\"CLEARED\"").contains(p.id());
            assertThat(retained(topic, 1).path("active").findValuesAsText("id")).doesNotContain(p.id());
            Variant[] clearedEvent = opcEvents.poll(10, TimeUnit.SECONDS);
            assertThat(clearedEvent).isNotNull();
            assertThat(((LocalizedText) clearedEvent[1].getValue()).text())
                    .startsWith("QualityAlarm CLEARED rule=NELSON_1 id=" + p.id());

            HttpResponse<String> history =
                    hub.sendAs("GET", "/api/quality/alarms?from=" + start.minusSeconds(60), null, "auditor");
            assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
            assertThat(json(history)).hasSize(2);
            // the acknowledged one names who cleared it; the u-chart alarm is still active (clearedBy null)
            assertThat(json(history).findValuesAsText("clearedBy")).containsExactlyInAnyOrder("quality", "null");

            assertThat(ledgerService.verify().ok()).isTrue();
        } finally {
            subscription.delete();
            client.disconnect();
            clearRetained(topic);
        }
    }

    @Test
    void theRoutesSitInTheirGroups() {
        // Hawtio's tree: the REST operations with the API's, the alarm routes of routes/quality-alarms.yaml apart
        for (String id : List.of(
                "rest-quality-spc",
                "rest-quality-alarms",
                "rest-quality-alarm-get",
                "rest-quality-alarm-acknowledge")) {
            assertThat(camel.getRoute(id)).as(id).isNotNull();
            assertThat(camel.getRoute(id).getGroup()).as(id).isEqualTo("api");
        }
        assertThat(camel.getRoute("quality-alarms").getGroup()).isEqualTo("quality");
    }

    @Test
    void openApiDocumentsTheAlarmByIdAndThePendingAcknowledgementsLocation() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/api/openapi.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body(), null, options);
        assertThat(parsed.getMessages()).as("OpenAPI problems").isEmpty();
        var paths = parsed.getOpenAPI().getPaths();
        assertThat(paths).containsKeys("/quality/alarms/{id}", "/quality/alarms/{id}/acknowledge");
        var get = paths.get("/quality/alarms/{id}").getGet();
        assertThat(get.getSummary()).contains("Roles: OPERATOR, QUALITY, INTEGRATOR, AUDITOR, ADMIN");
        assertThat(get.getResponses()).containsKeys("200", "400", "404");
        assertThat(paths.get("/quality/alarms/{id}/acknowledge")
                        .getPost()
                        .getResponses()
                        .get("202")
                        .getHeaders())
                .containsKey("Location");
        assertThat(paths.get("/quality/alarms/{id}/acknowledge").getPost().getResponses())
                .containsKeys("200", "202", "400", "404", "409", "503");
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() throws Exception {
        expectBad("/api/quality/spc?chart=x", "chart");
        expectBad("/api/quality/spc?chart=p&defectClass=scratch", "defectClass");
        expectBad("/api/quality/spc?station=bad%20name", "station");
        expectBad("/api/quality/alarms?from=yesterday", "from");
        expectBad("/api/quality/alarms?to=2026-01-01T00:00:00Z", "from");
        expectBad("/api/quality/alarms?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to");
        expectBad("/api/quality/alarms?from=2026-01-01T00:00:00Z&limit=0", "limit");
        expectBad("/api/quality/alarms/not-an-alarm-id", "id");
        expectBad("/api/quality/alarms/" + UUID.randomUUID() + "0", "id");
        HttpResponse<String> unknownAlarm =
                hub.sendAs("GET", "/api/quality/alarms/" + UUID.randomUUID(), null, "operator");
        assertThat(unknownAlarm.statusCode()).as(unknownAlarm.body()).isEqualTo(404);
        assertThat(json(unknownAlarm).path("code").asText()).isEqualTo("unknown_alarm");
        assertThat(json(unknownAlarm).path("field").asText()).isEqualTo("id");
        HttpResponse<String> unknown = hub.sendAs("GET", "/api/quality/spc?station=no-such-station", null, "operator");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json(unknown).path("field").asText()).isEqualTo("station");
        HttpResponse<String> badBody = hub.sendAs(
                "POST", "/api/quality/alarms/" + UUID.randomUUID() + "/acknowledge", "{\"note\":1}", "quality");
        assertThat(badBody.statusCode()).as(badBody.body()).isEqualTo(400);
    }

    @Test
    void acknowledgingAnAlarmIdThatIsNotAUuidIsA400NamingIdAsGetIs() throws Exception {
        for (String id : List.of("not-an-alarm-id", UUID.randomUUID() + "0", "line-1")) {
            HttpResponse<String> r =
                    hub.sendAs("POST", "/api/quality/alarms/" + id + "/acknowledge", "{\"comment\":\"x\"}", "quality");
            assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(400);
            assertThat(json(r).path("code").asText()).as(id).isEqualTo("invalid_field");
            assertThat(json(r).path("field").asText()).as(id).isEqualTo("id");
            // the same answer as GET /api/quality/alarms/{id} gives for that id
            HttpResponse<String> get = hub.sendAs("GET", "/api/quality/alarms/" + id, null, "quality");
            assertThat(json(r)).as(id).isEqualTo(json(get));
        }
        // a well-formed id that is no alarm's stays a 404 naming id
        HttpResponse<String> unknown =
                hub.sendAs("POST", "/api/quality/alarms/" + UUID.randomUUID() + "/acknowledge", "{}", "quality");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json(unknown).path("code").asText()).isEqualTo("unknown_alarm");
        assertThat(json(unknown).path("field").asText()).isEqualTo("id");
        // the role check still comes first: an operator is refused whatever the id
        assertThat(hub.sendAs("POST", "/api/quality/alarms/line-1/acknowledge", "{}", "operator")
                        .statusCode())
                .isEqualTo(403);
    }

    void expectBad(String path, String field) throws Exception {
        HttpResponse<String> r = hub.sendAs("GET", path, null, "operator");
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(400);
        assertThat(json(r).path("field").asText()).as(path).isEqualTo(field);
    }

    /** The retained active set, read by a new subscriber; waits until it lists {@code size} alarms. */
    JsonNode retained(String topic, int size) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode last = null;
        while (System.nanoTime() < until) {
            try (MqttTestSubscriber late =
                    new MqttTestSubscriber(brokerUrl(), "late-" + UUID.randomUUID(), topic, false)) {
                MqttTestSubscriber.Received r = late.next(topic, 2);
                if (r != null) {
                    assertThat(r.message().isRetained()).isTrue();
                    last = EventJson.mapper().readTree(r.text());
                    if (last.path("active").size() == size) {
                        return last;
                    }
                }
            }
        }
        throw new AssertionError("no retained active set of " + size + " alarms on " + topic + ", last: " + last);
    }

    void clearRetained(String topic) throws Exception {
        MqttClient c = new MqttClient(brokerUrl(), "clean-" + SITE, new MemoryPersistence());
        c.connect();
        MqttMessage empty = new MqttMessage(new byte[0]);
        empty.setRetained(true);
        c.publish(topic, empty);
        c.disconnect();
        c.close();
    }
}
