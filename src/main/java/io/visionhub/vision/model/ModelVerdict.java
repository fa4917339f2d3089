package io.visionhub.vision.model;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import java.util.List;

/** What a model said about one image, with where the time went. */
public record ModelVerdict(
        Verdict result,
        List<Defect> defects,
        Double anomalyScore,
        double preprocessMs,
        double inferenceMs,
        double postprocessMs) {
    public ModelVerdict {
        defects = List.copyOf(defects);
    }
}
