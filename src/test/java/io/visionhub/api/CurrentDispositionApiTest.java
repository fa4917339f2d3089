package io.visionhub.api;

import static io.visionhub.api.HubHttpClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.web.QualityTestData;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * "The current disposition shows everywhere" in the REST API: an inspection's row in /api/inspections, its
 * document at /api/inspections/{id}, the order summary's quality after dispositions and the lot trace all show the
 * disposition that stands now (the part's own, else its lot's; a superseding one replaces the earlier one).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"visionhub.routes.dir=target/current-disposition-no-routes"})
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class CurrentDispositionApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    DispositionService dispositions;

    final HubHttpClient hub = new HubHttpClient(() -> port);

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = hub.send("GET", path, null, basic("quality"));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return EventJson.mapper().readTree(r.body());
    }

    void sign(String type, String target, String decision, String supersedes) {
        DispositionRequest req = DispositionRequest.of(
                        type, target, decision, "test reason", "REVIEWED", "quality-demo")
                .withRequestId(UUID.randomUUID().toString());
        if (supersedes != null) {
            req = req.superseding(supersedes, "second look");
        }
        dispositions.sign("quality", req);
    }

    @Test
    void theCurrentDispositionShowsInInspectionsOrderSummaryAndLotTrace() throws Exception {
        String order = "PO-CD-" + UUID.randomUUID().toString().substring(0, 8);
        String lotA = order + "-LA";
        String lotB = order + "-LB";
        QualityTestData data = new QualityTestData(ledger);
        Instant t = Instant.now().minusSeconds(60);
        String ok = data.record("line-cd", "st-1", order, lotA, Verdict.OK, null, 0.1, t);
        String ngOwn = data.record("line-cd", "st-1", order, lotA, Verdict.NG, "scratch", 0.9, t.plusSeconds(1));
        String ngUndecided = data.record("line-cd", "st-1", order, lotA, Verdict.NG, "dent", 0.8, t.plusSeconds(2));
        String uncertainOfLot =
                data.record("line-cd", "st-1", order, lotB, Verdict.UNCERTAIN, null, 0.5, t.plusSeconds(3));

        sign("INSPECTION", ngOwn, "REJECT", null);
        String first = dispositions
                .sign(
                        "quality",
                        DispositionRequest.of("LOT", lotB, "REWORK", "whole lot", "REVIEWED", "quality-demo")
                                .withRequestId(UUID.randomUUID().toString()))
                .id();
        // superseded: the lot's current disposition is the second one
        sign("LOT", lotB, "ACCEPT", first);

        JsonNode own = get("/api/inspections/" + ngOwn);
        assertThat(own.path("disposition").path("disposition").asText()).isEqualTo("REJECT");
        assertThat(own.path("disposition").path("targetType").asText()).isEqualTo("INSPECTION");
        assertThat(own.path("disposition").path("printedName").asText()).isEqualTo("Quinn Quality (demo)");
        assertThat(own.path("event").path("id").asText()).isEqualTo(ngOwn);
        assertThat(own.has("batch")).as("internal lookup field not sent").isFalse();

        JsonNode ofLot = get("/api/inspections/" + uncertainOfLot);
        assertThat(ofLot.path("disposition").path("disposition").asText()).isEqualTo("ACCEPT");
        assertThat(ofLot.path("disposition").path("targetType").asText()).isEqualTo("LOT");
        assertThat(ofLot.path("disposition").path("targetId").asText()).isEqualTo(lotB);
        assertThat(get("/api/inspections/" + ngUndecided).has("disposition")).isFalse();

        JsonNode rows = get("/api/inspections?order=" + order + "&limit=10").path("items");
        assertThat(rows).hasSize(4);
        for (JsonNode r : rows) {
            String id = r.path("id").asText();
            String expected = id.equals(ngOwn) ? "REJECT" : id.equals(uncertainOfLot) ? "ACCEPT" : null;
            if (expected == null) {
                assertThat(r.has("disposition")).as(id).isFalse();
            } else {
                assertThat(r.path("disposition").path("disposition").asText())
                        .as(id)
                        .isEqualTo(expected);
            }
        }

        JsonNode q = get("/api/orders/" + order + "/summary").path("quality");
        assertThat(q.path("inspections").asLong()).isEqualTo(4);
        assertThat(q.path("good").asLong()).as("OK + the lot's ACCEPT").isEqualTo(2);
        assertThat(q.path("scrap").asLong()).isEqualTo(1);
        assertThat(q.path("rework").asLong())
                .as("the superseded REWORK no longer counts")
                .isZero();
        assertThat(q.path("ngUndecided").asLong()).isEqualTo(1);
        assertThat(q.path("pending").asLong()).isZero();
        assertThat(q.path("qualityRate").asDouble()).isEqualTo(0.5);
        assertThat(q.path("byDisposition").path("ACCEPT").asLong()).isEqualTo(1);
        assertThat(q.path("byDisposition").path("REJECT").asLong()).isEqualTo(1);
        assertThat(ok).isNotBlank();

        JsonNode trace = get("/api/lots/" + lotB + "/trace").path("entries");
        long current = 0;
        for (JsonNode e : trace) {
            if (e.path("kind").asText().equals("DISPOSITION")) {
                current++;
                assertThat(e.path("result").asText()).isEqualTo("ACCEPT");
                assertThat(e.path("detail").asText()).contains("whole lot", "supersedes " + first);
            }
        }
        assertThat(current).as("only the current disposition of the lot").isEqualTo(1);
    }
}
