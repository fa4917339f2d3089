package io.visionhub.vision.challenger;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A station's champion–challenger figures: the challenger's run (agreement, skipped frames, disagreements with
 * their frames) and, per model, the confusion against the dispositions people made of the same inspections.
 *
 * @param judgedByPeople inspections of the kept outcomes that have a current disposition
 */
public record ChallengerReport(
        ChallengerRun.Stats run, int keptOutcomes, int judgedByPeople, List<Confusion> confusion) {

    /**
     * @param dispositions the current disposition (ACCEPT, REJECT, REWORK, USE_AS_IS) of each of these inspection ids
     *                     that has one
     */
    public static ChallengerReport of(
            ChallengerRun run, Function<Collection<String>, Map<String, String>> dispositions) {
        List<Outcome> outcomes = run.outcomes();
        Map<String, String> decided =
                dispositions.apply(outcomes.stream().map(Outcome::inspectionId).toList());
        int judged = (int) outcomes.stream()
                .filter(o -> decided.containsKey(o.inspectionId()))
                .count();
        return new ChallengerReport(run.stats(), outcomes.size(), judged, Confusion.of(outcomes, decided));
    }
}
