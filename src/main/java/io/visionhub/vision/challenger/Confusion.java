package io.visionhub.vision.challenger;

import io.visionhub.event.InspectionEvent.Verdict;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's verdicts against what people decided about the same parts (their current disposition of the
 * inspection): ACCEPT means the part was good; REJECT, REWORK and USE_AS_IS mean it had a non-conformity (USE_AS_IS
 * uses a non-conforming part, so a defect was there). A verdict of NG is a positive.
 *
 * @param model               model name and version ({@code name:version})
 * @param sha256              the model file's SHA-256
 * @param judged              parts of this model's frames that have a disposition
 * @param truePositive        NG, and the part was defective
 * @param falsePositive       NG, but the part was accepted
 * @param trueNegative        OK, and the part was accepted
 * @param falseNegative       OK, but the part was defective (an escape)
 * @param uncertainGood       UNCERTAIN, the part was accepted
 * @param uncertainDefective  UNCERTAIN, the part was defective
 */
public record Confusion(
        String model,
        String sha256,
        int judged,
        int truePositive,
        int falsePositive,
        int trueNegative,
        int falseNegative,
        int uncertainGood,
        int uncertainDefective) {

    /** Share of judged parts whose verdict matched the disposition (UNCERTAIN counts as not matching); null if none. */
    public Double accuracy() {
        return judged == 0 ? null : (truePositive + trueNegative) / (double) judged;
    }

    /** Whether a disposition says the part was defective; null for an unknown disposition. */
    static Boolean defective(String disposition) {
        if (disposition == null) {
            return null;
        }
        return switch (disposition.toUpperCase(Locale.ROOT)) {
            case "ACCEPT" -> false;
            case "REJECT", "REWORK", "USE_AS_IS" -> true;
            default -> null;
        };
    }

    /**
     * Champion and challenger confusions (in that order) over the outcomes that have a disposition.
     *
     * @param dispositions current disposition (ACCEPT, REJECT ...) by inspection id
     */
    public static List<Confusion> of(Collection<Outcome> outcomes, Map<String, String> dispositions) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> shas = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            Boolean bad = defective(dispositions.get(o.inspectionId()));
            if (bad == null) {
                continue;
            }
            count(
                    counts,
                    shas,
                    o.champion().name() + ":" + o.champion().version(),
                    o.champion().sha256(),
                    o.championSaid(),
                    bad);
            count(
                    counts,
                    shas,
                    o.challenger().name() + ":" + o.challenger().version(),
                    o.challenger().sha256(),
                    o.challengerSaid(),
                    bad);
        }
        return counts.entrySet().stream()
                .map(e -> {
                    int[] c = e.getValue();
                    return new Confusion(e.getKey(), shas.get(e.getKey()), c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
                })
                .toList();
    }

    private static void count(
            Map<String, int[]> counts, Map<String, String> shas, String model, String sha, Verdict said, boolean bad) {
        // the same name and version with another file is another model: keyed by its hash too
        String key =
                counts.containsKey(model) && !sha.equals(shas.get(model)) ? model + "@" + sha.substring(0, 12) : model;
        shas.putIfAbsent(key, sha);
        int[] c = counts.computeIfAbsent(key, k -> new int[7]);
        c[0]++;
        switch (said) {
            case NG -> c[bad ? 1 : 2]++;
            case OK -> c[bad ? 4 : 3]++;
            default -> c[bad ? 6 : 5]++;
        }
    }
}
