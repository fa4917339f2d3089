package io.visionhub.quality.spc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlChartTest {

    private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");

    private static Subgroup group(int i, long inspected, long count) {
        return new Subgroup(T0.plusSeconds(60L * i), T0.plusSeconds(60L * i + 59), inspected, count);
    }

    @Test
    void pChartLimitsFollowEachSubgroupsSizeAndTheLowerLimitStopsAtZero() {
        List<Subgroup> baseline = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            baseline.add(group(i, 100, 5)); // p̄ = 0.05
        }
        ControlChart chart = ControlChart.fromBaseline(ChartType.P, baseline);
        assertThat(chart.rate()).isCloseTo(0.05, within(1e-12));
        ChartPoint big = chart.point(group(21, 100, 12));
        assertThat(big.sigma()).isCloseTo(Math.sqrt(0.05 * 0.95 / 100), within(1e-12));
        assertThat(big.upperLimit()).isCloseTo(0.05 + 3 * 0.0217945, within(1e-6));
        assertThat(big.lowerLimit()).isZero();
        assertThat(big.value()).isEqualTo(0.12);
        assertThat(big.z()).isGreaterThan(3); // 12 NG of 100 is out of control against 5 %
        ChartPoint small = chart.point(group(22, 25, 2));
        assertThat(small.upperLimit()).isGreaterThan(big.upperLimit()); // wider limits for a smaller subgroup
        assertThat(NelsonRules.all().evaluate(List.of(big)))
                .extracting(RuleViolation::rule)
                .containsExactly(NelsonRule.RULE_1);
    }

    @Test
    void npChartNeedsOneSubgroupSize() {
        ControlChart chart = ControlChart.fromBaseline(ChartType.NP, List.of(group(0, 50, 2), group(1, 50, 3)));
        ChartPoint p = chart.point(group(2, 50, 10));
        assertThat(p.center()).isCloseTo(2.5, within(1e-12));
        assertThat(p.upperLimit()).isCloseTo(2.5 + 3 * Math.sqrt(50 * 0.05 * 0.95), within(1e-9));
        assertThatThrownBy(() -> chart.plot(List.of(group(3, 40, 1))))
                .hasMessageContaining("one size (50)")
                .hasMessageContaining("use a p chart");
    }

    @Test
    void uChartCountsDefectsPerPart() {
        ControlChart chart = ControlChart.fromBaseline(ChartType.U, List.of(group(0, 4, 8), group(1, 4, 8)));
        ChartPoint p = chart.point(group(2, 4, 6)); // ū = 2
        assertThat(p.value()).isEqualTo(1.5);
        assertThat(p.sigma()).isCloseTo(Math.sqrt(2.0 / 4), within(1e-12));
        assertThat(p.upperLimit()).isCloseTo(2 + 3 * Math.sqrt(0.5), within(1e-12));
    }

    @Test
    void aBaselineWithoutNgMakesAnyNgOutOfControl() {
        ControlChart chart = ControlChart.fromBaseline(ChartType.P, List.of(group(0, 100, 0)));
        assertThat(chart.point(group(1, 100, 0)).z()).isZero();
        assertThat(chart.point(group(2, 100, 1)).z()).isInfinite().isPositive();
    }

    @Test
    void badSubgroupsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ControlChart.fromBaseline(ChartType.P, List.of()))
                .hasMessageContaining("at least one baseline subgroup");
        assertThatThrownBy(() -> ControlChart.fromBaseline(ChartType.P, List.of(group(0, 10, 11))))
                .hasMessageContaining("11 nonconforming parts of 10");
        assertThatThrownBy(() -> group(0, 0, 0)).hasMessageContaining("at least one inspected part");
        assertThatThrownBy(() -> ControlChart.withCenter(ChartType.P, 1.5, 0)).hasMessageContaining("out of range");
    }

    @Test
    void subgroupsByCountLeaveTheUnfinishedGroupOutAndByTimeSkipEmptyWindows() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            samples.add(new Sample(T0.plusSeconds(i), i % 4 == 0, i % 4 == 0 ? 2 : 0));
        }
        samples.add(new Sample(T0.plusSeconds(3600), true, 3));
        List<Subgroup> byFive = Subgrouping.byCount(samples, 5, ChartType.P);
        assertThat(byFive).extracting(Subgroup::inspected).containsExactly(5L, 5L);
        assertThat(byFive).extracting(Subgroup::count).containsExactly(2L, 1L); // parts 0,4 then 8
        List<Subgroup> byMinute = Subgrouping.byTime(samples, Duration.ofMinutes(1), T0, ChartType.U);
        assertThat(byMinute).extracting(Subgroup::inspected).containsExactly(11L, 1L);
        assertThat(byMinute).extracting(Subgroup::count).containsExactly(6L, 3L);
        assertThat(byMinute.get(1).from()).isEqualTo(T0.plusSeconds(3600));
        assertThatThrownBy(() -> Subgrouping.byTime(samples, Duration.ZERO, T0, ChartType.P))
                .hasMessageContaining("positive duration");
    }
}
