package io.visionhub.enterprise;

import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.simulators.EnterpriseSimulators;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Inspection events and target configuration for the enterprise tests. */
public final class TestEvents {

    private TestEvents() {}

    public static InspectionEvent ng(String station, String defectClass) {
        return ng(EventIds.newId(), station, defectClass, Instant.parse("2026-11-25T02:10:11.123Z"));
    }

    public static InspectionEvent ng(String id, String station, String defectClass, Instant at) {
        return ng(id, station, defectClass, at, "000001000001");
    }

    /** An NG part of this production order (the NCR register keeps one NCR per order and defect class). */
    public static InspectionEvent ng(String id, String station, String defectClass, Instant at, String order) {
        ProductionContext ctx = new ProductionContext(
                "line-1",
                order,
                "DEMO-PART-A",
                "A",
                null,
                "B-4711",
                "WC-10",
                "early",
                null,
                "010000000123",
                3,
                at.minusSeconds(3600));
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                id,
                station,
                "cam-1",
                "line-1",
                at,
                at.plusMillis(40),
                new ModelRef("demo-anomaly", "1.0.0", "ab".repeat(32), "anomaly"),
                InspectionEvent.Verdict.NG,
                List.of(new Defect(defectClass, 0.93, new Defect.Box(10, 20, 30, 40))),
                0.87,
                new ImageRef("cd".repeat(32), "/api/images/" + "cd".repeat(32), null, null, 640, 480),
                ctx,
                InspectionEvent.ContextStatus.APPLIED,
                "P-100",
                new Latency(1, 2, 30, 3, 36));
    }

    public static InspectionEvent ok(String station) {
        Instant at = Instant.parse("2026-11-25T02:10:11.123Z");
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                "cam-1",
                "line-1",
                at,
                at.plusMillis(40),
                new ModelRef("demo-anomaly", "1.0.0", "ab".repeat(32), "anomaly"),
                InspectionEvent.Verdict.OK,
                List.of(),
                0.1,
                null,
                null,
                InspectionEvent.ContextStatus.MISSING,
                null,
                null);
    }

    /** The demo targets, pointing at running simulators. */
    public static Map<String, EnterpriseProperties.Target> targets(EnterpriseSimulators sims, Duration timeout) {
        Map<String, EnterpriseProperties.Target> m = new LinkedHashMap<>();
        String sap = sims.sap().baseUrl();
        m.put(
                "sap-qm",
                target(TargetType.SAP_QM_NOTIFICATION, sap, timeout)
                        .withBasic("VISIONHUB", "secret")
                        .withSapClient("100"));
        m.put(
                "sap-pm",
                target(TargetType.SAP_PM_NOTIFICATION, sap, timeout)
                        .withOAuth2("/oauth/token", "visionhub", "visionhub-secret")
                        .withSapClient("100"));
        m.put(
                "sap-qm-ud",
                target(TargetType.SAP_QM_USAGE_DECISION, sap, timeout)
                        .withBasic("VISIONHUB", "secret")
                        .withSapClient("100"));
        m.put(
                "sap-qm-result",
                target(TargetType.SAP_QM_INSPECTION_RESULT, sap, timeout)
                        .withBasic("VISIONHUB", "secret")
                        .withSapClient("100"));
        m.put(
                "maximo",
                target(TargetType.MAXIMO_WORK_ORDER, sims.maximo().baseUrl(), timeout)
                        .withApiKey("maximo-demo-key"));
        m.put(
                "oracle-wo",
                target(TargetType.ORACLE_WORK_ORDER, sims.oracle().baseUrl(), timeout)
                        .withBasic("visionhub.integration", "secret"));
        m.put(
                "oracle-qi",
                target(TargetType.ORACLE_QUALITY_ISSUE, sims.oracle().baseUrl(), timeout)
                        .withOAuth2("/oauth2/v1/token", "visionhub", "visionhub-secret"));
        m.put(
                "webhook",
                target(TargetType.WEBHOOK, sims.webhook().baseUrl(), timeout)
                        .withAuth(EnterpriseProperties.AuthType.NONE)
                        .withPath("/cmms/work-requests")
                        .withSigningSecret("webhook-demo-secret"));
        return m;
    }

    private static EnterpriseProperties.Target target(TargetType type, String url, Duration timeout) {
        return EnterpriseProperties.Target.of(type, url).withTimeout(timeout);
    }
}
