package io.visionhub.quality.oee;

import static io.visionhub.api.HubHttpClient.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.api.HubHttpClient;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import io.visionhub.outputs.mqtt.MqttEventPublisher;
import io.visionhub.outputs.mqtt.MqttTestSubscriber;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.OpcUaTestClients;
import io.visionhub.outputs.opcua.QualityRateNodes;
import io.visionhub.outputs.opcua.StationNamespace;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The quality rate and the shift report in a running hub: inspections through {@code quality:inspection} and a
 * signed disposition change the rate on REST, OPC UA (read by a Milo client), MQTT (retained, on the machine's
 * Mosquitto) and Prometheus; the shift report PDF reads back with the same figures. Roles and bad parameters too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("isolated")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QualityRateHubTest {

    static final boolean MOSQUITTO = MosquittoProcess.listening(1883);
    static final String SITE = "qr-" + UUID.randomUUID().toString().substring(0, 8);
    static final String LINE = "qr-line";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        Path dir = Files.createTempDirectory("quality-rate-hub");
        registry.add("visionhub.site", () -> SITE);
        registry.add("visionhub.routes.dir", () -> dir.resolve("routes").toString());
        registry.add("visionhub.simulators.enabled", () -> "false");
        registry.add("visionhub.vision.demo-model.enabled", () -> "false");
        registry.add("visionhub.context.lines", () -> LINE + ",line-1");
        registry.add("visionhub.quality.rate.mqtt-interval", () -> "300ms");
        // Spring Boot's tests turn metrics export off unless asked
        registry.add("management.prometheus.metrics.export.enabled", () -> "true");
        if (MOSQUITTO) {
            registry.add("visionhub.mqtt.broker-url", () -> "tcp://127.0.0.1:1883");
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ProductionContextStore contexts;

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    DispositionService dispositions;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    HubOpcUaServer opcUa;

    @Autowired
    MqttEventPublisher mqtt;

    @Autowired
    QualityRates rates;

    final HubHttpClient hub = new HubHttpClient(() -> port);
    Instant shiftStart;
    InspectionEvent ngAtStation1;

    @BeforeAll
    void runAShift() {
        shiftStart = Instant.now().minusSeconds(30);
        contexts.update(
                LINE,
                new ProductionContext(LINE, "PO-QR", "P-1", null, null, "LOT-QR", null, "A", null, null, 0, shiftStart),
                "REST",
                "test");
        inspect("qr-st-1", Verdict.OK);
        ngAtStation1 = inspect("qr-st-1", Verdict.NG, "scratch");
        inspect("qr-st-1", Verdict.OK);
        inspect("qr-st-2", Verdict.NG, "scratch", "dent", "scratch");
    }

    /** Records an inspection and hands it on as the inspection route does (ledger:record, then quality:inspection). */
    InspectionEvent inspect(String station, Verdict verdict, String... defects) {
        Instant now = Instant.now();
        InspectionEvent e = new InspectionEvent(
                        InspectionEvent.SCHEMA_VERSION,
                        EventIds.newId(),
                        station,
                        "cam-1",
                        LINE,
                        now,
                        now,
                        new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                        verdict,
                        java.util.Arrays.stream(defects)
                                .map(c -> new Defect(c, 0.9, new Defect.Box(1, 2, 3, 4)))
                                .toList(),
                        0.5,
                        null,
                        null,
                        null,
                        null,
                        new Latency(1, 1, 5, 1, 8))
                .withContext(contexts.at(LINE, now));
        ledger.append(e, List.of());
        producer.requestBody("quality:inspection", e);
        return e;
    }

    JsonNode get(String path, String user) throws Exception {
        HttpResponse<String> r = hub.send("GET", path, null, basic(user));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return EventJson.mapper().readTree(r.body());
    }

    void assertError(String path, String user, int status, String field, String text) throws Exception {
        HttpResponse<String> r = hub.send("GET", path, null, basic(user));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = EventJson.mapper().readTree(r.body());
        if (field != null) {
            assertThat(e.path("field").asText()).as(r.body()).isEqualTo(field);
        }
        assertThat(e.path("message").asText()).contains(text);
    }

    @Test
    void rateOnRestOpcUaMqttAndPrometheusFollowsADisposition() throws Exception {
        JsonNode st1 = get("/api/quality/rate?line=" + LINE + "&station=qr-st-1", "operator");
        assertThat(st1.path("productionOrder").asText()).isEqualTo("PO-QR");
        assertThat(st1.path("shift").asText()).isEqualTo("A");
        assertThat(st1.path("total").asLong()).isEqualTo(3);
        assertThat(st1.path("good").asLong()).isEqualTo(2);
        assertThat(st1.path("qualityRate").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
        JsonNode whole = get("/api/quality/rate?line=" + LINE, "quality");
        assertThat(whole.path("station").isNull()).isTrue();
        assertThat(whole.path("total").asLong()).isEqualTo(4);
        assertThat(whole.path("rejected").asLong()).isEqualTo(2);

        OpcUaClient client = OpcUaTestClients.connectAnonymous(opcUa.endpointUrl());
        try (MqttTestSubscriber sub = MOSQUITTO
                ? new MqttTestSubscriber(
                        "tcp://127.0.0.1:1883", "sub-" + SITE, "visionhub/" + SITE + "/" + LINE + "/#", false)
                : null) {
            int ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
            assertThat(read(client, ns, QualityRateNodes.stationPath("qr-st-1", "QualityRate")))
                    .isEqualTo(2.0 / 3);
            assertThat(read(client, ns, QualityRateNodes.linePath(LINE, "Total")))
                    .hasToString("4");
            assertThat(read(client, ns, QualityRateNodes.linePath(LINE, "ProductionOrder")))
                    .isEqualTo("PO-QR");
            assertThat(prometheus())
                    .contains("visionhub_quality_rate{line=\"" + LINE + "\",station=\"qr-st-1\"} 0.666");

            dispositions.sign(
                    "quality",
                    new DispositionRequest(
                            "INSPECTION",
                            ngAtStation1.id(),
                            "USE_AS_IS",
                            "cosmetic, within limits",
                            "APPROVED",
                            null,
                            "quality-demo",
                            null,
                            null,
                            null));

            assertThat(get("/api/quality/rate?line=" + LINE + "&station=qr-st-1", "admin")
                            .path("qualityRate")
                            .asDouble())
                    .isEqualTo(1.0);
            assertThat(read(client, ns, QualityRateNodes.stationPath("qr-st-1", "QualityRate")))
                    .isEqualTo(1.0);
            assertThat(read(client, ns, QualityRateNodes.linePath(LINE, "Good")))
                    .hasToString("3");
            String scrape = prometheus();
            assertThat(scrape).contains("visionhub_quality_rate{line=\"" + LINE + "\",station=\"qr-st-1\"} 1.0");
            assertThat(scrape).contains("visionhub_quality_good_parts{line=\"" + LINE + "\",station=\"_line\"} 3.0");
            assertThat(scrape)
                    .contains("visionhub_quality_inspected_parts{line=\"" + LINE + "\",station=\"_line\"} 4.0");
            // from the database, explicitly for the order and shift: the same figures
            JsonNode computed = get("/api/quality/rate?line=" + LINE + "&order=PO-QR&shift=A", "auditor");
            assertThat(computed.path("good").asLong()).isEqualTo(3);
            assertThat(computed.path("total").asLong()).isEqualTo(4);

            if (sub != null) {
                // retained, rate-limited, and the last value always goes out
                String topic = "visionhub/" + SITE + "/" + LINE + "/qr-st-1/quality-rate";
                JsonNode last = null;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < deadline
                        && (last == null || last.path("good").asLong() != 3)) {
                    MqttTestSubscriber.Received m = sub.next(topic, 10);
                    assertThat(m).as("quality rate on " + topic).isNotNull();
                    last = EventJson.mapper().readTree(m.text());
                }
                assertThat(last.path("qualityRate").asDouble()).isEqualTo(1.0);
                assertThat(last.path("productionOrder").asText()).isEqualTo("PO-QR");
                try (MqttTestSubscriber late =
                        new MqttTestSubscriber("tcp://127.0.0.1:1883", "late-" + SITE, topic, false)) {
                    MqttTestSubscriber.Received retained = late.next(topic, 10);
                    assertThat(retained)
                            .as("a new subscriber gets the retained value")
                            .isNotNull();
                    assertThat(retained.message().isRetained()).isTrue();
                    assertThat(EventJson.mapper()
                                    .readTree(retained.text())
                                    .path("good")
                                    .asLong())
                            .isEqualTo(3);
                }
            }
        } finally {
            client.disconnect();
            if (MOSQUITTO) {
                for (String t : List.of(LINE + "/qr-st-1", LINE + "/qr-st-2", LINE)) {
                    mqtt.publishRetained("visionhub/" + SITE + "/" + t + "/quality-rate", "");
                }
            }
        }
        Assumptions.assumeTrue(
                MOSQUITTO,
                "no MQTT broker on 127.0.0.1:1883 (CI starts Mosquitto there): the retained topic was not checked");
    }

    Object read(OpcUaClient client, int ns, String path) throws Exception {
        DataValue v = client.readValue(0, TimestampsToReturn.Both, new NodeId(ns, path));
        return v.getValue().getValue();
    }

    String prometheus() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/actuator/prometheus", null, basic("admin"));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void openApiDocumentsBothOperationsWithTheirRoles() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/api/openapi.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        io.swagger.v3.parser.core.models.ParseOptions options = new io.swagger.v3.parser.core.models.ParseOptions();
        options.setResolve(true);
        var parsed = new io.swagger.v3.parser.OpenAPIV3Parser().readContents(r.body(), null, options);
        assertThat(parsed.getMessages()).as("OpenAPI problems").isEmpty();
        var paths = parsed.getOpenAPI().getPaths();
        assertThat(paths).containsKeys("/quality/rate", "/quality/shift-report");
        assertThat(paths.get("/quality/rate").getGet().getSummary())
                .contains("Roles: OPERATOR, QUALITY, INTEGRATOR, AUDITOR, ADMIN");
        assertThat(paths.get("/quality/shift-report").getGet().getSummary())
                .contains("Roles: OPERATOR, QUALITY, AUDITOR, ADMIN");
        assertThat(paths.get("/quality/shift-report").getGet().getParameters())
                .extracting(p -> p.getName())
                .containsExactlyInAnyOrder("line", "shift", "date");
    }

    @Test
    void rateParametersAreCheckedAndNamed() throws Exception {
        assertError("/api/quality/rate", "operator", 400, "line", "line is required");
        assertError("/api/quality/rate?line=bad%20line!", "operator", 400, "line", "letters, digits");
        assertError("/api/quality/rate?line=" + LINE + "&station=%3Cx%3E", "operator", 400, "station", "station");
        assertError("/api/quality/rate?line=" + LINE + "&shift=A", "operator", 400, "shift", "shift needs order");
        assertError("/api/quality/rate?line=" + LINE + "&order=PO-QR&shift=", "operator", 400, "shift", "empty");
        assertError("/api/quality/rate?line=no-such-line", "operator", 404, null, "no-such-line");
        assertError("/api/quality/rate?line=" + LINE + "&order=PO-NONE", "operator", 404, null, "PO-NONE");
        HttpResponse<String> anonymous = hub.send("GET", "/api/quality/rate?line=" + LINE, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        for (String role : List.of("operator", "quality", "integrator", "auditor", "admin")) {
            assertThat(hub.send("GET", "/api/quality/rate?line=" + LINE, null, basic(role))
                            .statusCode())
                    .as(role)
                    .isEqualTo(200);
        }
    }

    @Test
    void shiftReportPdfHasTheShiftsFigures() throws Exception {
        LocalDate date = LocalDate.ofInstant(shiftStart, ZoneOffset.UTC);
        String path = "/api/quality/shift-report?line=" + LINE + "&shift=A&date=" + date;
        HttpResponse<byte[]> r = hub.send("GET", path, null, HttpResponse.BodyHandlers.ofByteArray(), basic("quality"));
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/shift-report-example.pdf"), r.body());
        String text;
        try (PDDocument pdf = Loader.loadPDF(r.body())) {
            text = new PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
        }
        assertThat(text).contains("Line " + LINE + ", shift A, " + date);
        assertThat(text).contains("Inspections 4: OK 2, NG 2, UNCERTAIN 0");
        assertThat(text).containsPattern("Line: quality rate (50\\.0|75\\.0) %");
        assertThat(text).contains("Station qr-st-2: quality rate 0.0 % (good 0 of 1");
        // Pareto: scratch 3 of 4 defects first, then dent
        assertThat(text).containsPattern("scratch 3 \\(75\\.0 %, cumulative 75\\.0 %\\).*dent 1 \\(25\\.0 %");
        assertThat(text).contains("Station qr-st-1:").contains("subgroups of");
        // the hub runs the SPC alarm service: the section lists the shift's alarms (or says none were raised)
        assertThat(text).doesNotContain("no alarm service on this hub");
        // and the NCR register: the section lists the shift's non-conformances (or says none)
        assertThat(text).doesNotContain("no NCR register on this hub");
        assertThat(text).contains("orders PO-QR");
        assertThat(text).containsPattern("Inspections ledger seq \\d+ to \\d+ \\(4 inspection records");

        for (String role : List.of("operator", "auditor", "admin")) {
            assertThat(hub.send("GET", path, null, HttpResponse.BodyHandlers.ofByteArray(), basic(role))
                            .statusCode())
                    .as(role)
                    .isEqualTo(200);
        }
        assertThat(hub.send("GET", path, null, basic("integrator")).statusCode())
                .isEqualTo(403);
        assertError(
                "/api/quality/shift-report?line=" + LINE + "&shift=Z&date=" + date,
                "quality",
                404,
                null,
                "did not start shift Z on " + date);
        assertError(
                "/api/quality/shift-report?line=" + LINE + "&shift=A&date=" + date.minusDays(3),
                "quality",
                404,
                null,
                "did not start shift A");
        assertError(
                "/api/quality/shift-report?line=nowhere&shift=A&date=" + date,
                "quality",
                404,
                null,
                "line nowhere has no production context history");
        assertError(
                "/api/quality/shift-report?line=" + LINE + "&shift=A&date=yesterday",
                "quality",
                400,
                "date",
                "YYYY-MM-DD");
        assertError("/api/quality/shift-report?line=" + LINE + "&date=" + date, "quality", 400, "shift", "required");
    }
}
