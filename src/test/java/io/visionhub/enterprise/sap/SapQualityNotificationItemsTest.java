package io.visionhub.enterprise.sap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.GroupDocuments;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.simulators.EnterpriseSimulators;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A non-conformance in SAP QM against the SAP simulator: the notification made by mappings/demo-customer/sap-qm-ncr,
 * its parts added as items (sap-qm-ncr-item) with POST QualityNotification('n')/_QualityNotificationItem; a retry
 * after a lost answer finds the notification and the item instead of making a second one; a target without items
 * refuses an item for good. The NCR input comes from a {@link GroupDocuments} source as the NCR register gives it.
 */
class SapQualityNotificationItemsTest {

    EnterpriseSimulators sims;
    String parent;

    @BeforeEach
    void start() {
        sims = EnterpriseSimulators.onFreePorts();
    }

    @AfterEach
    void stop() {
        sims.close();
    }

    DeliveryService delivery() {
        DeliveryService d = new DeliveryService(
                new EnterpriseTargets(TestEvents.targets(sims, Duration.ofSeconds(5)), n -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                new SeverityPolicy(Map.of("crack", "HIGH"), "MEDIUM"),
                "demo-customer",
                "test-site");
        d.setGroupDocuments((target, type, key) -> {
            if (!key.startsWith("NCR|")) {
                return null;
            }
            Map<String, Object> ncr = new LinkedHashMap<>();
            ncr.put("id", "ncr-1");
            ncr.put("productionOrder", "000001000001");
            ncr.put("defectClass", "crack");
            ncr.put("line", "line-1");
            ncr.put("station", "station-1");
            ncr.put("product", "DEMO-PART-A");
            ncr.put("batch", "B-4711");
            ncr.put("trigger", "RULE");
            ncr.put("triggerDetail", "3 NG parts of class crack");
            ncr.put("openedAt", "2026-12-05T06:00:00Z");
            ncr.put("trend", Map.of("inspected", 10, "withClass", 3, "text", "3 of 10"));
            ncr.put("ledgerFrom", 7);
            ncr.put("self", "/api/quality/ncrs/ncr-1");
            ncr.put("evidence", "/api/quality/ncrs/ncr-1/evidence");
            if (key.equals("NCR|ncr-1")) {
                return new GroupDocuments.Extra("-ncr", Map.of("ncr", ncr), null);
            }
            ncr.put("item", Map.of("itemNo", 1, "inspectionId", "i-1", "image", "/api/images/ab"));
            return new GroupDocuments.Extra("-ncr-item", Map.of("ncr", ncr), parent);
        });
        return d;
    }

    @Test
    void theNcrIsOneNotificationAndEachPartOneItemFoundAgainOnRetry() {
        DeliveryService d = delivery();
        InspectionEvent part = TestEvents.ng("station-1", "crack");

        parent = d.deliver(part, "sap-qm", "NCR", "NCR|ncr-1", "VHREF0000000000000001", 1, false);
        String again = d.deliver(part, "sap-qm", "NCR", "NCR|ncr-1", "VHREF0000000000000001", 2, true);
        assertThat(again).isEqualTo(parent);
        assertThat(sims.sap().qualityNotifications().all())
                .singleElement()
                .satisfies(n -> assertThat(n.fields())
                        .containsEntry("ManufacturingOrder", "000001000001")
                        .containsEntry("QltyNotifExternalReference", "VHREF0000000000000001")
                        .containsEntry("NotificationText", "NCR crack order 000001000001"));

        String item = d.deliver(part, "sap-qm", "NCR_ITEM", "NCR|ncr-1|1", "VHREF0000000000000002", 1, false);
        String itemAgain = d.deliver(part, "sap-qm", "NCR_ITEM", "NCR|ncr-1|1", "VHREF0000000000000002", 2, true);
        assertThat(item).isEqualTo(parent + "/0001").isEqualTo(itemAgain);
        List<Map<String, Object>> items = sims.sap().qualityNotificationItems(parent);
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i).containsEntry("DefectCode", "CRAC").containsEntry("DefectCodeGroup", "VISION");
            assertThat((String) i.get("DefectText")).startsWith("VH VHREF0000000000000002 crack");
        });
        String second = d.deliver(part, "sap-qm", "NCR_ITEM", "NCR|ncr-1|2", "VHREF0000000000000003", 1, false);
        assertThat(second).isEqualTo(parent + "/0002");
    }

    @Test
    void anItemForANotificationSapDoesNotKnowFailsAndATargetWithoutItemsRefusesForGood() {
        DeliveryService d = delivery();
        InspectionEvent part = TestEvents.ng("station-1", "crack");
        parent = "999999999999";
        assertThatThrownBy(
                        () -> d.deliver(part, "sap-qm", "NCR_ITEM", "NCR|ncr-1|1", "VHREF0000000000000004", 1, false))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("999999999999");
        assertThat(d.takesItems("sap-qm")).isTrue();
        assertThat(d.takesItems("maximo")).isFalse();
        assertThatThrownBy(
                        () -> d.deliver(part, "maximo", "NCR_ITEM", "NCR|ncr-1|1", "VHREF0000000000000005", 1, false))
                .isInstanceOf(DeliveryException.class)
                .satisfies(
                        e -> assertThat(((DeliveryException) e).isPermanent()).isTrue())
                .hasMessageContaining("does not take items");
    }
}
