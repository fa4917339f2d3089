package io.visionhub.quality.monitor;

import io.visionhub.quality.spc.ChartPoint;
import io.visionhub.quality.spc.ChartType;
import io.visionhub.quality.spc.ControlChart;
import io.visionhub.quality.spc.NelsonRule;
import io.visionhub.quality.spc.NelsonRules;
import io.visionhub.quality.spc.RuleViolation;
import io.visionhub.quality.spc.Subgroup;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One live chart: the baseline being collected (until it has K subgroups), then the chart with its limits, the
 * recent points and the rules that fired on each. Not thread-safe: its {@link StationCharts} guards it.
 */
final class ChartState {

    /** A plotted subgroup, whether it was part of the baseline, and the rules that fired on it. */
    record Plotted(ChartPoint point, boolean baseline, Set<NelsonRule> violated) {}

    private final ChartKey key;
    private final SpcProperties.Settings settings;
    private final int history;
    private final NelsonRules rules;
    private final List<Subgroup> baseline = new ArrayList<>();
    private final List<Plotted> points = new ArrayList<>();
    private final boolean fixed;
    private ControlChart chart;

    ChartState(ChartKey key, SpcProperties.Settings settings, int history) {
        this.key = key;
        this.settings = settings;
        this.history = history;
        this.rules = new NelsonRules(settings.rules());
        Double rate =
                key.type() == ChartType.U ? settings.fixedDefectRates().get(key.defectClass()) : settings.fixedNgRate();
        this.fixed = rate != null;
        if (fixed) {
            chart = ControlChart.withCenter(key.type(), rate, settings.subgroupSize());
        }
    }

    ChartKey key() {
        return key;
    }

    /**
     * Adds a closed subgroup. While the baseline is collected nothing is evaluated (null); the subgroup that completes
     * it fixes the centre line and plots the baseline. Afterwards the rules are evaluated on the new point and the
     * ones that fire on it are returned (empty when in control).
     */
    Set<NelsonRule> add(Subgroup s) {
        if (chart == null) {
            baseline.add(s);
            if (baseline.size() < settings.baselineSubgroups()) {
                return null;
            }
            chart = ControlChart.fromBaseline(key.type(), baseline);
            for (Subgroup b : baseline) {
                append(new Plotted(chart.point(b), true, Set.of()));
            }
            return null;
        }
        append(new Plotted(chart.point(s), false, Set.of()));
        // the longest rule looks back 15 points: evaluate the tail only
        int from = Math.max(0, points.size() - 15);
        List<Plotted> tail = points.subList(from, points.size());
        double[] z = tail.stream().mapToDouble(p -> p.point().z()).toArray();
        int last = z.length - 1;
        Set<NelsonRule> fired = EnumSet.noneOf(NelsonRule.class);
        for (RuleViolation v : rules.evaluateZ(z)) {
            if (v.lastIndex() == last) {
                fired.add(v.rule());
            }
        }
        Plotted p = points.get(points.size() - 1);
        points.set(points.size() - 1, new Plotted(p.point(), false, Set.copyOf(fired)));
        return fired;
    }

    private void append(Plotted p) {
        points.add(p);
        if (points.size() > history) {
            points.remove(0);
        }
    }

    ChartPoint last() {
        return points.isEmpty() ? null : points.get(points.size() - 1).point();
    }

    /** What the API shows of this chart. */
    ChartView view(String productionOrder) {
        List<ChartView.Point> pts = new ArrayList<>();
        for (Plotted p : points) {
            ChartPoint c = p.point();
            pts.add(new ChartView.Point(
                    c.subgroup().from(),
                    c.subgroup().to(),
                    c.subgroup().inspected(),
                    c.subgroup().count(),
                    c.value(),
                    c.center(),
                    c.lowerLimit(),
                    c.upperLimit(),
                    Double.isInfinite(c.z()) ? null : c.z(),
                    p.baseline(),
                    p.violated().stream().map(NelsonRule::number).sorted().toList()));
        }
        return new ChartView(
                key.line(),
                key.station(),
                key.chart(),
                key.defectClass(),
                chart == null ? "BASELINE" : "MONITORING",
                fixed ? "FIXED" : "BASELINE",
                productionOrder,
                settings.subgroupBy().name(),
                settings.subgroupBy() == SpcProperties.SubgroupBy.COUNT ? settings.subgroupSize() : null,
                settings.subgroupBy() == SpcProperties.SubgroupBy.TIME
                        ? settings.subgroupWindow().toString()
                        : null,
                settings.baselineSubgroups(),
                fixed ? 0 : baseline.size(),
                chart == null ? null : chart.rate(),
                settings.rules().stream().map(NelsonRule::number).sorted().toList(),
                pts);
    }
}
