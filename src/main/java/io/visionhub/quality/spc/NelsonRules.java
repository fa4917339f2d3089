package io.visionhub.quality.spc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Evaluates the Nelson rules on a sequence of standardised points (z: distance from the centre line in sigmas).
 * Every point that completes a rule is reported, so a run that goes on keeps the alarm active; raising and clearing
 * alarms is the caller's concern.
 */
public final class NelsonRules {

    private final Set<NelsonRule> enabled;

    public NelsonRules(Set<NelsonRule> enabled) {
        this.enabled = enabled.isEmpty() ? EnumSet.noneOf(NelsonRule.class) : EnumSet.copyOf(enabled);
    }

    public static NelsonRules all() {
        return new NelsonRules(EnumSet.allOf(NelsonRule.class));
    }

    public List<RuleViolation> evaluate(List<ChartPoint> points) {
        return evaluateZ(points.stream().mapToDouble(ChartPoint::z).toArray());
    }

    /** Violations in index order, rule order within one index. */
    public List<RuleViolation> evaluateZ(double[] z) {
        List<RuleViolation> found = new ArrayList<>();
        for (int i = 0; i < z.length; i++) {
            for (NelsonRule rule : enabled) {
                int first = i - rule.window() + 1;
                if (first >= 0 && holds(rule, z, first, i)) {
                    found.add(new RuleViolation(rule, first, i));
                }
            }
        }
        return found;
    }

    private static boolean holds(NelsonRule rule, double[] z, int first, int last) {
        return switch (rule) {
            case RULE_1 -> Math.abs(z[last]) > 3;
            case RULE_2 -> sameSide(z, first, last);
            case RULE_3 -> monotonic(z, first, last);
            case RULE_4 -> alternating(z, first, last);
            case RULE_5 -> atLeastBeyondSameSide(z, first, last, 2, 2);
            case RULE_6 -> atLeastBeyondSameSide(z, first, last, 1, 4);
            case RULE_7 -> allWithin(z, first, last, 1);
            case RULE_8 -> noneWithinBothSides(z, first, last, 1);
        };
    }

    private static boolean sameSide(double[] z, int first, int last) {
        boolean above = z[first] > 0;
        for (int i = first; i <= last; i++) {
            if (z[i] == 0 || (z[i] > 0) != above) {
                return false;
            }
        }
        return true;
    }

    private static boolean monotonic(double[] z, int first, int last) {
        boolean up = true;
        boolean down = true;
        for (int i = first + 1; i <= last; i++) {
            up &= z[i] > z[i - 1];
            down &= z[i] < z[i - 1];
        }
        return up || down;
    }

    private static boolean alternating(double[] z, int first, int last) {
        for (int i = first + 1; i < last; i++) {
            double before = z[i] - z[i - 1];
            double after = z[i + 1] - z[i];
            if (before == 0 || after == 0 || (before > 0) == (after > 0)) {
                return false;
            }
        }
        return true;
    }

    /** At least {@code needed} points beyond {@code sigmas} on one side. The flagged point must be one of them. */
    private static boolean atLeastBeyondSameSide(double[] z, int first, int last, double sigmas, int needed) {
        if (Math.abs(z[last]) <= sigmas) {
            return false;
        }
        boolean above = z[last] > 0;
        int count = 0;
        for (int i = first; i <= last; i++) {
            if (above ? z[i] > sigmas : z[i] < -sigmas) {
                count++;
            }
        }
        return count >= needed;
    }

    private static boolean allWithin(double[] z, int first, int last, double sigmas) {
        for (int i = first; i <= last; i++) {
            if (Math.abs(z[i]) >= sigmas) {
                return false;
            }
        }
        return true;
    }

    private static boolean noneWithinBothSides(double[] z, int first, int last, double sigmas) {
        boolean above = false;
        boolean below = false;
        for (int i = first; i <= last; i++) {
            if (Math.abs(z[i]) <= sigmas) {
                return false;
            }
            above |= z[i] > 0;
            below |= z[i] < 0;
        }
        return above && below;
    }
}
