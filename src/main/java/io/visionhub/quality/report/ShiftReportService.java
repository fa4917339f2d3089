package io.visionhub.quality.report;

import io.visionhub.context.ContextHistoryLog;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.quality.alarm.AlarmBoard;
import io.visionhub.quality.alarm.QualityAlarm;
import io.visionhub.quality.ncr.NcrRegister;
import io.visionhub.quality.oee.QualityRateQueries;
import io.visionhub.quality.spc.ChartPoint;
import io.visionhub.quality.spc.ChartType;
import io.visionhub.quality.spc.ControlChart;
import io.visionhub.quality.spc.NelsonRules;
import io.visionhub.quality.spc.Sample;
import io.visionhub.quality.spc.Subgroup;
import io.visionhub.quality.spc.Subgrouping;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gathers a line's shift report: the periods the line ran the shift on the date (context history), the inspections
 * recorded under that shift in those periods, their quality rate after dispositions, defect Pareto, a p-chart of the
 * NG rate per station, and the alarms and NCRs of those periods where the hub runs those services.
 */
public class ShiftReportService {

    /** A subgroup is at least this long; a shift is cut into about {@value #SUBGROUPS} of them. */
    static final Duration MIN_WINDOW = Duration.ofMinutes(1);

    static final int SUBGROUPS = 24;

    private final JdbcTemplate jdbc;
    private final Supplier<ContextHistoryLog> history;
    private final QualityRateQueries rates;
    private final DispositionQueries dispositions;
    private final Supplier<AlarmBoard> alarms;
    private final Supplier<NcrRegister> ncrs;
    private final ZoneId zone;
    private final Clock clock;

    public ShiftReportService(
            JdbcTemplate jdbc,
            Supplier<ContextHistoryLog> history,
            QualityRateQueries rates,
            DispositionQueries dispositions,
            Supplier<AlarmBoard> alarms,
            Supplier<NcrRegister> ncrs,
            ZoneId zone,
            Clock clock) {
        this.jdbc = jdbc;
        this.history = history;
        this.rates = rates;
        this.dispositions = dispositions;
        this.alarms = alarms;
        this.ncrs = ncrs;
        this.zone = zone;
        this.clock = clock;
    }

    /** Why there is no report: the line is unknown, or it did not run the shift that day. */
    public static final class NoSuchShiftException extends RuntimeException {
        private final String code;

