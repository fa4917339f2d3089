package io.visionhub.quality.ncr;

import java.time.Instant;
import java.util.List;

/**
 * The non-conformances the hub has opened: one per production order and defect class, with the parts added as
 * items. Implemented by the NCR service; reports and screens look it up as an optional bean.
 */
public interface NcrRegister {

    /** Non-conformances of one line opened or changed in [from, to), oldest first. */
    List<NcrSummary> ofLine(String line, Instant from, Instant to);

    /**
     * What a report or a screen shows of a non-conformance.
     *
     * @param id              the hub's NCR id
     * @param productionOrder order it is about
     * @param defectClass     defect class it is about
     * @param line            line
     * @param status          e.g. OPEN, CLOSED
     * @param items           parts added so far
     * @param opened          when it was opened
     * @param target          enterprise target it was raised in (e.g. sap-qm), null when none
     * @param externalId      the document number in that system, null until it answered
     */
    record NcrSummary(
            String id,
            String productionOrder,
            String defectClass,
            String line,
            String status,
            int items,
            Instant opened,
            String target,
            String externalId) {}
}
