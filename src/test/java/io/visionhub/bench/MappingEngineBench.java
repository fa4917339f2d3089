package io.visionhub.bench;

import io.visionhub.enterprise.DeliveryInput;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of one mapping as a delivery thread runs it again and again: {@link MappingEngine#map} of
 * {@code mappings/demo-customer/<mapping>.jsonata} on one thread, in blocks; prints µs per map for each block. The
 * figure must stay flat from block to block (it grew with every evaluation while dashjoin's per-thread state nested
 * a frame per evaluation of a template with a block: bench/README-enterprise.md).
 *
 * <p>Args: [mapping=sap-qm-ncr-item] [blocks=5] [perBlock=500].
 */
public final class MappingEngineBench {

    private MappingEngineBench() {}

    public static void main(String[] args) {
        String mapping = args.length > 0 ? args[0] : "sap-qm-ncr-item";
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int perBlock = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        MappingEngine engine = new MappingEngine(Path.of("mappings"), EventJson.mapper());
        InspectionEvent event = TestEvents.ng("station-1", "crack");
        Map<String, Object> input = DeliveryInput.of(
                event, "sap-qm", "QUALITY_NOTIFICATION", "NCR|1|item|1", 1, "HIGH", "site", "demo-customer");
        // what the NCR templates read besides the event (docs/quality.md, "Non-conformances and CAPA")
        input.put(
                "ncr",
                Map.of(
                        "id", "NCR-1",
                        "defectClass", "crack",
                        "productionOrder", "PO-1",
                        "item", Map.of("itemNo", 1, "inspectionId", event.id())));
        StringBuilder out = new StringBuilder();
        for (int b = 0; b < blocks; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < perBlock; i++) {
                engine.map("demo-customer", mapping, input);
            }
            out.append(String.format(Locale.ROOT, " %.1f", (System.nanoTime() - start) / 1e3 / perBlock));
        }
        System.out.println(
                "MappingEngineBench " + mapping + ", one thread, µs per map in blocks of " + perBlock + ":" + out);
    }
}
