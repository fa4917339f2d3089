package io.visionhub.enterprise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.maximo.MaximoWorkOrderClient;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each connector against its simulator, through the demo customer's mapping: one document, found again on retry. */
class ConnectorsTest {

    private static EnterpriseSimulators sims;
    private static DeliveryService delivery;

    @BeforeAll
    static void start() {
        sims = EnterpriseSimulators.onFreePorts();
        delivery = new DeliveryService(
                new EnterpriseTargets(TestEvents.targets(sims, Duration.ofSeconds(5)), n -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                new SeverityPolicy(Map.of("crack", "HIGH"), "MEDIUM"),
                "demo-customer",
                "test-site");
    }

    @AfterAll
    static void stop() {
        sims.close();
    }

    private static void deliversOnceAndFindsItAgain(String target, String docType, SimulatedDocuments docs) {
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        String number = delivery.deliver(e, target, docType, e.id(), 1);
        assertThat(number).isNotBlank();
        String again = delivery.deliver(e, target, docType, e.id(), 2);
        assertThat(again).isEqualTo(number);
        assertThat(docs.all().stream()
                        .filter(d -> d.number().equals(number)
                                || String.valueOf(d.fields().get("WorkOrderNumber"))
                                        .equals(number)
                                || String.valueOf(d.fields().get("IssueNumber")).equals(number)))
                .hasSize(1);
    }

    @Test
    void sapQualityNotificationIsCreatedOnceWithDefectItems() {
        deliversOnceAndFindsItAgain("sap-qm", "QUALITY_NOTIFICATION", sims.sap().qualityNotifications());
        SimulatedDocuments.Document doc =
                sims.sap().qualityNotifications().all().get(0);
        assertThat(doc.fields())
                .containsEntry("NotificationType", "Q3")
                .containsEntry("NotificationPriority", "1")
                .containsEntry("ManufacturingOrder", "000001000001")
                .containsKey("_QualityNotificationItem");
    }

    @Test
    void sapMaintenanceNotificationIsCreatedOnceWithOAuth2Token() {
        deliversOnceAndFindsItAgain(
                "sap-pm", "MAINTENANCE_NOTIFICATION", sims.sap().maintenanceNotifications());
        SimulatedDocuments.Document doc =
                sims.sap().maintenanceNotifications().all().get(0);
        assertThat((String) doc.fields().get("MaintNotifExtReferenceNumber")).hasSize(20);
        assertThat(doc.fields())
                .containsEntry("TechnicalObject", "10000017")
                .containsEntry("MalfunctionStartTime", "PT02H10M11S");
    }

    @Test
    void sapInspectionResultIsRecordedOnceForTheContextsInspectionLot() {
        deliversOnceAndFindsItAgain(
                "sap-qm-result", "INSPECTION_RESULT", sims.sap().inspectionResults());
        assertThat(sims.sap().inspectionResults().all().get(0).fields())
                .containsEntry("InspectionLot", "010000000123")
                .containsEntry("InspectionValuationResult", "R");
    }

    @Test
    void maximoWorkOrderIsCreatedOnce() {
        deliversOnceAndFindsItAgain("maximo", "WORK_ORDER", sims.maximo().workOrders());
        assertThat(sims.maximo().workOrders().all().get(0).fields())
                .containsEntry("wopriority", 1)
                .containsEntry("status", "WAPPR");
    }

    @Test
    void oracleWorkOrderIsCreatedOnce() {
        deliversOnceAndFindsItAgain("oracle-wo", "WORK_ORDER", sims.oracle().workOrders());
    }

    @Test
    void oracleQualityIssueIsCreatedOnceWithOAuth2() {
        deliversOnceAndFindsItAgain("oracle-qi", "QUALITY_ISSUE", sims.oracle().qualityIssues());
        assertThat(sims.oracle().qualityIssues().all().get(0).fields()).containsEntry("Severity", "ORA_HIGH");
    }

    @Test
    void webhookIsSignedAndIdempotent() {
        deliversOnceAndFindsItAgain("webhook", "WORK_REQUEST", sims.webhook().workRequests());
    }

    @Test
    void expiredCsrfTokenIsRefreshedAndTheWriteSucceeds() {
        InspectionEvent first = TestEvents.ng("station-1", "scratch");
        delivery.deliver(first, "sap-qm", "QUALITY_NOTIFICATION", first.id(), 1);
        int fetches = sims.sap().csrfFetches();
        sims.sap().expireCsrfTokens();
        InspectionEvent second = TestEvents.ng("station-1", "scratch");
        assertThat(delivery.deliver(second, "sap-qm", "QUALITY_NOTIFICATION", second.id(), 1))
                .isNotBlank();
        assertThat(sims.sap().csrfFetches()).isEqualTo(fetches + 1);
    }

    @Test
    void expiredOAuthTokenIsRenewed() {
        InspectionEvent first = TestEvents.ng("station-1", "dent");
        delivery.deliver(first, "sap-pm", "MAINTENANCE_NOTIFICATION", first.id(), 1);
        sims.sap().expireTokens();
        InspectionEvent second = TestEvents.ng("station-1", "dent");
        assertThat(delivery.deliver(second, "sap-pm", "MAINTENANCE_NOTIFICATION", second.id(), 1))
                .isNotBlank();
    }

    @Test
    void serverErrorIsTransientAndNamesTheTarget() {
        sims.maximo().faults().serverErrors(1, 503);
        InspectionEvent e = TestEvents.ng("station-1", "dent");
        assertThatThrownBy(() -> delivery.deliver(e, "maximo", "WORK_ORDER", e.id(), 1))
                .isInstanceOfSatisfying(DeliveryException.class, ex -> {
                    assertThat(ex.isPermanent()).isFalse();
                    assertThat(ex.getMessage()).contains("maximo").contains("503");
                });
    }

    @Test
    void maximoAndOracleRefusalsArePermanentWithTheirOwnMessages() {
        InspectionEvent e = TestEvents.ng("station-1", "dent");
        var maximo = (MaximoWorkOrderClient) delivery.targets().client("maximo");
        var noSite =
                EventJson.mapper().createObjectNode().put("externalrefid", "R1").put("description", "x");
        assertThatThrownBy(() -> maximo.deliver(noSite, e.id(), false))
                .isInstanceOfSatisfying(DeliveryException.class, ex -> {
                    assertThat(ex.isPermanent()).isTrue();
                    assertThat(ex.status()).isEqualTo(400);
                })
                .hasMessageContaining("BMXAA4195E");
        TargetClient oracle = delivery.targets().client("oracle-qi");
        var badSeverity = EventJson.mapper()
                .createObjectNode()
                .put("Name", "VH-x")
                .put("Severity", "ORA_URGENT")
                .put("QualityTypeCode", "ORA_ENQ_QI_PR_ITEM")
                .put("OrganizationCode", "M1");
        assertThatThrownBy(() -> oracle.deliver(badSeverity, e.id(), false))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        ex -> assertThat(ex.isPermanent()).isTrue())
                .hasMessageContaining("QA-QI-SEV")
                .hasMessageContaining("ORA_URGENT");
    }

    @Test
    void slowAnswersWithinTheTimeoutStillDeliver() {
        sims.oracle().faults().slowAnswers(Duration.ofMillis(300));
        try {
            InspectionEvent e = TestEvents.ng("station-1", "dent");
            assertThat(delivery.deliver(e, "oracle-wo", "WORK_ORDER", e.id(), 1))
                    .startsWith("VH-");
        } finally {
            sims.oracle().faults().slowAnswers(Duration.ZERO);
        }
    }

    @Test
    void unknownTargetIsPermanent() {
        InspectionEvent e = TestEvents.ng("station-1", "dent");
        assertThatThrownBy(() -> delivery.deliver(e, "nowhere", "X", e.id(), 1))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        ex -> assertThat(ex.isPermanent()).isTrue())
                .hasMessageContaining("nowhere");
    }
}
