package io.visionhub.quality.spc;

/**
 * A rule that holds for the points {@code firstIndex..lastIndex} of a chart; {@code lastIndex} is the point that
 * completed it (where the alarm is raised).
 */
public record RuleViolation(NelsonRule rule, int firstIndex, int lastIndex) {

    public String describe() {
        return "Nelson rule " + rule.number() + " (" + rule.description() + ") at points " + firstIndex + ".."
                + lastIndex;
    }
}
