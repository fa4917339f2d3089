package io.visionhub.quality.ncr;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule that confirms a defect without a person: {@code threshold} NG parts of one defect class in one
 * production order within a sliding {@code window}. Counts in memory per (order, class); once it fires, the parts
 * counted so far are handed over and the count starts again (the register adds later parts to the open NCR
 * instead of counting them). Not thread-safe: the NCR service calls it from its one worker thread.
 */
final class NcrRules {

    /** Defect class of an NG verdict without classified defects (anomaly models), as the enterprise rules count it. */
    static final String ANOMALY = "anomaly";

    /** A part that counts: its inspection and when it was captured. */
    record Part(String inspectionId, Instant at) {}

    private final int threshold;
    private final Duration window;
    private final Set<String> classes;
    private final Map<String, Deque<Part>> recent = new HashMap<>();

    NcrRules(int threshold, Duration window, List<String> classes) {
        this.threshold = threshold;
        this.window = window;
        this.classes = Set.copyOf(classes);
    }

    /** The defect classes an inspection is about (distinct; "anomaly" for an NG without classes), filtered. */
    List<String> classesOf(InspectionEvent e) {
        Set<String> out = new LinkedHashSet<>();
        for (Defect d : e.defects()) {
            out.add(d.defectClass());
        }
        if (out.isEmpty()) {
            out.add(ANOMALY);
        }
        List<String> counted = new ArrayList<>();
        for (String c : out) {
            if (classes.isEmpty() || classes.contains(c)) {
                counted.add(c);
            }
        }
        return counted;
    }

    /**
     * Counts an NG part of (order, class); returns the parts that confirm the defect now (the threshold reached
     * within the window, oldest first), or an empty list.
     */
    List<Part> count(String order, String defectClass, Part part) {
        Deque<Part> parts = recent.computeIfAbsent(key(order, defectClass), k -> new ArrayDeque<>());
        if (parts.stream().anyMatch(p -> p.inspectionId().equals(part.inspectionId()))) {
            return List.of();
        }
        parts.addLast(part);
        Instant from = part.at().minus(window);
        parts.removeIf(p -> p.at().isBefore(from));
        if (recent.size() > 10_000) { // orders that never reach the threshold: forget their old counts
            recent.values().removeIf(d -> d.isEmpty() || d.peekLast().at().isBefore(from));
        }
        if (parts.size() >= threshold) {
            List<Part> fired = List.copyOf(parts);
            recent.remove(key(order, defectClass));
            return fired;
        }
        return List.of();
    }

    /** Forgets the count of (order, class): an NCR opened for it by other means. */
    void forget(String order, String defectClass) {
        recent.remove(key(order, defectClass));
    }

    /** Pairs of (order, class) counted now (memory check). */
    int counting() {
        return recent.size();
    }

    private static String key(String order, String defectClass) {
        return order + "\u0000" + defectClass;
    }
}