        NoSuchShiftException(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * The report of a line's shift on a date.
     *
     * @throws NoSuchShiftException when the context history knows no such line, or no period of that shift
     */
    public ShiftReport report(String line, String shift, LocalDate date, String generatedBy) {
        ContextHistoryLog log = history.get();
        if (log == null) {
            throw new NoSuchShiftException(
                    "no_context_history", "the hub keeps no context history (visionhub.context is off): no shifts");
        }
        Instant now = clock.instant();
        Instant from = date.minusDays(1).atStartOfDay(zone).toInstant();
        var changes = log.history(line, from, null, 100_000);
        if (changes.isEmpty() && log.history(line, null, null, 1).isEmpty()) {
            throw new NoSuchShiftException(
                    "unknown_line", "line " + line + " has no production context history: no shift to report");
        }
        List<ShiftPeriods.Period> periods = ShiftPeriods.of(changes, shift, date, zone, now);
        if (periods.isEmpty()) {
            throw new NoSuchShiftException(
                    "unknown_shift",
                    "line " + line + " did not start shift " + shift + " on " + date + " (" + zone
                            + ") according to its context history");
        }
        List<Instant[]> windows =
                periods.stream().map(p -> new Instant[] {p.from(), p.to()}).toList();

        Where where = where(line, shift, windows);
        long[] byResult = new long[3];
        Map<String, List<Sample>> samples = new TreeMap<>();
        Set<String> targets = new LinkedHashSet<>();
        Long[] seqs = new Long[2];
        Map<String, Integer> defectsOf = new HashMap<>();
        jdbc.query(
                "SELECT i.id, COUNT(d.idx) FROM inspection i LEFT JOIN inspection_defect d ON d.inspection_id = i.id"
                        + " WHERE " + where.sql("i.") + " GROUP BY i.id",
                rs -> {
                    defectsOf.put(rs.getString(1), rs.getInt(2));
                },
                where.values());
        jdbc.query(
                "SELECT id, station, result, batch, ledger_seq, capture_time FROM inspection WHERE " + where.sql("")
                        + " ORDER BY ledger_seq",
                rs -> {
                    String result = rs.getString("result");
                    byResult["OK".equals(result) ? 0 : "NG".equals(result) ? 1 : 2]++;
                    long seq = rs.getLong("ledger_seq");
                    seqs[0] = seqs[0] == null ? seq : Math.min(seqs[0], seq);
                    seqs[1] = seqs[1] == null ? seq : Math.max(seqs[1], seq);
                    targets.add(rs.getString("id"));
                    if (rs.getString("batch") != null) {
                        targets.add(rs.getString("batch"));
                    }
                    Instant t =
                            rs.getObject("capture_time", OffsetDateTime.class).toInstant();
                    samples.computeIfAbsent(rs.getString("station"), s -> new ArrayList<>())
                            .add(new Sample(t, "NG".equals(result), defectsOf.getOrDefault(rs.getString("id"), 0)));
                },
                where.values());

        List<ShiftReport.DefectCount> pareto = jdbc.query(
                "SELECT d.defect_class, COUNT(*) AS n FROM inspection_defect d JOIN inspection i"
                        + " ON i.id = d.inspection_id WHERE " + where.sql("i.")
                        + " GROUP BY d.defect_class ORDER BY n DESC, d.defect_class",
                (rs, n) -> new ShiftReport.DefectCount(rs.getString(1), rs.getLong(2)),
                where.values());

        QualityRateQueries.Rates r = rates.between(line, shift, windows);
        List<SignedDisposition> signed = targets.isEmpty()
                ? List.of()
                : dispositions.forTargets(targets).stream()
                        .filter(SignedDisposition::current)
                        .sorted(Comparator.comparingLong(SignedDisposition::sequence))
                        .toList();

        Duration window = window(periods);
        List<ShiftReport.StationChart> charts = new ArrayList<>();
        samples.forEach((station, list) -> {
            List<Subgroup> groups =
                    Subgrouping.byTime(list, window, periods.get(0).from(), ChartType.P);
            if (!groups.isEmpty()) {
                ControlChart chart = ControlChart.fromBaseline(ChartType.P, groups);
                List<ChartPoint> points = chart.plot(groups);
                charts.add(new ShiftReport.StationChart(
                        station, window, points, NelsonRules.all().evaluate(points)));
            }
        });

        Instant start = periods.get(0).from();
        Instant end = periods.get(periods.size() - 1).to();
        List<QualityAlarm> alarmList = Optional.ofNullable(alarms.get())
                .map(a -> a.raisedBetween(line, start, end).stream()
                        .filter(alarm -> inAny(periods, alarm.raised()))
                        .toList())
                .orElse(null);
        List<NcrRegister.NcrSummary> ncrList = Optional.ofNullable(ncrs.get())
                .map(n -> n.ofLine(line, start, end))
                .orElse(null);
        return new ShiftReport(
                line,
                shift,
                date,
                zone.getId(),
                periods,
                byResult[0],
                byResult[1],
                byResult[2],
                r.line(),
                r.stations(),
                pareto,
                charts,
                alarmList,
                signed,
                ncrList,
                new ShiftReport.LedgerRange(seqs[0], seqs[1], byResult[0] + byResult[1] + byResult[2]),
                now,
                generatedBy);
    }

    /** Whether an instant falls in one of the periods (a line can run a shift twice in a day, another in between). */
    static boolean inAny(List<ShiftPeriods.Period> periods, Instant t) {
        return t != null && periods.stream().anyMatch(p -> !t.isBefore(p.from()) && t.isBefore(p.to()));
    }

    /** About {@value #SUBGROUPS} subgroups over the shift's length, each at least a minute, in whole minutes. */
    static Duration window(List<ShiftPeriods.Period> periods) {
        Duration total = Duration.ZERO;
        for (ShiftPeriods.Period p : periods) {
            total = total.plus(Duration.between(p.from(), p.to()));
        }
        long minutes =
                Math.max(MIN_WINDOW.toMinutes(), total.dividedBy(SUBGROUPS).toMinutes());
        return Duration.ofMinutes(minutes);
    }

    private record Where(String line, String shift, List<Instant[]> windows) {
        String sql(String alias) {
            StringBuilder b = new StringBuilder(alias + "line = ? AND " + alias + "shift = ? AND (");
            for (int i = 0; i < windows.size(); i++) {
                b.append(i == 0 ? "" : " OR ")
                        .append("(" + alias + "capture_time >= ? AND " + alias + "capture_time < ?)");
            }
            return b.append(")").toString();
        }

        Object[] values() {
            List<Object> v = new ArrayList<>(List.of(line, shift));
            for (Instant[] w : windows) {
                v.add(OffsetDateTime.ofInstant(w[0], ZoneOffset.UTC));
                v.add(OffsetDateTime.ofInstant(w[1], ZoneOffset.UTC));
            }
            return v.toArray();
        }
    }

    private static Where where(String line, String shift, List<Instant[]> windows) {
        return new Where(line, shift, windows);
    }
}
