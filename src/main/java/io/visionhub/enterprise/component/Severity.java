package io.visionhub.enterprise.component;

import java.util.List;
import java.util.Locale;

/** The severities of visionhub.enterprise.rules.severity, lowest first. */
final class Severity {

    static final List<String> ORDER = List.of("LOW", "MEDIUM", "HIGH");

    private Severity() {}

    static String parse(String value) {
        String s = value.trim().toUpperCase(Locale.ROOT);
        if (!ORDER.contains(s)) {
            throw new IllegalArgumentException("minSeverity '" + value + "' is not one of " + ORDER);
        }
        return s;
    }

    static boolean atLeast(String severity, String min) {
        return ORDER.indexOf(severity) >= ORDER.indexOf(min);
    }
}
