package io.visionhub.enterprise.rules;

import io.visionhub.enterprise.EnterpriseProperties;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The parameters of the enterprise rules for one exchange: the configured defaults
 * (visionhub.enterprise.rules.*) overridden by exchange properties or headers named {@code visionhub.rules.<name>}
 * (what the enterprise-rules-action kamelet and route YAML set). A blank value keeps the default; "none"
 * turns a target or a list off.
 */
public record RuleSettings(String qualityNotificationTarget, String maintenanceTarget, int maintenanceThreshold,
                           Duration maintenanceWindow, List<String> maintenanceClasses, List<String> extraNgTargets,
                           String inspectionResultTarget) {

    public static final String PREFIX = "visionhub.rules.";

    public RuleSettings {
        if (maintenanceThreshold < 1) {
            throw new IllegalArgumentException("maintenanceThreshold must be at least 1, not " + maintenanceThreshold);
        }
        if (maintenanceWindow == null || maintenanceWindow.isZero() || maintenanceWindow.isNegative()) {
            throw new IllegalArgumentException("maintenanceWindow must be a positive duration, not " + maintenanceWindow);
        }
        maintenanceClasses = List.copyOf(maintenanceClasses);
        extraNgTargets = List.copyOf(extraNgTargets);
    }

    public static RuleSettings defaults(EnterpriseProperties.Rules r) {
        return new RuleSettings(r.getQualityNotificationTarget(), r.getMaintenanceTarget(), r.getMaintenanceThreshold(),
                r.getMaintenanceWindow(), r.getMaintenanceClasses(), r.getExtraNgTargets(), r.getInspectionResultTarget());
    }

    /** These settings with any parameter that {@code lookup} knows (by name without prefix) replaced. */
    public RuleSettings overriddenBy(Function<String, Object> lookup) {
        return new RuleSettings(
                string(lookup, "qualityNotificationTarget", qualityNotificationTarget),
                string(lookup, "maintenanceTarget", maintenanceTarget),
                integer(lookup, "maintenanceThreshold", maintenanceThreshold),
                duration(lookup, "maintenanceWindow", maintenanceWindow),
                list(lookup, "maintenanceClasses", maintenanceClasses),
                list(lookup, "extraNgTargets", extraNgTargets),
                string(lookup, "inspectionResultTarget", inspectionResultTarget));
    }

    public static RuleSettings of(Map<String, Object> params, RuleSettings defaults) {
        return defaults.overriddenBy(params::get);
    }

    private static String string(Function<String, Object> l, String name, String dflt) {
        Object v = blankToNull(l.apply(name));
        return v == null ? dflt : "none".equalsIgnoreCase(v.toString().trim()) ? "" : v.toString().trim();
    }

    private static Object blankToNull(Object v) {
        return v == null || v.toString().isBlank() ? null : v;
    }

    private static int integer(Function<String, Object> l, String name, int dflt) {
        Object v = blankToNull(l.apply(name));
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rule parameter " + PREFIX + name + " must be a whole number, not '" + v + "'");
        }
    }

    private static Duration duration(Function<String, Object> l, String name, Duration dflt) {
        Object v = blankToNull(l.apply(name));
        if (v == null) {
            return dflt;
        }
        if (v instanceof Duration d) {
            return d;
        }
        String s = v.toString().trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s);
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            char unit = s.charAt(s.length() - 1);
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofMillis(Long.parseLong(s));
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("rule parameter " + PREFIX + name + " must be a duration like 10m, 30s, "
                    + "PT10M or milliseconds, not '" + s + "'");
        }
    }

    private static List<String> list(Function<String, Object> l, String name, List<String> dflt) {
        Object v = blankToNull(l.apply(name));
        if (v == null) {
            return dflt;
        }
        if ("none".equalsIgnoreCase(v.toString().trim())) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        return Arrays.stream(v.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
