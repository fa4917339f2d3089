package io.visionhub.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * What is being produced on a line, as the MES pushed it (ISA-95 terms).
 *
 * @param line            line / work unit id (ISA-95 HierarchyScope EquipmentID)
 * @param productionOrder production order (JobOrder ID)
 * @param product         material produced (MaterialDefinitionID)
 * @param specVersion     version of the specification the limits come from
 * @param limits          tolerance limits by characteristic
 * @param batch           batch / lot (MaterialLotID)
 * @param workCentre      work centre
 * @param shift           shift name or id
 * @param operatorStation operator station
 * @param inspectionLot   SAP QM inspection lot, where one exists
 * @param version         monotonic version of this context for the line; stale pushes are refused
 * @param validFrom       when the context took effect (UTC)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProductionContext(
        String line,
        String productionOrder,
        String product,
        String specVersion,
        Map<String, Limit> limits,
        String batch,
        String workCentre,
        String shift,
        String operatorStation,
        String inspectionLot,
        long version,
        Instant validFrom) {

    /** Lower and upper specification limits with a target, in a unit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limit(Double lsl, Double target, Double usl, String unit) {}
}
