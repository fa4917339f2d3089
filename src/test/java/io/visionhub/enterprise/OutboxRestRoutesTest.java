package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.enterprise.outbox.OutboxOperations;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.outbox.OutboxRow;
import io.visionhub.enterprise.outbox.OutboxTestDb;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
        repo.park(parkedId, 10, "sap-qm: create QualityNotification answered 400: QM/103 Notification type", Instant.now());

        camel = new DefaultCamelContext();
        camel.addRoutes(new EnterpriseRoutes(new OutboxOperations(repo, Clock.systemUTC()),
                new StaticListableBeanFactory().getBeanProvider(io.visionhub.enterprise.sync.ProductionOrderSync.class)) {
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

        Exchange retry = call("enterprise-outbox-retry", "ida", "QUALITY,INTEGRATOR", Map.of("id", String.valueOf(parkedId)),
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
        assertThat(status(call("enterprise-outbox-cancel", "root", "ADMIN", id, null))).isEqualTo(200);
        assertThat(repo.find(parkedId).orElseThrow().status()).isEqualTo(OutboxRow.CANCELLED);
        Exchange again = call("enterprise-outbox-cancel", "root", "ADMIN", id, null);
        assertThat(status(again)).isEqualTo(409);
        assertThat(json(again).path("message").asText()).contains("CANCELLED");
    }

    @Test
    void otherRolesAndAnonymousCallersAreRefused() {
        assertThat(status(call("enterprise-outbox-list", "olga", "OPERATOR,QUALITY", Map.of(), null))).isEqualTo(403);
        assertThat(status(call("enterprise-outbox-retry", null, null, Map.of("id", String.valueOf(parkedId)), null))).isEqualTo(403);
        assertThat(repo.find(parkedId).orElseThrow().status()).isEqualTo(OutboxRow.PARKED);
    }

    @Test
    void productionOrderOffersAreReadableByOperatorsOnly() throws Exception {
        Exchange ok = call("enterprise-production-orders-list", "olga", "OPERATOR", Map.of(), null);
        assertThat(status(ok)).isEqualTo(200);
        assertThat(json(ok).path("orders").isArray()).isTrue();
        assertThat(status(call("enterprise-production-orders-list", "aud", "AUDITOR", Map.of(), null))).isEqualTo(403);
    }

    @Test
    void badInputGetsA400Or404() throws Exception {
        assertThat(status(call("enterprise-outbox-retry", "ida", "INTEGRATOR", Map.of("id", "abc"), null))).isEqualTo(400);
        assertThat(status(call("enterprise-outbox-retry", "ida", "INTEGRATOR", Map.of("id", String.valueOf(parkedId)), "{not json")))
                .isEqualTo(400);
        assertThat(status(call("enterprise-outbox-list", "ida", "INTEGRATOR", Map.of("status", "LOST"), null))).isEqualTo(400);
        Exchange missing = call("enterprise-outbox-get", "ida", "INTEGRATOR", Map.of("id", "987654"), null);
        assertThat(status(missing)).isEqualTo(404);
        assertThat(json(missing).path("code").asText()).isEqualTo("not_found");
    }
}
