package io.visionhub.enterprise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.enterprise.outbox.OutboxOperations;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.outbox.OutboxRow;
import io.visionhub.enterprise.outbox.OutboxTestDb;
import io.visionhub.enterprise.sync.ProductionOrderSync;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The routes behind /api/outbox (the REST verbs hand over to them): roles, retry, cancel, audit, bad input. */
class OutboxRestRoutesTest {

    private CamelContext camel;
    private ProducerTemplate producer;
    private OutboxRepository repo;
    private long parkedId;

    @BeforeEach
    void setUp() throws Exception {
        OutboxTestDb db = OutboxTestDb.inMemory();
        repo = new OutboxRepository(db.dataSource());
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        db.record(e, "sap-qm", "QUALITY_NOTIFICATION", e.id());
        parkedId = repo.forInspection(e.id()).get(0).id();
        repo.park(
                parkedId,
                10,
                "sap-qm: create QualityNotification answered 400: QM/103 Notification type",
                Instant.now());

        camel = new DefaultCamelContext();
        camel.addRoutes(
                new EnterpriseRoutes(
                        new OutboxOperations(repo, Clock.systemUTC()),
                        new StaticListableBeanFactory().getBeanProvider(ProductionOrderSync.class)) {
                    @Override
                    protected void restEndpoints() {
                        // platform-http is not part of this test; the REST verbs only forward to the direct: routes
                    }
                });
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void tearDown() {
        camel.stop();
    }

    private Exchange call(String route, String user, String roles, Map<String, Object> headers, String body) {
        return producer.request("direct:" + route, x -> {
            if (user != null) {
                x.getMessage().setHeader("VisionHubPrincipal", user);
                x.getMessage().setHeader("VisionHubRoles", roles);
            }
            headers.forEach(x.getMessage()::setHeader);
            x.getMessage().setBody(body);
        });
    }

    private static int status(Exchange x) {
        return x.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static JsonNode json(Exchange x) throws Exception {
        return EventJson.mapper().readTree(x.getMessage().getBody(String.class));
    }

    @Test
    void integratorListsParkedRetriesWithReasonAndTheAuditShowsIt() throws Exception {
        Exchange list = call("enterprise-outbox-list", "ida", "INTEGRATOR", Map.of(), null);
        assertThat(status(list)).isEqualTo(200);
        assertThat(json(list).path("rows")).hasSize(1);
        assertThat(json(list).path("rows").get(0).path("lastError").asText()).contains("QM/103");

        Exchange retry = call(
                "enterprise-outbox-retry",
                "ida",
                "QUALITY,INTEGRATOR",
                Map.of("id", String.valueOf(parkedId)),
                "{\"reason\": \"customizing fixed in SAP\"}");
        assertThat(status(retry)).isEqualTo(200);
        assertThat(json(retry).path("status").asText()).isEqualTo("PENDING");

        Exchange one = call("enterprise-outbox-get", "ida", "INTEGRATOR", Map.of("id", String.valueOf(parkedId)), null);
        JsonNode audit = json(one).path("audit");
        assertThat(audit).hasSize(1);
        assertThat(audit.toString()).contains("RETRY").contains("ida").contains("customizing fixed in SAP");
    }

    @Test
    void adminCancelsAndASecondCancelIsAConflict() throws Exception {
        Map<String, Object> id = Map.of("id", String.valueOf(parkedId));
        assertThat(status(call("enterprise-outbox-cancel", "root", "ADMIN", id, null)))
                .isEqualTo(200);
        assertThat(repo.find(parkedId).orElseThrow().status()).isEqualTo(OutboxRow.CANCELLED);
        Exchange again = call("enterprise-outbox-cancel", "root", "ADMIN", id, null);
        assertThat(status(again)).isEqualTo(409);
        assertThat(json(again).path("message").asText()).contains("CANCELLED");
    }

    @Test
    void otherRolesAndAnonymousCallersAreRefused() {
        assertThat(status(call("enterprise-outbox-list", "olga", "OPERATOR,QUALITY", Map.of(), null)))
                .isEqualTo(403);
        assertThat(status(call("enterprise-outbox-retry", null, null, Map.of("id", String.valueOf(parkedId)), null)))
                .isEqualTo(403);
        assertThat(repo.find(parkedId).orElseThrow().status()).isEqualTo(OutboxRow.PARKED);
    }

    @Test
    void productionOrderOffersAreReadableByOperatorsOnly() throws Exception {
        Exchange ok = call("enterprise-production-orders-list", "olga", "OPERATOR", Map.of(), null);
        assertThat(status(ok)).isEqualTo(200);
        assertThat(json(ok).path("orders").isArray()).isTrue();
        assertThat(status(call("enterprise-production-orders-list", "aud", "AUDITOR", Map.of(), null)))
                .isEqualTo(403);
    }

    @Test
    void badInputGetsA400Or404() throws Exception {
        assertThat(status(call("enterprise-outbox-retry", "ida", "INTEGRATOR", Map.of("id", "abc"), null)))
                .isEqualTo(400);
        assertThat(status(call(
                        "enterprise-outbox-retry",
                        "ida",
                        "INTEGRATOR",
                        Map.of("id", String.valueOf(parkedId)),
                        "{not json")))
                .isEqualTo(400);
        assertThat(status(call("enterprise-outbox-list", "ida", "INTEGRATOR", Map.of("status", "LOST"), null)))
                .isEqualTo(400);
        Exchange missing = call("enterprise-outbox-get", "ida", "INTEGRATOR", Map.of("id", "987654"), null);
        assertThat(status(missing)).isEqualTo(404);
        assertThat(json(missing).path("code").asText()).isEqualTo("not_found");
    }

    /** A mapping error parked every delivery of one target: one call retries them all, with one audit record. */
    @Test
    void bulkRetryRequeuesTheParkedRowsOfATargetAndTimeRangeWithOneAuditRecord() throws Exception {
        Instant t0 = Instant.parse("2026-12-01T06:00:00Z");
        for (int i = 0; i < 5; i++) {
            repo.insert(
                    "insp-" + i,
                    i < 4 ? "sap-qm" : "maximo",
                    "QUALITY_NOTIFICATION",
                    "k-" + i,
                    t0.plusSeconds(60L * i));
        }
        Instant later = t0.plusSeconds(3600);
        for (OutboxRow r : repo.page(OutboxRow.PENDING, 0, 10)) {
            assertThat(repo.claim(r.id(), later, later)).isTrue();
            repo.park(r.id(), 10, "mapping sap-qm.jsonata: syntax error at line 3", later);
        }
        List<OutboxRow> fresh = repo.page(OutboxRow.PARKED, parkedId, 10);
        OutboxRow outOfRange = fresh.get(3); // sap-qm, made at t0 + 3 min: outside [t0, t0 + 3 min)
        Exchange bulk = call(
                "enterprise-outbox-bulk-retry",
                "ida",
                "INTEGRATOR",
                Map.of(),
                "{\"target\": \"sap-qm\", \"status\": \"PARKED\", \"from\": \"2026-12-01T06:00:00Z\", "
                        + "\"to\": \"2026-12-01T06:03:00Z\", \"reason\": \"mapping fixed\"}");
        assertThat(status(bulk)).isEqualTo(200);
        assertThat(json(bulk).path("count").asInt()).isEqualTo(3);
        assertThat(json(bulk).path("firstId").asLong()).isEqualTo(fresh.get(0).id());
        assertThat(json(bulk).path("lastId").asLong()).isEqualTo(fresh.get(2).id());
        for (int i = 0; i < 3; i++) {
            OutboxRow r = repo.find(fresh.get(i).id()).orElseThrow();
            assertThat(r.status()).isEqualTo(OutboxRow.PENDING);
            assertThat(r.attempts()).isZero();
            assertThat(r.mayHaveReached())
                    .as("the retry looks the document up first")
                    .isTrue();
            assertThat(r.externalReference()).isNotNull().isEqualTo(fresh.get(i).externalReference());
        }
        assertThat(repo.find(outOfRange.id()).orElseThrow().status()).isEqualTo(OutboxRow.PARKED);
        assertThat(repo.find(fresh.get(4).id()).orElseThrow().status())
                .as("other target")
                .isEqualTo(OutboxRow.PARKED);
        assertThat(repo.find(parkedId).orElseThrow().status())
                .as("made now, after 'to'")
                .isEqualTo(OutboxRow.PARKED);

        Exchange audit = call("enterprise-outbox-bulk-retries", "ida", "INTEGRATOR", Map.of(), null);
        JsonNode retries = json(audit).path("retries");
        assertThat(retries).hasSize(1);
        assertThat(retries.get(0).path("actor").asText()).isEqualTo("ida");
        assertThat(retries.get(0).path("count").asInt()).isEqualTo(3);
        assertThat(retries.get(0).path("reason").asText()).isEqualTo("mapping fixed");
        assertThat(retries.get(0).path("filter").path("target").asText()).isEqualTo("sap-qm");
        assertThat(retries.get(0).path("filter").path("to").asText()).isEqualTo("2026-12-01T06:03:00Z");
    }

    @Test
    void bulkRetryRefusesOtherRolesAndBadFilters() throws Exception {
        assertThat(status(call("enterprise-outbox-bulk-retry", "olga", "OPERATOR", Map.of(), "{}")))
                .isEqualTo(403);
        Exchange failed =
                call("enterprise-outbox-bulk-retry", "ida", "INTEGRATOR", Map.of(), "{\"status\": \"FAILED\"}");
        assertThat(status(failed)).isEqualTo(400);
        assertThat(json(failed).path("message").asText()).contains("status must be PARKED");
        Exchange badTime =
                call("enterprise-outbox-bulk-retry", "ida", "INTEGRATOR", Map.of(), "{\"from\": \"yesterday\"}");
        assertThat(status(badTime)).isEqualTo(400);
        assertThat(json(badTime).path("message").asText()).contains("from must be an ISO-8601 instant");
        Exchange unknown =
                call("enterprise-outbox-bulk-retry", "ida", "INTEGRATOR", Map.of(), "{\"targets\": \"sap-qm\"}");
        assertThat(status(unknown)).isEqualTo(400);
        assertThat(json(unknown).path("message").asText()).contains("unknown field 'targets'");
        Exchange reversed = call(
                "enterprise-outbox-bulk-retry",
                "ida",
                "INTEGRATOR",
                Map.of(),
                "{\"from\": \"2026-12-02T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\"}");
        assertThat(status(reversed)).isEqualTo(400);
        assertThat(repo.find(parkedId).orElseThrow().status()).isEqualTo(OutboxRow.PARKED);
    }

    /** Reconciliation past 1,000 rows: cursor pages in id order, each row exactly once, 'next' null at the end. */
    @Test
    void listPagesPastAThousandRowsWithACursorInIdOrder() throws Exception {
        Instant t = Instant.parse("2026-12-01T06:00:00Z");
        for (int i = 0; i < 1_203; i++) {
            repo.insert("insp-" + i, "sap-qm", "QUALITY_NOTIFICATION", "page-" + i, t);
        }
        List<Long> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Map<String, Object> h = new HashMap<>(Map.of("status", "ALL", "limit", "500"));
            if (after != null) {
                h.put("after", after);
            }
            Exchange page = call("enterprise-outbox-list", "ida", "INTEGRATOR", h, null);
            assertThat(status(page)).isEqualTo(200);
            json(page).path("rows").forEach(r -> seen.add(r.path("id").asLong()));
            after = json(page).path("next").isNull()
                    ? null
                    : json(page).path("next").asText();
            pages++;
        } while (after != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(1_204).doesNotHaveDuplicates().isSorted();

        Exchange bad = call("enterprise-outbox-list", "ida", "INTEGRATOR", Map.of("after", "x1"), null);
        assertThat(status(bad)).isEqualTo(400);
        assertThat(json(bad).path("message").asText()).contains("after must be the 'next' cursor");
    }
}
