package io.visionhub.enterprise.rules;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Severity (HIGH, MEDIUM, LOW) of an inspection from its defect classes: the highest of its defects. */
public final class SeverityPolicy {

    private static final List<String> ORDER = List.of("LOW", "MEDIUM", "HIGH");

    private final Map<String, String> byClass;
    private final String fallback;

    /** A severity that is not LOW, MEDIUM or HIGH (any case) is refused here, naming it. */
    public SeverityPolicy(Map<String, String> byClass, String fallback) {
        // normalised once: severityOf runs for every inspection
        Map<String, String> normal = new HashMap<>();
        if (byClass != null) {
            byClass.forEach((defectClass, severity) -> normal.put(defectClass, normal(severity)));
        }
        this.byClass = Map.copyOf(normal);
        this.fallback = normal(fallback == null ? "MEDIUM" : fallback);
    }

    public String severityOf(String defectClass) {
        return byClass.getOrDefault(defectClass, fallback);
    }

    public String severityOf(InspectionEvent event) {
        if (event.defects().isEmpty()) {
            return event.result() == InspectionEvent.Verdict.NG ? fallback : "LOW";
        }
        String best = "LOW";
        for (Defect d : event.defects()) {
            String s = severityOf(d.defectClass());
            if (ORDER.indexOf(s) > ORDER.indexOf(best)) {
                best = s;
            }
        }
        return best;
    }

    private static String normal(String s) {
        String u = s.trim().toUpperCase(Locale.ROOT);
        if (!ORDER.contains(u)) {
            throw new IllegalArgumentException("severity '" + s + "' is not one of " + ORDER);
        }
        return u;
    }
}
