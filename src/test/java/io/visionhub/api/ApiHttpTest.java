package io.visionhub.api;

import static io.visionhub.api.HubHttpClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.visionhub.event.EventJson;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The REST API through real HTTP (one Spring context for every API test): access control, the production
 * context push and its bad inputs (nothing stored changes), inspection queries, JSON errors, the OpenAPI document.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.flyway.locations=classpath:db/migration",
            "visionhub.context.lines=line-push,line-bad,line-stale,line-end,line-auth,line-hist",
            "visionhub.api.max-body-size=2KB",
            "visionhub.routes.dir=target/api-test-no-routes",
        })
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class ApiHttpTest {

    static final Instant T0 = Instant.parse("2026-03-02T06:00:00Z");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    final HubHttpClient hub = new HubHttpClient(() -> port);

    // ---------------------------------------------------------------- helpers

    static final String[] MES = {"X-API-Key", "demo-mes-key", "Content-Type", "application/json"};

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return EventJson.mapper().readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String code, String field) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode e = json(r);
        assertThat(e.path("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(e.path("message").asText()).isNotBlank();
        assertThat(e.has("field")).isTrue();
        if (field != null) {
            assertThat(e.path("field").asText()).as(r.body()).isEqualTo(field);
        }
    }

    int storedChanges(String line) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM production_context_change WHERE line = ?", Integer.class, line);
    }

    HttpResponse<String> push(String line, String body) throws IOException, InterruptedException {
        return hub.send("PUT", "/api/context/" + line, body, MES);
    }

    /** Pushes version 1 of a line if it has none; returns its stored order. */
    void ensureContext(String line) throws Exception {
        if (storedChanges(line) == 0) {
            HttpResponse<String> r = push(
                    line,
                    "{\"productionOrder\":\"PO-" + line + "\",\"batch\":\"B-1\",\"version\":1,"
                            + "\"validFrom\":\"2026-01-01T00:00:00Z\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- OpenAPI

    @Test
    void openApiDocumentIsServedWithoutLoginAndValidates() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/api/openapi.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        Files.writeString(Path.of("target/openapi.json"), r.body());
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body(), null, options);
        assertThat(parsed.getMessages()).as("OpenAPI problems").isEmpty();
        assertThat(parsed.getOpenAPI().getPaths())
                .containsKeys("/inspections", "/inspections/{id}", "/context/{line}", "/context/{line}/history");
        String putDescription =
                parsed.getOpenAPI().getPaths().get("/context/{line}").getPut().getSummary();
        assertThat(putDescription).contains("Roles: INTEGRATOR, ADMIN");
    }

    // ---------------------------------------------------------------- access

    @Test
    void requestWithoutCredentialsGets401Json() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/api/inspections", null);
        assertError(r, 401, "unauthorized", null);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
    }

    @Test
    void wrongPasswordGets401() throws Exception {
        assertError(hub.send("GET", "/api/inspections", null, basic("operator", "wrong")), 401, "unauthorized", null);
    }

    @Test
    void wrongApiKeyGets401AndStoresNothing() throws Exception {
        int before = storedChanges("line-auth");
        HttpResponse<String> r = hub.send(
                "PUT",
                "/api/context/line-auth",
                "{\"productionOrder\":\"PO-X\"}",
                "X-API-Key",
                "not-a-key",
                "Content-Type",
                "application/json");
        assertError(r, 401, "invalid_api_key", "X-API-Key");
        assertThat(storedChanges("line-auth")).isEqualTo(before);
    }

    @Test
    void missingApiKeyOrLoginGets401AndStoresNothing() throws Exception {
        int before = storedChanges("line-auth");
        HttpResponse<String> r = hub.send(
                "PUT", "/api/context/line-auth", "{\"productionOrder\":\"PO-X\"}", "Content-Type", "application/json");
        assertError(r, 401, "unauthorized", null);
        assertThat(storedChanges("line-auth")).isEqualTo(before);
    }

    @Test
    void operatorMayNotPushContext() throws Exception {
        int before = storedChanges("line-auth");
        HttpResponse<String> r = hub.send(
                "PUT",
                "/api/context/line-auth",
                "{\"productionOrder\":\"PO-X\"}",
                concat(basic("operator"), "Content-Type", "application/json"));
        assertError(r, 403, "forbidden", null);
        assertThat(storedChanges("line-auth")).isEqualTo(before);
        assertError(hub.send("GET", "/api/context/line-auth", null, basic("operator")), 404, "no_context", null);
    }

    @Test
    void operatorMayNotReadOrderSummaries() throws Exception {
        assertError(hub.send("GET", "/api/orders/PO-1/summary", null, basic("operator")), 403, "forbidden", null);
    }

    @Test
    void actuatorHealthIsOpenAndJolokiaNeedsAdmin() throws Exception {
        assertThat(hub.send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
        assertError(hub.send("GET", "/actuator/jolokia", null), 401, "unauthorized", null);
        assertError(hub.send("GET", "/actuator/jolokia", null, basic("quality")), 403, "forbidden", null);
        assertThat(hub.send("GET", "/actuator/jolokia", null, basic("admin")).statusCode())
                .isNotIn(401, 403);
    }

    @Test
    void anAdminSetsALoggerLevelInTheRunningHubAndNobodyElseCan() throws Exception {
        String logger = "/actuator/loggers/io.visionhub.outputs.mqtt";
        String debug = "{\"configuredLevel\":\"DEBUG\"}";
        assertError(hub.sendAs("POST", logger, debug, "quality"), 403, "forbidden", null);
        assertThat(hub.sendAs("POST", logger, "{\"configuredLevel\":\"LOUD\"}", "admin")
                        .statusCode())
                .as("an unknown level is refused")
                .isEqualTo(400);
        try {
            assertThat(hub.sendAs("POST", logger, debug, "admin").statusCode()).isEqualTo(204);
            assertThat(org.slf4j.LoggerFactory.getLogger("io.visionhub.outputs.mqtt.ReliableMqttClient")
                            .isDebugEnabled())
                    .isTrue();
            assertThat(EventJson.mapper()
                            .readTree(hub.sendAs("GET", logger, null, "admin").body())
                            .path("configuredLevel")
                            .asText())
                    .isEqualTo("DEBUG");
        } finally {
            hub.sendAs("POST", logger, "{\"configuredLevel\":null}", "admin");
        }
        assertThat(org.slf4j.LoggerFactory.getLogger("io.visionhub.outputs.mqtt.ReliableMqttClient")
                        .isDebugEnabled())
                .as("a null level resets the logger")
                .isFalse();
    }

    @Test
    void contextEnrichmentCountersAreRegistered(@Autowired MeterRegistry registry) {
        assertThat(registry.find("visionhub.context.enriched")
                        .tag("status", "missing")
                        .functionCounter())
                .isNotNull();
        assertThat(registry.find("visionhub.context.enriched")
                        .tag("status", "applied")
                        .functionCounter())
                .isNotNull();
    }

    @Test
    void simulatorPathsNeedNoLogin() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/sim/nothing-here", null);
        assertThat(r.statusCode()).isNotIn(401, 403);
    }

    @Test
    void unknownApiPathGets404Json() throws Exception {
        assertError(hub.send("GET", "/api/no-such-thing", null, basic("admin")), 404, "not_found", null);
    }

    // ---------------------------------------------------------------- context push

    @Test
    void mesPushesContextAndEveryRoleReadsIt() throws Exception {
        HttpResponse<String> r = push(
                "line-push",
                "{\"productionOrder\":\"PO-1001\",\"product\":\"MAT-7\","
                        + "\"batch\":\"LOT-1\",\"shift\":\"A\",\"specVersion\":\"3\",\"limits\":{\"width\":{\"lsl\":9.9,"
                        + "\"target\":10.0,\"usl\":10.1,\"unit\":\"mm\"}},\"version\":5,\"validFrom\":\"2026-02-01T06:00:00Z\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("line").asText()).isEqualTo("line-push");
        assertThat(json(r).path("validFrom").asText()).isEqualTo("2026-02-01T06:00:00Z");
        for (String user : ApiRoles.ALL) {
            HttpResponse<String> get = hub.send("GET", "/api/context/line-push", null, basic(user.toLowerCase()));
            assertThat(get.statusCode()).as(user + ": " + get.body()).isEqualTo(200);
            assertThat(json(get).path("productionOrder").asText()).isEqualTo("PO-1001");
            assertThat(json(get).path("limits").path("width").path("usl").asDouble())
                    .isEqualTo(10.1);
        }
        HttpResponse<String> history = hub.send("GET", "/api/context/line-push/history", null, basic("auditor"));
        assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
        assertThat(json(history).get(0).path("principal").asText()).isEqualTo("api-key:mes");
        assertThat(json(history).get(0).path("source").asText()).isEqualTo("REST");
    }

    @Test
    void malformedJsonGets400AndStoresNothing() throws Exception {
        ensureContext("line-bad");
        int before = storedChanges("line-bad");
        assertError(push("line-bad", "{\"productionOrder\": \"PO-2\", "), 400, "malformed_json", null);
        assertThat(storedChanges("line-bad")).isEqualTo(before);
    }

    @Test
    void unknownLineGets404() throws Exception {
        assertError(push("line-nobody-knows", "{\"productionOrder\":\"PO-2\"}"), 404, "unknown_line", "line");
        assertError(
                hub.send("GET", "/api/context/line-nobody-knows", null, basic("operator")),
                404,
                "unknown_line",
                "line");
    }

    @Test
    void missingRequiredFieldGets400AndStoresNothing() throws Exception {
        ensureContext("line-bad");
        int before = storedChanges("line-bad");
        assertError(push("line-bad", "{\"batch\":\"B-2\",\"version\":99}"), 400, "missing_field", "productionOrder");
        assertThat(storedChanges("line-bad")).isEqualTo(before);
    }

    @Test
    void wrongTypeGets400NamingTheField() throws Exception {
        ensureContext("line-bad");
        int before = storedChanges("line-bad");
        assertError(
                push("line-bad", "{\"productionOrder\":\"PO-2\",\"version\":\"two\"}"),
                400,
                "invalid_field",
                "version");
        assertError(
                push("line-bad", "{\"productionOrder\":\"PO-2\",\"validFrom\":\"yesterday\"}"),
                400,
                "invalid_field",
                "validFrom");
        assertError(
                push("line-bad", "{\"productionOrder\":\"PO-2\",\"limits\":{\"w\":{\"lsl\":\"low\"}}}"),
                400,
                "invalid_field",
                "limits.w.lsl");
        assertError(push("line-bad", "[1,2,3]"), 400, "invalid_field", null);
        assertThat(storedChanges("line-bad")).isEqualTo(before);
    }

    @Test
    void unknownFieldGets400() throws Exception {
        assertError(
                push("line-bad", "{\"productionOrder\":\"PO-2\",\"colour\":\"red\"}"), 400, "unknown_field", "colour");
    }

    @Test
    void lineInBodyDifferentFromPathGets400() throws Exception {
        assertError(
                push("line-bad", "{\"line\":\"line-push\",\"productionOrder\":\"PO-2\"}"),
                400,
                "invalid_field",
                "line");
    }

    @Test
    void oversizedBodyGets413AndStoresNothing() throws Exception {
        ensureContext("line-bad");
        int before = storedChanges("line-bad");
        String big = "{\"productionOrder\":\"PO-2\",\"product\":\"" + "x".repeat(4000) + "\"}";
        assertError(push("line-bad", big), 413, "payload_too_large", null);
        assertThat(storedChanges("line-bad")).isEqualTo(before);
    }

    @Test
    void nonJsonBodyGets415() throws Exception {
        assertError(
                hub.send(
                        "PUT",
                        "/api/context/line-bad",
                        "productionOrder=PO-2",
                        "X-API-Key",
                        "demo-mes-key",
                        "Content-Type",
                        "application/x-www-form-urlencoded"),
                415,
                "unsupported_media_type",
                "Content-Type");
    }

    @Test
    void outOfOrderVersionGets409AndKeepsTheNewer() throws Exception {
        assertThat(push(
                                "line-stale",
                                "{\"productionOrder\":\"PO-NEW\",\"version\":10,"
                                        + "\"validFrom\":\"2026-02-01T08:00:00Z\"}")
                        .statusCode())
                .isIn(200, 409);
        int before = storedChanges("line-stale");
        HttpResponse<String> r = push(
                "line-stale",
                "{\"productionOrder\":\"PO-OLD\",\"version\":9," + "\"validFrom\":\"2026-02-01T09:00:00Z\"}");
        assertError(r, 409, "stale_version", "version");
        HttpResponse<String> sameVersion = push(
                "line-stale",
                "{\"productionOrder\":\"PO-OLD\",\"version\":10," + "\"validFrom\":\"2026-02-01T09:00:00Z\"}");
        assertError(sameVersion, 409, "stale_version", "version");
        HttpResponse<String> earlier = push(
                "line-stale",
                "{\"productionOrder\":\"PO-OLD\",\"version\":11," + "\"validFrom\":\"2026-02-01T07:00:00Z\"}");
        assertError(earlier, 409, "stale_validFrom", "validFrom");
        assertThat(storedChanges("line-stale")).isEqualTo(before);
        assertThat(json(hub.send("GET", "/api/context/line-stale", null, basic("operator")))
                        .path("productionOrder")
                        .asText())
                .isEqualTo("PO-NEW");
    }

    @Test
    void endOfProductionLeavesNoContextInForce() throws Exception {
        ensureContext("line-end");
        HttpResponse<String> end = hub.send("DELETE", "/api/context/line-end", null, "X-API-Key", "demo-mes-key");
        assertThat(end.statusCode()).as(end.body()).isEqualTo(200);
        assertError(hub.send("GET", "/api/context/line-end", null, basic("operator")), 404, "no_context", null);
        HttpResponse<String> before =
                hub.send("GET", "/api/context/line-end/at?time=2026-01-02T00:00:00Z", null, basic("operator"));
        assertThat(json(before).path("productionOrder").asText()).isEqualTo("PO-line-end");
    }

    @Test
    void badHistoryParametersGet400() throws Exception {
        assertError(
                hub.send("GET", "/api/context/line-push/history?limit=0", null, basic("auditor")),
                400,
                "invalid_field",
                "limit");
        assertError(
                hub.send("GET", "/api/context/line-push/history?from=monday", null, basic("auditor")),
                400,
                "invalid_field",
                "from");
    }

    // ---------------------------------------------------------------- inspections

    static final List<String> IDS = new ArrayList<>();

    @BeforeEach
    void seedInspections() {
        synchronized (IDS) {
            if (!IDS.isEmpty()) {
                return;
            }
            for (int i = 0; i < 30; i++) {
                String id = String.format("00000000-0000-4000-8000-%012d", i);
                IDS.add(id);
                String result = i % 3 == 0 ? "NG" : "OK";
                Instant capture = T0.plusSeconds(i);
                jdbc.update(
                        "INSERT INTO inspection (id, ledger_seq, station, camera, line, production_order, batch, shift,"
                                + " product, result, capture_time, inference_time, model_name, model_version, anomaly_score,"
                                + " part_id, image_sha256, event_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        id,
                        i + 1,
                        "station-" + (i % 2 + 1),
                        "cam-1",
                        i < 20 ? "line-1" : "line-2",
                        i < 15 ? "PO-A" : "PO-B",
                        "LOT-" + (i / 10),
                        i < 10 ? "A" : "B",
                        "MAT-1",
                        result,
                        OffsetDateTime.ofInstant(capture, ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(capture.plusMillis(80), ZoneOffset.UTC),
                        "demo-anomaly",
                        "1",
                        i / 30.0,
                        i == 16 ? "part-15" : "part-" + i,
                        "ab".repeat(32),
                        "{\"id\":\"" + id + "\",\"result\":\"" + result + "\",\"image\":{\"sha256\":\""
                                + "ab".repeat(32) + "\",\"uri\":\"/api/images/" + "ab".repeat(32) + "\"}}");
                if (result.equals("NG")) {
                    jdbc.update(
                            "INSERT INTO inspection_defect (inspection_id, idx, defect_class, confidence, x, y, w, h)"
                                    + " VALUES (?,?,?,?,?,?,?,?)",
                            id,
                            0,
                            i % 2 == 0 ? "scratch" : "dent",
                            0.9,
                            1,
                            2,
                            3,
                            4);
                }
            }
            jdbc.update(
                    "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts,"
                            + " document_number, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    IDS.get(12),
                    "sap-qm",
                    "QUALITY_NOTIFICATION",
                    IDS.get(12),
                    "DELIVERED",
                    1,
                    "QN-100",
                    OffsetDateTime.ofInstant(T0.plusSeconds(17), ZoneOffset.UTC),
                    OffsetDateTime.ofInstant(T0.plusSeconds(18), ZoneOffset.UTC));
        }
    }

    JsonNode list(String query) throws Exception {
        HttpResponse<String> r = hub.send("GET", "/api/inspections" + query, null, basic("operator"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    @Test
    void listsInspectionsNewestFirstWithPaging() throws Exception {
        JsonNode first = list("?limit=10");
        assertThat(first.path("items")).hasSize(10);
        assertThat(first.path("more").asBoolean()).isTrue();
        assertThat(first.path("items").get(0).path("id").asText()).isEqualTo(IDS.get(29));
        assertThat(first.path("items").get(0).path("captureTime").asText()).isEqualTo("2026-03-02T06:00:29Z");
        JsonNode last = list("?limit=10&offset=20");
        assertThat(last.path("items")).hasSize(10);
        assertThat(last.path("more").asBoolean()).isFalse();
        assertThat(last.path("items").get(9).path("id").asText()).isEqualTo(IDS.get(0));
    }

    @Test
    void filtersByLineStationOrderBatchResultDefectClassAndTime() throws Exception {
        assertThat(list("?line=line-2&limit=100").path("items")).hasSize(10);
        assertThat(list("?station=station-1&limit=100").path("items")).hasSize(15);
        assertThat(list("?order=PO-A&limit=100").path("items")).hasSize(15);
        assertThat(list("?batch=LOT-1&limit=100").path("items")).hasSize(10);
        assertThat(list("?result=NG&limit=100").path("items")).hasSize(10);
        assertThat(list("?defectClass=scratch&limit=100").path("items")).hasSize(5);
        String from = URLEncoder.encode("2026-03-02T06:00:10Z", StandardCharsets.UTF_8);
        String to = URLEncoder.encode("2026-03-02T06:00:20Z", StandardCharsets.UTF_8);
        assertThat(list("?from=" + from + "&to=" + to + "&limit=100").path("items"))
                .hasSize(10);
        assertThat(list("?order=PO-A&result=NG&line=line-1&limit=100").path("items"))
                .hasSize(5);
    }

    @Test
    void oneInspectionWithItsImageLinks() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/api/inspections/" + IDS.get(3), null, basic("quality"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("ledgerSeq").asLong()).isEqualTo(4);
        assertThat(json(r).path("event").path("image").path("uri").asText()).startsWith("/api/images/");
    }

    @Test
    void unknownInspectionGets404() throws Exception {
        assertError(
                hub.send("GET", "/api/inspections/11111111-2222-4333-8444-555555555555", null, basic("operator")),
                404,
                "unknown_inspection",
                null);
    }

    @Test
    void badListParametersGet400NamingTheParameter() throws Exception {
        assertError(
                hub.send("GET", "/api/inspections?limit=100000", null, basic("operator")),
                400,
                "invalid_field",
                "limit");
        assertError(
                hub.send("GET", "/api/inspections?limit=ten", null, basic("operator")), 400, "invalid_field", "limit");
        assertError(
                hub.send("GET", "/api/inspections?result=MAYBE", null, basic("operator")),
                400,
                "invalid_field",
                "result");
        assertError(
                hub.send("GET", "/api/inspections?from=today", null, basic("operator")), 400, "invalid_field", "from");
        assertError(
                hub.send(
                        "GET",
                        "/api/inspections?line=" + URLEncoder.encode("a'b", StandardCharsets.UTF_8),
                        null,
                        basic("operator")),
                400,
                "invalid_field",
                "line");
    }

    // ---------------------------------------------------------------- quality

    @Test
    void orderSummaryCountsNgRateDefectsAndFirstPassYieldPerShift() throws Exception {
        HttpResponse<String> r = hub.send("GET", "/api/orders/PO-A/summary", null, basic("quality"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode s = json(r);
        JsonNode c = s.path("counts");
        assertThat(c.path("inspections").asLong()).isEqualTo(15);
        assertThat(c.path("ng").asLong()).isEqualTo(5);
        assertThat(c.path("ok").asLong()).isEqualTo(10);
        assertThat(c.path("ngRate").asDouble()).isCloseTo(1 / 3.0, Offset.offset(1e-9));
        assertThat(c.path("firstPassYield").asDouble()).isCloseTo(10 / 15.0, Offset.offset(1e-9));
        assertThat(c.path("defectsByClass").path("scratch").asLong()).isEqualTo(3);
        assertThat(c.path("defectsByClass").path("dent").asLong()).isEqualTo(2);
        assertThat(s.path("lines").get(0).asText()).isEqualTo("line-1");
        assertThat(s.path("firstCapture").asText()).isEqualTo("2026-03-02T06:00:00Z");
        JsonNode shiftA = s.path("shifts").get(0);
        assertThat(shiftA.path("shift").asText()).isEqualTo("A");
        assertThat(shiftA.path("counts").path("ng").asLong()).isEqualTo(4);
        assertThat(shiftA.path("counts").path("defectsByClass").path("scratch").asLong())
                .isEqualTo(2);
        JsonNode shiftB = s.path("shifts").get(1);
        assertThat(shiftB.path("counts").path("inspections").asLong()).isEqualTo(5);
        assertThat(shiftB.path("counts").path("ng").asLong()).isEqualTo(1);
    }

    @Test
    void firstPassYieldCountsARetestedPartOnceByItsFirstResult() throws Exception {
        JsonNode c = json(hub.send("GET", "/api/orders/PO-B/summary", null, "X-API-Key", "demo-erp-key"))
                .path("counts");
        assertThat(c.path("inspections").asLong()).isEqualTo(15);
        assertThat(c.path("parts").asLong()).isEqualTo(14);
        assertThat(c.path("firstPassOk").asLong()).isEqualTo(9);
    }

    @Test
    void unknownOrderGets404() throws Exception {
        assertError(hub.send("GET", "/api/orders/PO-NONE/summary", null, basic("quality")), 404, "unknown_order", null);
    }

    @Test
    void lotTraceListsContextInspectionsAndDocumentsInTimeOrder() throws Exception {
        if (storedChanges("line-hist") == 0) {
            assertThat(push(
                                    "line-hist",
                                    "{\"productionOrder\":\"PO-A\",\"batch\":\"LOT-1\",\"version\":1,"
                                            + "\"validFrom\":\"2026-03-02T05:59:00Z\"}")
                            .statusCode())
                    .isEqualTo(200);
        }
        HttpResponse<String> r = hub.send("GET", "/api/lots/LOT-1/trace", null, basic("auditor"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode t = json(r);
        assertThat(t.path("orders").toString()).isEqualTo("[\"PO-A\",\"PO-B\"]");
        JsonNode entries = t.path("entries");
        assertThat(entries.get(0).path("kind").asText()).isEqualTo("CONTEXT");
        List<String> kinds = new ArrayList<>();
        Instant previous = Instant.MIN;
        for (JsonNode e : entries) {
            kinds.add(e.path("kind").asText());
            Instant time = Instant.parse(e.path("time").asText());
            assertThat(time).isAfterOrEqualTo(previous);
            previous = time;
        }
        assertThat(kinds.stream().filter("INSPECTION"::equals).count()).isEqualTo(10);
        JsonNode doc = null;
        for (JsonNode e : entries) {
            if (e.path("kind").asText().equals("DOCUMENT")) {
                doc = e;
            }
        }
        assertThat(doc).isNotNull();
        assertThat(doc.path("documentNumber").asText()).isEqualTo("QN-100");
        assertThat(doc.path("inspectionId").asText()).isEqualTo(IDS.get(12));
        assertThat(doc.path("result").asText()).isEqualTo("DELIVERED");
        JsonNode limited = json(hub.send("GET", "/api/lots/LOT-1/trace?limit=3", null, basic("auditor")));
        assertThat(limited.path("truncated").asBoolean()).isTrue();
    }

    @Test
    void unknownBatchGets404AndBadLimit400() throws Exception {
        assertError(hub.send("GET", "/api/lots/LOT-NONE/trace", null, basic("quality")), 404, "unknown_batch", null);
        assertError(
                hub.send("GET", "/api/lots/LOT-1/trace?limit=-1", null, basic("quality")),
                400,
                "invalid_field",
                "limit");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
