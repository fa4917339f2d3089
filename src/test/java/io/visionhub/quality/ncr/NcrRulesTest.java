package io.visionhub.quality.ncr;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.enterprise.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The N-NG-of-one-class-in-a-window rule, without a database. */
class NcrRulesTest {

    final Instant t0 = Instant.parse("2026-12-05T06:00:00Z");

    NcrRules.Part part(String id, int second) {
        return new NcrRules.Part(id, t0.plusSeconds(second));
    }

    @Test
    void theThirdNgOfAClassInAnOrderWithinTheWindowFiresOnceWithAllThreeParts() {
        NcrRules rules = new NcrRules(3, Duration.ofMinutes(10), List.of());
        assertThat(rules.count("O1", "crack", part("a", 0))).isEmpty();
        assertThat(rules.count("O1", "crack", part("b", 60))).isEmpty();
        assertThat(rules.count("O1", "crack", part("c", 120)))
                .extracting(NcrRules.Part::inspectionId)
                .containsExactly("a", "b", "c");
        // the count starts again: the register adds the next parts to the open NCR instead of counting them
        assertThat(rules.count("O1", "crack", part("d", 130))).isEmpty();
        assertThat(rules.counting()).isEqualTo(1);
    }

    @Test
    void partsOutsideTheWindowOtherClassesAndOtherOrdersDoNotCountTogether() {
        NcrRules rules = new NcrRules(3, Duration.ofMinutes(10), List.of());
        assertThat(rules.count("O1", "crack", part("a", 0))).isEmpty();
        assertThat(rules.count("O1", "crack", part("b", 60))).isEmpty();
        assertThat(rules.count("O1", "dent", part("c", 70))).isEmpty();
        assertThat(rules.count("O2", "crack", part("d", 80))).isEmpty();
        // "a" is 11 minutes old by now: only b and e are in the window
        assertThat(rules.count("O1", "crack", part("e", 660))).isEmpty();
        assertThat(rules.count("O1", "crack", part("e", 661)))
                .as("the same part twice counts once")
                .isEmpty();
        assertThat(rules.count("O1", "crack", part("f", 660)))
                .extracting(NcrRules.Part::inspectionId)
                .containsExactly("b", "e", "f");
    }

    @Test
    void thresholdOneFiresOnTheFirstPartAndConfiguredClassesFilter() {
        NcrRules rules = new NcrRules(1, Duration.ofMinutes(1), List.of("crack", "anomaly"));
        assertThat(rules.count("O1", "crack", part("a", 0))).hasSize(1);
        assertThat(rules.classesOf(TestEvents.ng("station-1", "crack"))).containsExactly("crack");
        assertThat(rules.classesOf(TestEvents.ng("station-1", "scratch"))).isEmpty();
        assertThat(new NcrRules(1, Duration.ofMinutes(1), List.of()).classesOf(TestEvents.ng("station-1", "scratch")))
                .containsExactly("scratch");
    }
}
