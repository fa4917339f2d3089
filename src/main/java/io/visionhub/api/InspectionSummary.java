package io.visionhub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One row of the inspection list (the stored columns; the full event is at /api/inspections/{id}), with the
 * inspection's current disposition when it has one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InspectionSummary(
        String id,
        Long ledgerSeq,
        String station,
        String camera,
        String line,
        String productionOrder,
        String batch,
        String shift,
        String product,
        String result,
        Instant captureTime,
        Instant inferenceTime,
        String modelName,
        String modelVersion,
        Double anomalyScore,
        String partId,
        String imageSha256,
        String annotatedSha256,
        CurrentDisposition disposition) {

    /** The same row with its current disposition. */
    public InspectionSummary withDisposition(CurrentDisposition d) {
        return new InspectionSummary(
                id,
                ledgerSeq,
                station,
                camera,
                line,
                productionOrder,
                batch,
                shift,
                product,
                result,
                captureTime,
                inferenceTime,
                modelName,
                modelVersion,
                anomalyScore,
                partId,
                imageSha256,
                annotatedSha256,
                d);
    }
}
