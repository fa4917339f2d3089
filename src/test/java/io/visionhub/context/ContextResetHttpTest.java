package io.visionhub.context;

import static io.visionhub.api.HubHttpClient.basicJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.api.HubHttpClient;
import io.visionhub.event.EventJson;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The context push's plausibility checks and the reset through real HTTP: 400 naming the field and the limit for a
 * validFrom far ahead and for the README's huge version after a timestamp version; the reset only by a logged-in
 * INTEGRATOR or ADMIN (not an API key, not an operator), with a reason, recorded in the history.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.flyway.locations=classpath:db/migration",
            "visionhub.context.lines=line-skew,line-reset",
            "visionhub.routes.dir=target/context-reset-test-no-routes",
        })
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class ContextResetHttpTest {

    static final String[] MES = {"X-API-Key", "demo-mes-key", "Content-Type", "application/json"};

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    final HubHttpClient hub = new HubHttpClient(() -> port);

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return EventJson.mapper().readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String code, String field, String... mentions)
            throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r);
        assertThat(e.path("code").asText()).as(r.body()).isEqualTo(code);
        if (field != null) {
            assertThat(e.path("field").asText()).as(r.body()).isEqualTo(field);
        }
        for (String m : mentions) {
            assertThat(e.path("message").asText()).contains(m);
        }
    }

    int stored(String line) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM production_context_change WHERE line = ?", Integer.class, line);
    }

    @Test
    void aFarFutureValidFromAndTheReadmesHugeVersionAreRefusedWith400AndTheLineStaysOpen() throws Exception {
        assertError(
                hub.send(
                        "PUT",
                        "/api/context/line-skew",
                        "{\"productionOrder\":\"PO-1\",\"validFrom\":\"2999-01-01T00:00:00Z\"}",
                        MES),
                400,
                "invalid_field",
                "validFrom",
                "2999-01-01T00:00:00Z",
                "visionhub.context.max-clock-skew",
                "PT5M");
        assertThat(stored("line-skew")).isZero();
        // as the demo MES stand-in pushes (a yyyyMMddHHmmss version), then the README's old example version
        HttpResponse<String> ok = hub.send(
                "PUT", "/api/context/line-skew", "{\"productionOrder\":\"PO-1\",\"version\":20261205000000}", MES);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertError(
                hub.send(
                        "PUT",
                        "/api/context/line-skew",
                        "{\"productionOrder\":\"4711\",\"version\":99999999999999}",
                        MES),
                400,
                "invalid_field",
                "version",
                "visionhub.context.max-version-step");
        HttpResponse<String> next = hub.send(
                "PUT", "/api/context/line-skew", "{\"productionOrder\":\"PO-2\",\"version\":20261205001000}", MES);
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(stored("line-skew")).isEqualTo(2);
    }

    @Test
    void aLineIsResetOnlyByALoggedInIntegratorOrAdminWithAReasonAndTheResetIsInTheHistory() throws Exception {
        HttpResponse<String> first =
                hub.send("PUT", "/api/context/line-reset", "{\"productionOrder\":\"PO-OLD\",\"version\":7}", MES);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String body = "{\"reason\":\"wrong version pushed during commissioning\"}";
        // a system's API key may push but not reset; an operator may not reset
        assertError(hub.send("POST", "/api/context/line-reset/reset", body, MES), 403, "person_required", null);
        assertThat(hub.send("POST", "/api/context/line-reset/reset", body, basicJson("operator"))
                        .statusCode())
                .isEqualTo(403);
        assertError(
                hub.send("POST", "/api/context/line-reset/reset", "{}", basicJson("integrator")),
                400,
                "missing_field",
                "reason");
        assertError(
                hub.send("POST", "/api/context/line-nobody/reset", body, basicJson("integrator")),
                404,
                "unknown_line",
                "line");
        assertThat(stored("line-reset")).isEqualTo(1);

        HttpResponse<String> reset = hub.send("POST", "/api/context/line-reset/reset", body, basicJson("integrator"));
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(json(reset).path("epoch").asLong()).isEqualTo(1);
        assertThat(json(reset).path("discarded").path("version").asLong()).isEqualTo(7);
        assertThat(json(reset).path("principal").asText()).isEqualTo("integrator");

        // pushes work again, versions from 1
        HttpResponse<String> again =
                hub.send("PUT", "/api/context/line-reset", "{\"productionOrder\":\"PO-NEW\",\"version\":1}", MES);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        HttpResponse<String> history = hub.send("GET", "/api/context/line-reset/history", null, basicJson("auditor"));
        JsonNode h = json(history);
        assertThat(h.get(1).path("source").asText()).isEqualTo("RESET");
        assertThat(h.get(1).path("principal").asText()).isEqualTo("integrator");
        assertThat(h.get(1).path("reason").asText()).isEqualTo("wrong version pushed during commissioning");
        assertThat(h.get(0).path("context").path("productionOrder").asText()).isEqualTo("PO-NEW");
        Map<String, Object> row = jdbc.queryForMap("SELECT epoch, principal, reason FROM production_context_change "
                + "WHERE line = 'line-reset' AND source = 'RESET'");
        assertThat(row.get("PRINCIPAL")).isEqualTo("integrator");
        assertThat(((Number) row.get("EPOCH")).longValue()).isEqualTo(1);
    }
}
