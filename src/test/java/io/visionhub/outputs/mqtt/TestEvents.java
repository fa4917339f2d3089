package io.visionhub.outputs.mqtt;

import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import java.time.Instant;
import java.util.List;

/** Inspection events for the shop-floor tests. */
public final class TestEvents {

    private TestEvents() {}

    public static InspectionEvent event(String station, String partId, InspectionEvent.Verdict verdict) {
        Instant now = Instant.now();
        List<Defect> defects = verdict == InspectionEvent.Verdict.NG
                ? List.of(new Defect("scratch", 0.91, new Defect.Box(10, 20, 30, 40)))
                : List.of();
        ProductionContext ctx = new ProductionContext(
                "line-1", "PO-1001", "WIDGET-A", "1", null, "B-7", null, "A", null, null, 1, now.minusSeconds(60));
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                "cam-1",
                "line-1",
                now,
                now,
                new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                verdict,
                defects,
                0.42,
                null,
                ctx,
                InspectionEvent.ContextStatus.APPLIED,
                partId,
                new Latency(1, 1, 5, 1, 8));
    }
}
