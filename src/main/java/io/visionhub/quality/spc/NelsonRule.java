package io.visionhub.quality.spc;

/**
 * The eight Nelson rules (Lloyd S. Nelson, 1984). Rules 1, 5, 6 and (with a run of eight) 2 are the Western Electric
 * zone rules. Each reads the points' distance from the centre line in sigmas.
 */
public enum NelsonRule {
    RULE_1(1, "one point beyond 3 sigma"),
    RULE_2(9, "nine points in a row on the same side of the centre line"),
    RULE_3(6, "six points in a row steadily increasing or decreasing"),
    RULE_4(14, "fourteen points in a row alternating up and down"),
    RULE_5(3, "two of three points in a row beyond 2 sigma on the same side"),
    RULE_6(5, "four of five points in a row beyond 1 sigma on the same side"),
    RULE_7(15, "fifteen points in a row within 1 sigma of the centre line"),
    RULE_8(8, "eight points in a row beyond 1 sigma, on both sides");

    private final int window;
    private final String description;

    NelsonRule(int window, String description) {
        this.window = window;
        this.description = description;
    }

    /** How many points, ending at the flagged one, the rule looks at. */
    public int window() {
        return window;
    }

    public String description() {
        return description;
    }

    /** The rule's number, 1 to 8, as plants name it. */
    public int number() {
        return ordinal() + 1;
    }

    public static NelsonRule ofNumber(int number) {
        if (number < 1 || number > 8) {
            throw new IllegalArgumentException("Nelson rules are numbered 1 to 8, got " + number);
        }
        return values()[number - 1];
    }
}
