package io.visionhub.quality.monitor;

import java.time.Instant;
import java.util.List;

/**
 * A control chart as {@code GET /api/quality/spc} shows it.
 *
 * @param phase            BASELINE while the first subgroups are collected, MONITORING once the limits are set
 * @param limitsFrom       BASELINE (the first K subgroups of the order) or FIXED (configuration)
 * @param productionOrder  the order the chart's subgroups belong to (a changeover starts a new baseline)
 * @param subgroupBy       COUNT or TIME
 * @param subgroupSize     inspections per subgroup (COUNT)
 * @param subgroupWindow   subgroup window, ISO-8601 duration (TIME)
 * @param baselineSubgroups K, subgroups of the baseline
 * @param baselineCollected subgroups of the baseline collected so far
 * @param center           p̄ (p, np) or ū (u) of the baseline or configuration, null during the baseline
 * @param rules            Nelson rules evaluated
 * @param points           recent subgroups, oldest first
 */
public record ChartView(
        String line,
        String station,
        String chart,
        String defectClass,
        String phase,
        String limitsFrom,
        String productionOrder,
        String subgroupBy,
        Integer subgroupSize,
        String subgroupWindow,
        int baselineSubgroups,
        int baselineCollected,
        Double center,
        List<Integer> rules,
        List<Point> points) {

    /**
     * One plotted subgroup.
     *
     * @param count      NG parts (p, np) or defects of the class (u)
     * @param value      NG fraction (p), NG count (np) or defects per part (u)
     * @param center     centre line for this subgroup (np: n·p̄)
     * @param z          distance from the centre line in sigmas; null when the baseline has no spread
     * @param baseline   the subgroup belongs to the baseline (rules are not evaluated on it)
     * @param violations Nelson rules that fired on this subgroup
     */
    public record Point(
            Instant from,
            Instant to,
            long inspected,
            long count,
            double value,
            double center,
            double lowerLimit,
            double upperLimit,
            Double z,
            boolean baseline,
            List<Integer> violations) {}
}
