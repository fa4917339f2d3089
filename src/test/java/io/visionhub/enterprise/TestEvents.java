package io.visionhub.enterprise;

import io.visionhub.event.Defect;
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

    private TestEvents() {
    }

    public static InspectionEvent ng(String station, String defectClass) {
        return ng(io.visionhub.event.EventIds.newId(), station, defectClass, Instant.parse("2026-11-25T02:10:11.123Z"));
    }

    public static InspectionEvent ng(String id, String station, String defectClass, Instant at) {
        ProductionContext ctx = new ProductionContext("line-1", "000001000001", "DEMO-PART-A", "A", null, "B-4711",
                "WC-10", "early", null, "010000000123", 3, at.minusSeconds(3600));
        return new InspectionEvent(InspectionEvent.SCHEMA_VERSION, id, station, "cam-1", "line-1", at, at.plusMillis(40),
                new ModelRef("demo-anomaly", "1.0.0", "ab".repeat(32), "anomaly"), InspectionEvent.Verdict.NG,
                List.of(new Defect(defectClass, 0.93, new Defect.Box(10, 20, 30, 40))), 0.87,
                new ImageRef("cd".repeat(32), "/api/images/" + "cd".repeat(32), null, null, 640, 480), ctx,
                InspectionEvent.ContextStatus.APPLIED, "P-100", new Latency(1, 2, 30, 3, 36));
    }

    public static InspectionEvent ok(String station) {
        Instant at = Instant.parse("2026-11-25T02:10:11.123Z");
        return new InspectionEvent(InspectionEvent.SCHEMA_VERSION, io.visionhub.event.EventIds.newId(), station, "cam-1", "line-1",
                at, at.plusMillis(40), new ModelRef("demo-anomaly", "1.0.0", "ab".repeat(32), "anomaly"),
                InspectionEvent.Verdict.OK, List.of(), 0.1, null, null, InspectionEvent.ContextStatus.MISSING, null, null);
    }

    /** The demo targets, pointing at running simulators. */
    public static Map<String, EnterpriseProperties.Target> targets(EnterpriseSimulators sims, Duration timeout) {
        Map<String, EnterpriseProperties.Target> m = new LinkedHashMap<>();
        EnterpriseProperties.Target qm = target(TargetType.SAP_QM_NOTIFICATION, sims.sap().baseUrl(), timeout);
        qm.setAuth(EnterpriseProperties.AuthType.BASIC);
        qm.setUsername("VISIONHUB");
        qm.setPassword("secret");
        qm.setSapClient("100");
        m.put("sap-qm", qm);
        EnterpriseProperties.Target pm = target(TargetType.SAP_PM_NOTIFICATION, sims.sap().baseUrl(), timeout);
        pm.setAuth(EnterpriseProperties.AuthType.OAUTH2);
        pm.setTokenUrl("/oauth/token");
        pm.setClientId("visionhub");
        pm.setClientSecret("visionhub-secret");
        pm.setSapClient("100");
        m.put("sap-pm", pm);
        EnterpriseProperties.Target ud = target(TargetType.SAP_QM_USAGE_DECISION, sims.sap().baseUrl(), timeout);
        ud.setUsername("VISIONHUB");
        ud.setPassword("secret");
        ud.setSapClient("100");
        m.put("sap-qm-ud", ud);
        EnterpriseProperties.Target res = target(TargetType.SAP_QM_INSPECTION_RESULT, sims.sap().baseUrl(), timeout);
        res.setUsername("VISIONHUB");
        res.setPassword("secret");
        res.setSapClient("100");
        m.put("sap-qm-result", res);
        EnterpriseProperties.Target mx = target(TargetType.MAXIMO_WORK_ORDER, sims.maximo().baseUrl(), timeout);
        mx.setAuth(EnterpriseProperties.AuthType.APIKEY);
        mx.setApiKey("maximo-demo-key");
        m.put("maximo", mx);
        EnterpriseProperties.Target wo = target(TargetType.ORACLE_WORK_ORDER, sims.oracle().baseUrl(), timeout);
        wo.setUsername("visionhub.integration");
        wo.setPassword("secret");
        m.put("oracle-wo", wo);
        EnterpriseProperties.Target qi = target(TargetType.ORACLE_QUALITY_ISSUE, sims.oracle().baseUrl(), timeout);
        qi.setAuth(EnterpriseProperties.AuthType.OAUTH2);
        qi.setTokenUrl("/oauth2/v1/token");
        qi.setClientId("visionhub");
        qi.setClientSecret("visionhub-secret");
        m.put("oracle-qi", qi);
        EnterpriseProperties.Target wh = target(TargetType.WEBHOOK, sims.webhook().baseUrl(), timeout);
        wh.setAuth(EnterpriseProperties.AuthType.NONE);
        wh.setPath("/cmms/work-requests");
        wh.setSigningSecret("webhook-demo-secret");
        m.put("webhook", wh);
        return m;
    }

    private static EnterpriseProperties.Target target(TargetType type, String url, Duration timeout) {
        EnterpriseProperties.Target t = new EnterpriseProperties.Target();
        t.setType(type);
        t.setUrl(url);
        t.setTimeout(timeout);
        return t;
    }
}
