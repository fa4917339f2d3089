package io.visionhub.enterprise.sap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.HttpTransport;
import io.visionhub.enterprise.TargetAuth;
import io.visionhub.enterprise.TargetType;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SapSimulator;
import io.visionhub.simulators.SimulatedDocuments;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SAP QM defect target (API_DEFECT_SRV/A_Defect, OData V2, CSRF) against the SAP simulator: a defect per NG
 * part against the context's inspection lot, found again by its DefectText on retry; the simulator refuses what
 * SAP refuses; a token fetch that fails (404: service not activated) is remembered with a back-off instead of
 * repeated for every row.
 */
class SapDefectTargetTest {

    private EnterpriseSimulators sims;

    @BeforeEach
    void start() {
        sims = EnterpriseSimulators.onFreePorts();
    }

    @AfterEach
    void stop() {
        sims.close();
    }

    private EnterpriseProperties.Target defectTarget() {
        return EnterpriseProperties.Target.of(
                        TargetType.SAP_QM_DEFECT, sims.sap().baseUrl())
                .withBasic("VISIONHUB", "secret")
                .withSapClient("100")
                .withTimeout(Duration.ofSeconds(5));
    }

    private DeliveryService delivery() {
        Map<String, EnterpriseProperties.Target> targets =
                new LinkedHashMap<>(TestEvents.targets(sims, Duration.ofSeconds(5)));
        targets.put("sap-qm-defect", defectTarget());
        return new DeliveryService(
                new EnterpriseTargets(targets, n -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                new SeverityPolicy(Map.of("crack", "HIGH"), "MEDIUM"),
                "demo-customer",
                "test-site");
    }

    @Test
    void aDefectIsRecordedOnceAgainstTheInspectionLotAndFoundAgainOnRetry() {
        DeliveryService delivery = delivery();
        InspectionEvent e = TestEvents.ng("station-1", "scratch");

        String number = delivery.deliver(e, "sap-qm-defect", "DEFECT", e.id(), 1);
        String again = delivery.deliver(e, "sap-qm-defect", "DEFECT", e.id(), 2);

        assertThat(number).matches("\\d{12}");
        assertThat(again).isEqualTo(number);
        SimulatedDocuments defects = sims.sap().defects();
        assertThat(defects.all()).hasSize(1);
        Map<String, Object> fields = defects.all().get(0).fields();
        assertThat(fields)
                .containsEntry("InspectionLot", "010000000123")
                .containsEntry("DefectCategory", "06")
                .containsEntry("DefectCode", "SCRA")
                .containsEntry("ManufacturingOrder", "000001000001");
        assertThat((String) fields.get("DefectText"))
                .startsWith("VH ")
                .endsWith(" scratch")
                .hasSizeLessThanOrEqualTo(40);
    }

    @Test
    void theSimulatorRefusesADefectWithoutCategoryOrWithAnUnknownFieldAsSapGatewayDoes() {
        SapODataClient client = client(Clock.systemUTC());
        HttpResponse<String> noCategory =
                client.post(SapSimulator.DEFECT_SERVICE, "A_Defect", "{\"DefectText\":\"x\"}");
        assertThat(noCategory.statusCode()).isEqualTo(400);
        assertThat(noCategory.body())
                .contains("\"propertyref\":\"DefectCategory\"")
                .contains("\"innererror\"");
        HttpResponse<String> unknown = client.post(
                SapSimulator.DEFECT_SERVICE,
                "A_Defect",
                "{\"DefectText\":\"x\",\"DefectCategory\":\"06\",\"QltyNotifExternalReference\":\"R\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(HttpTransport.describeError(unknown.body())).contains("QltyNotifExternalReference");
    }

    @Test
    void aTokenFetchAnswered404IsRememberedWithBackOffNotRepeatedForEveryRow() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-05T01:00:00Z"));
        SapEntitySetTarget target = SapEntitySetTarget.of(TargetType.SAP_QM_DEFECT, client(clock));
        sims.sap().deactivateService(SapSimulator.DEFECT_SERVICE);

        // 20 outbox rows in the same moment: SAP is asked for a token once
        for (int row = 0; row < 20; row++) {
            assertThatThrownBy(() -> target.deliver(payload("row"), "k", false))
                    .isInstanceOfSatisfying(DeliveryException.class, ex -> {
                        assertThat(ex.isPermanent())
                                .as("a missing service is fixed on the SAP side")
                                .isFalse();
                        assertThat(ex.status()).isEqualTo(404);
                        assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
                        assertThat(ex.getMessage())
                                .contains("/IWFND/MAINT_SERVICE")
                                .contains("API_DEFECT_SRV");
                    });
        }
        // a retried row's look-up does not park it as a permanent 404 either
        assertThatThrownBy(() -> target.deliver(payload("row"), "k", true))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        ex -> assertThat(ex.isPermanent()).isFalse());
        assertThat(sims.sap().csrfFetches(SapSimulator.DEFECT_SERVICE)).isEqualTo(1);

        // the window (30 s) passes: one more fetch, still 404, and the back-off doubles to 60 s
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> target.deliver(payload("row"), "k", false)).isInstanceOf(DeliveryException.class);
        assertThat(sims.sap().csrfFetches(SapSimulator.DEFECT_SERVICE)).isEqualTo(2);
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> target.deliver(payload("row"), "k", false)).isInstanceOf(DeliveryException.class);
        assertThat(sims.sap().csrfFetches(SapSimulator.DEFECT_SERVICE)).isEqualTo(2);

        // the service is activated: after the window the rows flow, and the failure is forgotten
        sims.sap().activateService(SapSimulator.DEFECT_SERVICE);
        clock.advance(Duration.ofSeconds(30));
        assertThat(target.deliver(payload("first"), "k1", false)).matches("\\d{12}");
        assertThat(target.deliver(payload("second"), "k2", false)).matches("\\d{12}");
        assertThat(sims.sap().csrfFetches(SapSimulator.DEFECT_SERVICE)).isEqualTo(3);
    }

    @Test
    void aNonPositiveBackOffIsRefusedNamingTheSetting() {
        HttpTransport http = new HttpTransport("sap-qm-defect", Duration.ofSeconds(5));
        assertThatThrownBy(() -> new SapODataClient(
                        http,
                        sims.sap().baseUrl(),
                        "100",
                        TargetAuth.of(defectTarget(), http, "APIKey"),
                        Duration.ZERO,
                        Clock.systemUTC()))
                .hasMessageContaining("csrf-fetch-backoff");
    }

    private SapODataClient client(Clock clock) {
        HttpTransport http = new HttpTransport("sap-qm-defect", Duration.ofSeconds(5));
        return new SapODataClient(
                http,
                sims.sap().baseUrl(),
                "100",
                TargetAuth.of(defectTarget(), http, "APIKey"),
                Duration.ofSeconds(30),
                clock);
    }

    private static ObjectNode payload(String text) {
        return EventJson.mapper()
                .createObjectNode()
                .put("DefectText", "VH " + text)
                .put("DefectCategory", "06")
                .put("InspectionLot", "010000000123");
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
