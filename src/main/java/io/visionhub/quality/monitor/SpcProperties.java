package io.visionhub.quality.monitor;

import io.visionhub.quality.spc.ChartType;
import io.visionhub.quality.spc.NelsonRule;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * SPC on the hub's inspections ({@code visionhub.quality.spc.*}, documented in config/quality-spc.yaml): the hub-wide
 * settings, overridden per line ({@code lines.<line>.*}) and per station ({@code stations.<station>.*}); a station
 * setting wins over its line's, a line's over the hub's. A bad value stops start-up with the key named.
 *
 * @param enabled        run the SPC monitor (charts, rules, alarms)
 * @param rebuildWindow  how far back the charts are rebuilt from the inspection table at start
 * @param history        most subgroups kept (and shown) per chart
 * @param defaults       the hub-wide chart settings (the keys directly under visionhub.quality.spc)
 * @param lines          overrides per line
 * @param stations       overrides per station
 */
@ConfigurationProperties(prefix = SpcProperties.PREFIX)
public record SpcProperties(
        Boolean enabled,
        Duration rebuildWindow,
        Integer history,
        String ngChart,
        String subgroupBy,
        Integer subgroupSize,
        Duration subgroupWindow,
        Integer baselineSubgroups,
        List<Integer> rules,
        Integer clearAfter,
        Double fixedNgRate,
        Map<String, Double> fixedDefectRates,
        Map<String, Overrides> lines,
        Map<String, Overrides> stations) {

    public static final String PREFIX = "visionhub.quality.spc";

    public SpcProperties {
        enabled = enabled == null || enabled;
        rebuildWindow = rebuildWindow == null ? Duration.ofHours(8) : rebuildWindow;
        if (rebuildWindow.isNegative()) {
            throw bad("rebuild-window", rebuildWindow, "a duration of 0 (no rebuild) or more, e.g. 8h");
        }
        history = history == null ? 200 : history;
        if (history < 20 || history > 10_000) {
            throw bad("history", history, "20..10000 subgroups per chart");
        }
        lines = lines == null ? Map.of() : Map.copyOf(lines);
        stations = stations == null ? Map.of() : Map.copyOf(stations);
        // the hub-wide settings must be complete and valid on their own; overrides are checked merged with them
        Settings hub = new Overrides(
                        ngChart,
                        subgroupBy,
                        subgroupSize,
                        subgroupWindow,
                        baselineSubgroups,
                        rules,
                        clearAfter,
                        fixedNgRate,
                        fixedDefectRates)
                .over(Settings.DEFAULTS, PREFIX + ".");
        lines.forEach((line, o) -> o.over(hub, PREFIX + ".lines." + line + "."));
        stations.forEach((station, o) -> o.over(hub, PREFIX + ".stations." + station + "."));
    }

    /** Everything at its default (what an empty configuration gives). */
    public static SpcProperties defaults() {
        return new SpcProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The settings that apply to a station of a line: the station's overrides over its line's over the hub's. */
    public Settings forStation(String line, String station) {
        Settings s = hub();
        Overrides l = line == null ? null : lines.get(line);
        if (l != null) {
            s = l.over(s, PREFIX + ".lines." + line + ".");
        }
        Overrides st = station == null ? null : stations.get(station);
        if (st != null) {
            s = st.over(s, PREFIX + ".stations." + station + ".");
        }
        return s;
    }

    private Settings hub() {
        return new Overrides(
                        ngChart,
                        subgroupBy,
                        subgroupSize,
                        subgroupWindow,
                        baselineSubgroups,
                        rules,
                        clearAfter,
                        fixedNgRate,
                        fixedDefectRates)
                .over(Settings.DEFAULTS, PREFIX + ".");
    }

    /** How subgroups are cut. */
    public enum SubgroupBy {
        /** every {@code subgroup-size} inspections */
        COUNT,
        /** fixed windows of {@code subgroup-window} from midnight UTC; a window closes with the next inspection after it */
        TIME
    }

    /**
     * The effective chart settings of a station.
     *
     * @param ngChart           P or NP chart of the NG rate (NP needs subgroups by count)
     * @param subgroupBy        COUNT or TIME
     * @param subgroupSize      inspections per subgroup (COUNT)
     * @param subgroupWindow    subgroup window (TIME)
     * @param baselineSubgroups K: the first K subgroups after start or after a production-order changeover set the
     *                          centre line and limits (unless fixed)
     * @param rules             Nelson rules evaluated on each closed subgroup
     * @param clearAfter        an active alarm clears after this many subgroups in a row in which its rule does not fire
     * @param fixedNgRate       p̄ fixed by configuration (no baseline for the NG chart), or null
     * @param fixedDefectRates  ū per defect class fixed by configuration, or empty
     */
    public record Settings(
            ChartType ngChart,
            SubgroupBy subgroupBy,
            int subgroupSize,
            Duration subgroupWindow,
            int baselineSubgroups,
            Set<NelsonRule> rules,
            int clearAfter,
            Double fixedNgRate,
            Map<String, Double> fixedDefectRates) {

        static final Settings DEFAULTS = new Settings(
                ChartType.P,
                SubgroupBy.COUNT,
                25,
                Duration.ofMinutes(15),
                20,
                EnumSet.allOf(NelsonRule.class),
                5,
                null,
                Map.of());
    }

    /** Settings of a line or station; a key left out keeps the value from the level above. */
    public record Overrides(
            String ngChart,
            String subgroupBy,
            Integer subgroupSize,
            Duration subgroupWindow,
            Integer baselineSubgroups,
            List<Integer> rules,
            Integer clearAfter,
            Double fixedNgRate,
            Map<String, Double> fixedDefectRates) {

        /** These overrides applied to {@code base}, checked; {@code prefix} names the keys in errors. */
        Settings over(Settings base, String prefix) {
            ChartType chart = base.ngChart();
            if (ngChart != null) {
                String c = ngChart.strip().toUpperCase(Locale.ROOT);
                if (!c.equals("P") && !c.equals("NP")) {
                    throw badKey(prefix + "ng-chart", ngChart, "p or np");
                }
                chart = ChartType.valueOf(c);
            }
            SubgroupBy by = base.subgroupBy();
            if (subgroupBy != null) {
                try {
                    by = SubgroupBy.valueOf(subgroupBy.strip().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw badKey(prefix + "subgroup-by", subgroupBy, "count or time");
                }
            }
            int size = subgroupSize == null ? base.subgroupSize() : subgroupSize;
            if (size < 2 || size > 10_000) {
                throw badKey(prefix + "subgroup-size", size, "2..10000 inspections");
            }
            Duration window = subgroupWindow == null ? base.subgroupWindow() : subgroupWindow;
            if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
                throw badKey(prefix + "subgroup-window", window, "a duration from 1s to 24h, e.g. 15m");
            }
            if (chart == ChartType.NP && by == SubgroupBy.TIME) {
                throw badKey(
                        prefix + "ng-chart",
                        "np",
                        "p when subgroup-by is time (an np chart needs subgroups of one size)");
            }
            int k = baselineSubgroups == null ? base.baselineSubgroups() : baselineSubgroups;
            if (k < 1 || k > 1000) {
                throw badKey(prefix + "baseline-subgroups", k, "1..1000 subgroups");
            }
            Set<NelsonRule> enabled = base.rules();
            if (rules != null) {
                enabled = EnumSet.noneOf(NelsonRule.class);
                for (Integer n : rules) {
                    if (n == null || n < 1 || n > 8) {
                        throw badKey(prefix + "rules", rules, "Nelson rule numbers 1..8, e.g. [1, 2, 5, 6]");
                    }
                    enabled.add(NelsonRule.ofNumber(n));
                }
            }
            int clear = clearAfter == null ? base.clearAfter() : clearAfter;
            if (clear < 1 || clear > 1000) {
                throw badKey(prefix + "clear-after", clear, "1..1000 in-control subgroups");
            }
            Double p = fixedNgRate == null ? base.fixedNgRate() : fixedNgRate;
            if (p != null && (p <= 0 || p >= 1 || p.isNaN())) {
                throw badKey(prefix + "fixed-ng-rate", p, "a fraction between 0 and 1 (exclusive), e.g. 0.02");
            }
            Map<String, Double> u = new LinkedHashMap<>(base.fixedDefectRates());
            if (fixedDefectRates != null) {
                fixedDefectRates.forEach((cls, rate) -> {
                    if (rate == null || rate <= 0 || rate.isNaN() || rate.isInfinite()) {
                        throw badKey(prefix + "fixed-defect-rates." + cls, rate, "defects per unit above 0, e.g. 0.05");
                    }
                    u.put(cls, rate);
                });
            }
            return new Settings(chart, by, size, window, k, Set.copyOf(enabled), clear, p, Map.copyOf(u));
        }
    }

    private static IllegalArgumentException bad(String key, Object value, String expected) {
        return badKey(PREFIX + "." + key, value, expected);
    }

    private static IllegalArgumentException badKey(String key, Object value, String expected) {
        return new IllegalArgumentException(key + " is " + value + ": expected " + expected);
    }
}
