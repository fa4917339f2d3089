package io.visionhub.quality.monitor;

import io.visionhub.quality.spc.ChartPoint;
import io.visionhub.quality.spc.ChartType;
import io.visionhub.quality.spc.NelsonRule;
import io.visionhub.quality.spc.Sample;
import io.visionhub.quality.spc.Subgroup;
import io.visionhub.quality.spc.Subgrouping;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The charts of one station: the open subgroup, the NG-rate chart and a u chart per defect class seen, all cut
 * from the same subgroups. A production-order changeover starts every chart anew (a new baseline). Callers
 * synchronise on the instance.
 */
final class StationCharts {

    /** One inspected part: when, NG or not, and its defects per class. */
    record Part(Instant time, boolean ng, Map<String, Integer> defects) {}

    /** A closed subgroup of the station, kept so a defect class seen later gets a chart from the order's start. */
    private record Closed(List<Part> parts) {}

    /** A chart whose rules were evaluated on a new point, and the rules that fired on it. */
    record Evaluation(ChartKey key, Set<NelsonRule> fired, ChartPoint point) {}

    private final String line;
    private final String station;
    private final SpcProperties.Settings settings;
    private final int history;
    private String productionOrder;
    private final List<Part> open = new ArrayList<>();
    private long openWindow = Long.MIN_VALUE;
    private final Deque<Closed> closed = new ArrayDeque<>();
    private ChartState ngChart;
    private final Map<String, ChartState> defectCharts = new TreeMap<>();

    StationCharts(String line, String station, SpcProperties.Settings settings, int history) {
        this.line = line;
        this.station = station;
        this.settings = settings;
        this.history = history;
        this.ngChart = new ChartState(new ChartKey(line, station, settings.ngChart(), null), settings, history);
    }

    String line() {
        return line;
    }

    String station() {
        return station;
    }

    SpcProperties.Settings settings() {
        return settings;
    }

    /** Adds a part; returns the charts evaluated when it closed a subgroup (empty otherwise). */
    List<Evaluation> add(Part part, String order) {
        List<Evaluation> done = new ArrayList<>();
        if (order != null && !order.equals(productionOrder)) {
            if (productionOrder != null) {
                restart();
            }
            productionOrder = order;
        }
        if (settings.subgroupBy() == SpcProperties.SubgroupBy.TIME) {
            long window = Math.floorDiv(
                    part.time().toEpochMilli(), settings.subgroupWindow().toMillis());
            if (!open.isEmpty() && window != openWindow) {
                done.addAll(close());
            }
            openWindow = window;
        }
        for (String cls : part.defects().keySet()) {
            defectCharts.computeIfAbsent(cls, this::newDefectChart);
        }
        open.add(part);
        if (settings.subgroupBy() == SpcProperties.SubgroupBy.COUNT && open.size() >= settings.subgroupSize()) {
            done.addAll(close());
        }
        return done;
    }

    /** A changeover: the open subgroup and every chart start anew. */
    private void restart() {
        open.clear();
        closed.clear();
        ngChart = new ChartState(new ChartKey(line, station, settings.ngChart(), null), settings, history);
        defectCharts.clear();
    }

    /** A chart for a class seen for the first time, with the order's earlier subgroups (none of that class). */
    private ChartState newDefectChart(String cls) {
        ChartState chart = new ChartState(new ChartKey(line, station, ChartType.U, cls), settings, history);
        for (Closed c : closed) {
            chart.add(subgroup(c.parts(), ChartType.U, cls));
        }
        return chart;
    }

    private List<Evaluation> close() {
        List<Part> parts = List.copyOf(open);
        open.clear();
        closed.addLast(new Closed(parts));
        // enough for a late class's baseline and its history
        while (closed.size() > history + settings.baselineSubgroups()) {
            closed.removeFirst();
        }
        List<Evaluation> done = new ArrayList<>();
        evaluate(ngChart, subgroup(parts, settings.ngChart(), null), done);
        for (Map.Entry<String, ChartState> e : defectCharts.entrySet()) {
            evaluate(e.getValue(), subgroup(parts, ChartType.U, e.getKey()), done);
        }
        return done;
    }

    private static void evaluate(ChartState chart, Subgroup s, List<Evaluation> done) {
        Set<NelsonRule> fired = chart.add(s);
        if (fired != null) {
            done.add(new Evaluation(chart.key(), fired, chart.last()));
        }
    }

    /** The subgroup of these parts for a chart, cut by the hub's Subgrouping (one group: the parts given). */
    private Subgroup subgroup(List<Part> parts, ChartType type, String cls) {
        List<Sample> samples = parts.stream()
                .map(p -> new Sample(
                        p.time(), p.ng(), cls == null ? 0 : p.defects().getOrDefault(cls, 0)))
                .toList();
        List<Subgroup> groups = settings.subgroupBy() == SpcProperties.SubgroupBy.COUNT
                ? Subgrouping.byCount(samples, samples.size(), type)
                : Subgrouping.byTime(samples, settings.subgroupWindow(), Instant.EPOCH, type);
        if (groups.size() == 1) {
            return groups.get(0);
        }
        // a late part stamped in an earlier window: it still belongs to the subgroup it arrived in
        return new Subgroup(
                groups.get(0).from(),
                groups.get(groups.size() - 1).to(),
                groups.stream().mapToLong(Subgroup::inspected).sum(),
                groups.stream().mapToLong(Subgroup::count).sum());
    }

    /** The charts of this station, NG chart first, then the defect classes in name order. */
    List<ChartView> views() {
        List<ChartView> views = new ArrayList<>();
        views.add(ngChart.view(productionOrder));
        defectCharts.values().forEach(c -> views.add(c.view(productionOrder)));
        return views;
    }

    /** Parts in the open subgroup (for tests and the API). */
    int openParts() {
        return open.size();
    }

    static Map<String, Integer> countByClass(List<String> classes) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String c : classes) {
            m.merge(c, 1, Integer::sum);
        }
        return m;
    }
}
