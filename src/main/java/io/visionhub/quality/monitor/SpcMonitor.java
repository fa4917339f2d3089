package io.visionhub.quality.monitor;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent;
import io.visionhub.quality.QualityListener;
import io.visionhub.quality.alarm.AlarmService;
import io.visionhub.quality.alarm.AlarmSource;
import io.visionhub.quality.spc.ChartPoint;
import io.visionhub.quality.spc.NelsonRule;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * SPC on the vision results as the line runs: per station a p (or np) chart of the NG rate and a u chart of defects
 * per part for each defect class, cut into subgroups by count or time, limits from the first K subgroups of the
 * production order (or fixed in configuration), Nelson rules on each closed subgroup. A rule that fires goes to the
 * {@link AlarmService}. At start the charts are rebuilt from the inspection table (the last
 * {@code rebuild-window}), so a restart does not reset them; the rebuild raises no alarm (those of the time are in
 * the alarm table already).
 */
public class SpcMonitor implements QualityListener {

    private static final Logger LOG = LoggerFactory.getLogger(SpcMonitor.class);

    private final SpcProperties props;
    private final AlarmService alarms;
    private final Map<String, StationCharts> stations = new ConcurrentHashMap<>();

    public SpcMonitor(SpcProperties props, AlarmService alarms) {
        this.props = props;
        this.alarms = alarms;
    }

    @Override
    public void onInspection(InspectionEvent event) {
        if (event.station() == null || event.result() == null) {
            return;
        }
        add(
                event.line(),
                event.station(),
                event.context() == null ? null : event.context().productionOrder(),
                time(event),
                event.result() == InspectionEvent.Verdict.NG,
                event.defects().stream().map(Defect::defectClass).toList(),
                true);
    }

    private static Instant time(InspectionEvent e) {
        return e.captureTime() != null
                ? e.captureTime()
                : e.inferenceTime() != null
                        ? e.inferenceTime()
                        : Clock.systemUTC().instant();
    }

    private void add(
            String line, String station, String order, Instant time, boolean ng, List<String> classes, boolean live) {
        StationCharts charts = stations.computeIfAbsent(
                station, s -> new StationCharts(line, s, props.forStation(line, s), props.history()));
        List<StationCharts.Evaluation> done;
        synchronized (charts) {
            done = charts.add(new StationCharts.Part(time, ng, StationCharts.countByClass(classes)), order);
        }
        if (!live || alarms == null) {
            return;
        }
        for (StationCharts.Evaluation e : done) {
            ChartKey k = e.key();
            ChartPoint p = e.point();
            alarms.evaluated(
                    new AlarmSource(k.line(), k.station(), k.chart(), k.defectClass()),
                    e.fired(),
                    charts.settings().clearAfter(),
                    rule -> message(k, rule, p),
                    evidence(p));
        }
    }

    /** "Nelson rule 1 (one point beyond 3 sigma) on the p chart of station-1: NG rate 0.3200 (UCL 0.1210) ...". */
    static String message(ChartKey k, NelsonRule rule, ChartPoint p) {
        String what = switch (k.type()) {
            case P -> "NG rate";
            case NP -> "NG count";
            case U -> "defects per part";
        };
        return String.format(
                Locale.ROOT,
                "Nelson rule %d (%s) on the %s: %s %.4f in the subgroup %s..%s (%d parts); centre %.4f, limits "
                        + "%.4f..%.4f",
                rule.number(),
                rule.description(),
                k,
                what,
                p.value(),
                p.subgroup().from(),
                p.subgroup().to(),
                p.subgroup().inspected(),
                p.center(),
                p.lowerLimit(),
                p.upperLimit());
    }

    private static Map<String, Object> evidence(ChartPoint p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", p.subgroup().from().toString());
        m.put("to", p.subgroup().to().toString());
        m.put("inspected", p.subgroup().inspected());
        m.put("count", p.subgroup().count());
        m.put("value", p.value());
        m.put("center", p.center());
        m.put("lowerLimit", p.lowerLimit());
        m.put("upperLimit", p.upperLimit());
        return m;
    }

    /**
     * Rebuilds the charts from the inspections recorded in the last {@code rebuild-window}, in the order the ledger
     * recorded them. Call once, before inspections arrive.
     */
    public void rebuild(DataSource dataSource, Clock clock) {
        if (props.rebuildWindow().isZero()) {
            return;
        }
        Instant since = clock.instant().minus(props.rebuildWindow());
        long started = System.nanoTime();
        Replay replay = new Replay();
        new JdbcTemplate(dataSource)
                .query(
                        "SELECT i.id, i.line, i.station, i.production_order, i.result, i.capture_time, d.defect_class"
                                + " FROM inspection i LEFT JOIN inspection_defect d ON d.inspection_id = i.id"
                                + " WHERE i.capture_time >= ? ORDER BY i.capture_time, i.ledger_seq, d.idx",
                        replay,
                        OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        replay.flush();
        if (replay.parts > 0) {
            LOG.info(
                    "SPC: charts of {} station(s) rebuilt from {} inspections since {} in {} ms",
                    stations.size(),
                    replay.parts,
                    since,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Rows of the rebuild query, one inspection per run of rows with the same id. */
    private final class Replay implements RowCallbackHandler {
        long parts;
        String id;
        String line;
        String station;
        String order;
        Instant time;
        boolean ng;
        final List<String> classes = new ArrayList<>();

        @Override
        public void processRow(ResultSet rs) throws SQLException {
            String rowId = rs.getString("id");
            if (!rowId.equals(id)) {
                flush();
                id = rowId;
                line = rs.getString("line");
                station = rs.getString("station");
                order = rs.getString("production_order");
                ng = "NG".equals(rs.getString("result"));
                OffsetDateTime t = rs.getObject("capture_time", OffsetDateTime.class);
                Timestamp ts = t == null ? rs.getTimestamp("capture_time") : null;
                time = t != null ? t.toInstant() : ts == null ? null : ts.toInstant();
            }
            String cls = rs.getString("defect_class");
            if (cls != null) {
                classes.add(cls);
            }
        }

        void flush() {
            if (id != null && station != null && time != null) {
                add(line, station, order, time, ng, List.copyOf(classes), false);
                parts++;
            }
            id = null;
            classes.clear();
        }
    }

    /** The charts, filtered (null: any), stations in name order. */
    public List<ChartView> charts(String line, String station, String chart, String defectClass) {
        List<ChartView> out = new ArrayList<>();
        stations.values().stream()
                .sorted(Comparator.comparing(StationCharts::station))
                .filter(s -> station == null || station.equals(s.station()))
                .filter(s -> line == null || line.equals(s.line()))
                .forEach(s -> {
                    List<ChartView> views;
                    synchronized (s) {
                        views = s.views();
                    }
                    for (ChartView v : views) {
                        if ((chart == null || chart.equals(v.chart()))
                                && (defectClass == null || defectClass.equals(v.defectClass()))) {
                            out.add(v);
                        }
                    }
                });
        return out;
    }

    /** Whether the monitor has charts for this station (the API tells an unknown station from an empty filter). */
    public boolean knows(String station) {
        return stations.containsKey(Objects.requireNonNull(station));
    }
}
