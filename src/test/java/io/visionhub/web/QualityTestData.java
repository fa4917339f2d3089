package io.visionhub.web;

import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.JdbcInspectionLedger;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Records inspections in the hub's real ledger for the quality screens' tests: each with its order, lot, station
 * and verdict, so that a disposition signs a real ledger record.
 */
public final class QualityTestData {

    private final JdbcInspectionLedger ledger;

    public QualityTestData(JdbcInspectionLedger ledger) {
        this.ledger = ledger;
    }

    /** Records one inspection; NG ones get a defect of {@code defectClass}; returns its id. */
    public String record(
            String line,
            String station,
            String order,
            String lot,
            InspectionEvent.Verdict verdict,
            String defectClass,
            double score,
            Instant at) {
        String id = EventIds.newId();
        ProductionContext ctx = new ProductionContext(
                line, order, "P-42", "S-3", Map.of(), lot, "WC-1", "A", "OS-1", null, 1, at.minusSeconds(3600));
        InspectionEvent e = new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                id,
                station,
                "cam-1",
                line,
                at,
                at.plusMillis(40),
                new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                verdict,
                defectClass == null
                        ? List.of()
                        : List.of(new Defect(defectClass, 0.91, new Defect.Box(10, 20, 30, 40))),
                score,
                null,
                ctx,
                InspectionEvent.ContextStatus.APPLIED,
                "part-" + id.substring(id.length() - 6),
                new Latency(1, 2, 30, 3, 36));
        ledger.append(e, List.of());
        return id;
    }
}
