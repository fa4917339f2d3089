package io.visionhub.vision.challenger;

import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ModelRef;

/**
 * One frame judged by the champion and by the challenger.
 *
 * @param inspectionId the champion's inspection id (the recorded event, which dispositions name)
 * @param champion     the champion model
 * @param championSaid the champion's verdict (the one the line acted on)
 * @param challenger   the challenger model
 * @param challengerSaid the challenger's verdict (nobody acted on it)
 */
public record Outcome(
        String inspectionId, ModelRef champion, Verdict championSaid, ModelRef challenger, Verdict challengerSaid) {

    public boolean agree() {
        return championSaid == challengerSaid;
    }
}
