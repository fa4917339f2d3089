package io.visionhub.quality.monitor;

import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sequences of inspections for the SPC tests: subgroups with a given number of NG parts. */
public final class SpcEvents {

    private final String line;
    private final String station;
    private String order;
    private Instant clock;

    public SpcEvents(String line, String station, String order, Instant start) {
        this.line = line;
        this.station = station;
        this.order = order;
        this.clock = start;
    }

    public SpcEvents order(String newOrder) {
        this.order = newOrder;
        return this;
    }

    /** One subgroup of {@code size} parts, the first {@code ng} of them NG with one scratch each. */
    public List<InspectionEvent> subgroup(int size, int ng) {
        List<InspectionEvent> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(part(i < ng));
        }
        return out;
    }

    /** Subgroups with these NG counts. */
    public List<InspectionEvent> subgroups(int size, int... ngCounts) {
        List<InspectionEvent> out = new ArrayList<>();
        for (int ng : ngCounts) {
            out.addAll(subgroup(size, ng));
        }
        return out;
    }

    public InspectionEvent part(boolean ng) {
        clock = clock.plusSeconds(1);
        List<Defect> defects = ng ? List.of(new Defect("scratch", 0.9, new Defect.Box(1, 2, 3, 4))) : List.of();
        ProductionContext ctx = new ProductionContext(
                line, order, "WIDGET-A", "1", null, "LOT-1", null, "A", null, null, 1, clock.minusSeconds(3600));
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                "cam-1",
                line,
                clock,
                clock,
                new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                ng ? InspectionEvent.Verdict.NG : InspectionEvent.Verdict.OK,
                defects,
                0.3,
                null,
                ctx,
                InspectionEvent.ContextStatus.APPLIED,
                "P-" + clock.toEpochMilli(),
                new Latency(1, 1, 5, 1, 8));
    }
}
