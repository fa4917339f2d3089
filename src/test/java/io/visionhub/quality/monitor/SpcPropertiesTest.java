package io.visionhub.quality.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.quality.spc.ChartType;
import io.visionhub.quality.spc.NelsonRule;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** visionhub.quality.spc as Spring binds it at start: defaults, overrides per line and station, bad values named. */
class SpcPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SpcProperties.class)
    static class Props {}

    final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Props.class);

    @Test
    void defaultsAndOverridesPerLineAndStation() {
        runner.withPropertyValues(
                        "visionhub.quality.spc.subgroup-size=30",
                        "visionhub.quality.spc.rules=1,2,5,6",
                        "visionhub.quality.spc.lines.line-1.ng-chart=np",
                        "visionhub.quality.spc.lines.line-1.clear-after=3",
                        "visionhub.quality.spc.stations.station-9.subgroup-by=time",
                        "visionhub.quality.spc.stations.station-9.ng-chart=p",
                        "visionhub.quality.spc.stations.station-9.subgroup-window=5m",
                        "visionhub.quality.spc.stations.station-9.fixed-defect-rates.scratch=0.05")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    SpcProperties p = ctx.getBean(SpcProperties.class);
                    SpcProperties.Settings hub = p.forStation("line-2", "station-2");
                    assertThat(hub.ngChart()).isEqualTo(ChartType.P);
                    assertThat(hub.subgroupSize()).isEqualTo(30);
                    assertThat(hub.baselineSubgroups()).isEqualTo(20);
                    assertThat(hub.rules())
                            .isEqualTo(EnumSet.of(
                                    NelsonRule.RULE_1, NelsonRule.RULE_2, NelsonRule.RULE_5, NelsonRule.RULE_6));
                    SpcProperties.Settings line1 = p.forStation("line-1", "station-1");
                    assertThat(line1.ngChart()).isEqualTo(ChartType.NP);
                    assertThat(line1.clearAfter()).isEqualTo(3);
                    assertThat(line1.subgroupSize()).isEqualTo(30);
                    SpcProperties.Settings s9 = p.forStation("line-1", "station-9");
                    assertThat(s9.subgroupBy()).isEqualTo(SpcProperties.SubgroupBy.TIME);
                    assertThat(s9.subgroupWindow()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(s9.clearAfter()).isEqualTo(3);
                    assertThat(s9.fixedDefectRates()).containsEntry("scratch", 0.05);
                });
    }

    @Test
    void badValuesStopTheStartNamingTheKey() {
        expectFailure("visionhub.quality.spc.subgroup-size=1", "visionhub.quality.spc.subgroup-size is 1");
        expectFailure("visionhub.quality.spc.ng-chart=x", "visionhub.quality.spc.ng-chart is x: expected p or np");
        expectFailure("visionhub.quality.spc.rules=1,9", "visionhub.quality.spc.rules is [1, 9]");
        expectFailure("visionhub.quality.spc.subgroup-by=shift", "visionhub.quality.spc.subgroup-by is shift");
        expectFailure("visionhub.quality.spc.clear-after=0", "visionhub.quality.spc.clear-after is 0");
        expectFailure("visionhub.quality.spc.fixed-ng-rate=1.5", "visionhub.quality.spc.fixed-ng-rate is 1.5");
        expectFailure("visionhub.quality.spc.history=5", "visionhub.quality.spc.history is 5");
        expectFailure(
                "visionhub.quality.spc.stations.station-1.baseline-subgroups=0",
                "visionhub.quality.spc.stations.station-1.baseline-subgroups is 0");
        expectFailure(
                "visionhub.quality.spc.lines.line-1.subgroup-window=0s",
                "visionhub.quality.spc.lines.line-1.subgroup-window is PT0S");
        expectFailure(
                "visionhub.quality.spc.stations.station-2.fixed-defect-rates.scratch=-1",
                "visionhub.quality.spc.stations.station-2.fixed-defect-rates.scratch is -1.0");
    }

    @Test
    void anNpChartNeedsSubgroupsByCount() {
        runner.withPropertyValues(
                        "visionhub.quality.spc.lines.line-1.subgroup-by=time",
                        "visionhub.quality.spc.lines.line-1.ng-chart=np")
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("visionhub.quality.spc.lines.line-1.ng-chart is np")
                        .hasMessageContaining("subgroup-by is time"));
    }

    void expectFailure(String property, String message) {
        runner.withPropertyValues(property)
                .run(ctx -> assertThat(ctx).getFailure().rootCause().hasMessageContaining(message));
    }
}
