package io.visionhub.quality.spc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule fires on a sequence made for it and stays silent on a near miss. */
class NelsonRulesTest {

    private static List<RuleViolation> run(NelsonRule rule, double... z) {
        return new NelsonRules(EnumSet.of(rule)).evaluateZ(z);
    }

    @Test
    void rule1FiresOnOnePointBeyondThreeSigmaOnEitherSide() {
        assertThat(run(NelsonRule.RULE_1, 0.5, 3.2, -0.1, -3.01))
                .extracting(RuleViolation::lastIndex)
                .containsExactly(1, 3);
        assertThat(run(NelsonRule.RULE_1, 2.99, -3.0, 0)).isEmpty();
    }

    @Test
    void rule2FiresOnTheNinthPointOnOneSideAndNotOnEight() {
        assertThat(run(NelsonRule.RULE_2, 0.1, 0.2, 0.3, 0.1, 0.5, 0.2, 0.1, 0.4, 0.3))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.firstIndex()).isZero();
                    assertThat(v.lastIndex()).isEqualTo(8);
                });
        assertThat(run(NelsonRule.RULE_2, 0.1, 0.2, 0.3, 0.1, 0.5, 0.2, 0.1, 0.4, -0.3))
                .isEmpty();
        // a point exactly on the centre line breaks the run
        assertThat(run(NelsonRule.RULE_2, -0.1, -0.2, -0.3, -0.1, 0, -0.2, -0.1, -0.4, -0.3))
                .isEmpty();
    }

    @Test
    void rule3FiresOnSixPointsSteadilyRisingOrFallingAndNotWhenOneRepeats() {
        assertThat(run(NelsonRule.RULE_3, -1.0, -0.5, 0, 0.4, 0.9, 1.5)).hasSize(1);
        assertThat(run(NelsonRule.RULE_3, 2, 1.5, 1, 0.2, -0.3, -1)).hasSize(1);
        assertThat(run(NelsonRule.RULE_3, -1.0, -0.5, 0, 0, 0.9, 1.5)).isEmpty();
    }

    @Test
    void rule4FiresOnFourteenAlternatingPointsAndNotOnThirteen() {
        double[] fourteen = new double[14];
        for (int i = 0; i < fourteen.length; i++) {
            fourteen[i] = i % 2 == 0 ? 0.5 : -0.5;
        }
        assertThat(run(NelsonRule.RULE_4, fourteen))
                .singleElement()
                .extracting(RuleViolation::lastIndex)
                .isEqualTo(13);
        double[] broken = fourteen.clone();
        broken[7] = broken[6] + 0.1; // two rises in a row
        assertThat(run(NelsonRule.RULE_4, broken)).isEmpty();
    }

    @Test
    void rule5FiresOnTwoOfThreeBeyondTwoSigmaOnOneSideButNotOnOppositeSides() {
        assertThat(run(NelsonRule.RULE_5, 2.5, 0.3, 2.1))
                .singleElement()
                .extracting(RuleViolation::lastIndex)
                .isEqualTo(2);
        assertThat(run(NelsonRule.RULE_5, 2.5, 0.3, -2.1)).isEmpty();
        assertThat(run(NelsonRule.RULE_5, 2.5, 1.9, 0.3)).isEmpty();
    }

    @Test
    void rule6FiresOnFourOfFiveBeyondOneSigmaOnOneSide() {
        assertThat(run(NelsonRule.RULE_6, 1.2, -0.5, 1.5, 1.1, 1.8)).hasSize(1);
        assertThat(run(NelsonRule.RULE_6, 1.2, -0.5, 1.5, 0.9, 1.8)).isEmpty();
        assertThat(run(NelsonRule.RULE_6, -1.2, -1.5, -1.1, -1.8, 0.2)).isEmpty(); // the last point is not one of them
    }

    @Test
    void rule7FiresOnFifteenPointsHuggingTheCentreLine() {
        double[] hugging = new double[15];
        for (int i = 0; i < hugging.length; i++) {
            hugging[i] = i % 3 == 0 ? 0.4 : -0.6;
        }
        assertThat(run(NelsonRule.RULE_7, hugging)).hasSize(1);
        hugging[9] = 1.0;
        assertThat(run(NelsonRule.RULE_7, hugging)).isEmpty();
    }

    @Test
    void rule8FiresOnEightPointsAvoidingTheCentreOnBothSidesButNotOnOneSide() {
        assertThat(run(NelsonRule.RULE_8, 1.5, -1.2, 1.1, -2.0, 1.3, -1.4, 1.7, -1.1))
                .hasSize(1);
        assertThat(run(NelsonRule.RULE_8, 1.5, 1.2, 1.1, 2.0, 1.3, 1.4, 1.7, 1.1))
                .isEmpty();
        assertThat(run(NelsonRule.RULE_8, 1.5, -1.2, 1.1, -0.9, 1.3, -1.4, 1.7, -1.1))
                .isEmpty();
    }

    @Test
    void aRunThatGoesOnKeepsFlaggingAndDisabledRulesStaySilent() {
        double[] ten = {0.2, 0.3, 0.1, 0.5, 0.6, 0.2, 0.3, 0.4, 0.1, 0.2};
        assertThat(run(NelsonRule.RULE_2, ten))
                .extracting(RuleViolation::lastIndex)
                .containsExactly(8, 9);
        assertThat(new NelsonRules(EnumSet.of(NelsonRule.RULE_1)).evaluateZ(ten))
                .isEmpty();
    }

    @Test
    void rulesAreNamedByNumberAndAnUnknownNumberIsRefused() {
        assertThat(NelsonRule.ofNumber(5)).isEqualTo(NelsonRule.RULE_5);
        assertThat(new RuleViolation(NelsonRule.RULE_5, 0, 2).describe()).contains("Nelson rule 5", "2 sigma");
        assertThatThrownBy(() -> NelsonRule.ofNumber(9)).hasMessageContaining("1 to 8");
    }
}
