package io.visionhub.enterprise.rules;

import io.visionhub.enterprise.EnterpriseProperties;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of the enterprise rules: the configured defaults (visionhub.enterprise.rules.*), or those
 * defaults with the parameters of one {@code enterprise-rules-action} step ({@link EnterpriseRulesAction}) in
 * place. The {@code parse…} helpers read a step's text parameters: a blank value keeps the default (null),
 * "none" turns a target or a list off, anything else that does not parse is an error naming the parameter.
 */
public record RuleSettings(
        String qualityNotificationTarget,
        String maintenanceTarget,
        int maintenanceThreshold,
        Duration maintenanceWindow,
        List<String> maintenanceClasses,
        List<String> extraNgTargets,
        String inspectionResultTarget) {

    public RuleSettings {
        if (maintenanceThreshold < 1) {
            throw new IllegalArgumentException("maintenanceThreshold must be at least 1, not " + maintenanceThreshold);
        }
        if (maintenanceWindow == null || maintenanceWindow.isZero() || maintenanceWindow.isNegative()) {
            throw new IllegalArgumentException(
                    "maintenanceWindow must be a positive duration, not " + maintenanceWindow);
        }
        maintenanceClasses = List.copyOf(maintenanceClasses);
        extraNgTargets = List.copyOf(extraNgTargets);
    }

    public static RuleSettings defaults(EnterpriseProperties.Rules r) {
        return new RuleSettings(
                r.qualityNotificationTarget(),
                r.maintenanceTarget(),
                r.maintenanceThreshold(),
                r.maintenanceWindow(),
                r.maintenanceClasses(),
                r.extraNgTargets(),
                r.inspectionResultTarget());
    }

    /** A target parameter: null (keep the default) when blank, "" (off) for "none", else the target name. */
    public static String parseTarget(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return "none".equalsIgnoreCase(value.trim()) ? "" : value.trim();
    }

    /** A whole-number parameter: null when blank. */
    public static Integer parseInteger(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "rule parameter " + name + " must be a whole number, not '" + value + "'");
        }
    }

    /** A duration parameter (10m, 30s, 2h, 500ms, PT10M or milliseconds): null when blank. */
    public static Duration parseDuration(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s);
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            char unit = s.charAt(s.length() - 1);
            return switch (unit) {
                case 's' -> Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
                case 'm' -> Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
                case 'h' -> Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
                default -> Duration.ofMillis(Long.parseLong(s));
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("rule parameter " + name + " must be a duration like 10m, 30s, "
                    + "PT10M or milliseconds, not '" + s + "'");
        }
    }

    /** A comma-separated list parameter: null when blank, empty for "none". */
    public static List<String> parseList(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if ("none".equalsIgnoreCase(value.trim())) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
