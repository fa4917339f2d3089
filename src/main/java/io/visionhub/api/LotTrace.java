package io.visionhub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Everything the hub knows about one batch / lot, in time order: the context changes that started and ended it,
 * each inspection (with its defects), dispositions, and each enterprise document sent about its inspections.
 *
 * @param batch     the batch / lot
 * @param orders    production orders it was made under
 * @param entries   the trace, oldest first
 * @param truncated true when there were more inspections than the limit asked for (ask with a larger limit or
 *                  use /api/inspections?batch=)
 */
public record LotTrace(String batch, List<String> orders, List<Entry> entries, boolean truncated) {

    /** The kinds of entry in a lot trace. */
    public enum Kind {
        CONTEXT,
        INSPECTION,
        DISPOSITION,
        DOCUMENT
    }

    /**
     * One thing that happened to the lot.
     *
     * @param time           when (capture time, context validFrom, document creation / disposition time)
     * @param kind           what it is
     * @param inspectionId   the inspection it concerns (null for context changes)
     * @param productionOrder order (inspections and context changes)
     * @param result         OK/NG/UNCERTAIN for inspections; disposition decision; document status
     * @param detail         station and defect classes; document target, type and number; context version
     * @param documentNumber the enterprise document number once the target answered (documents only)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            Instant time,
            Kind kind,
            String inspectionId,
            String productionOrder,
            String result,
            String detail,
            String documentNumber) {}
}
