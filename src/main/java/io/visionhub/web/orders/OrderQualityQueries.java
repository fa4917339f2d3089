package io.visionhub.web.orders;

import io.visionhub.api.CurrentDisposition;
import io.visionhub.api.CurrentDispositions;
import io.visionhub.api.InspectionQueries;
import io.visionhub.quality.oee.QualityRate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * What the order and lot pages show beyond the API's order summary and lot trace: recent orders, the quality rate
 * after dispositions, the defect Pareto, the defect-rate and anomaly-score trends, the lots of an order and the
 * current dispositions. Read only, over the ledger's tables.
 */
public class OrderQualityQueries {

    /** One row of the recent orders list. */
    public record OrderRow(
            String order, Instant first, Instant last, long inspections, long ng, long uncertain, long awaiting) {}

    /** One lot of an order. */
    public record LotRow(String lot, Instant first, Instant last, long inspections, long ng, long uncertain) {}

    /** One defect class of a Pareto, with the cumulative share of all defects up to and including it. */
    public record ParetoBar(String defectClass, long count, double cumulativeShare) {}

    /**
     * One time bucket of the trends.
     *
     * @param from         bucket start
     * @param inspections  inspections in it
     * @param defectRate   (NG + UNCERTAIN) / inspections
     * @param meanScore    mean anomaly score (null when no inspection had one)
     * @param maxScore     highest anomaly score (null when none)
     */
    public record TrendPoint(Instant from, long inspections, double defectRate, Double meanScore, Double maxScore) {}

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentDispositions dispositions;

    public OrderQualityQueries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.dispositions = new CurrentDispositions(jdbc);
    }

    /** Orders with an inspection captured since {@code since}, the most recently inspected first. */
    public List<OrderRow> recentOrders(Instant since, int limit) {
        return jdbc.query(
                "SELECT i.production_order, MIN(i.capture_time) AS first_time, MAX(i.capture_time) AS last_time,"
                        + " COUNT(*) AS n, SUM(CASE WHEN i.result = 'NG' THEN 1 ELSE 0 END) AS ng,"
                        + " SUM(CASE WHEN i.result = 'UNCERTAIN' THEN 1 ELSE 0 END) AS unc,"
                        + " SUM(CASE WHEN i.result <> 'OK' AND NOT EXISTS (SELECT 1 FROM disposition d WHERE"
                        + " d.target_type = 'INSPECTION' AND d.target_id = i.id) AND (i.batch IS NULL OR NOT EXISTS"
                        + " (SELECT 1 FROM disposition l WHERE l.target_type = 'LOT' AND l.target_id = i.batch))"
                        + " THEN 1 ELSE 0 END) AS awaiting"
                        + " FROM inspection i WHERE i.production_order IS NOT NULL AND i.capture_time >= :since"
                        + " GROUP BY i.production_order ORDER BY MAX(i.capture_time) DESC LIMIT :limit_rows",
                new MapSqlParameterSource("since", OffsetDateTime.ofInstant(since, ZoneOffset.UTC))
                        .addValue("limit_rows", limit),
                (rs, n) -> new OrderRow(
                        rs.getString(1),
                        InspectionQueries.instant(rs, "first_time"),
                        InspectionQueries.instant(rs, "last_time"),
                        rs.getLong("n"),
                        rs.getLong("ng"),
                        rs.getLong("unc"),
                        rs.getLong("awaiting")));
    }

    /** The lots inspected under an order, in the order they were first inspected. */
    public List<LotRow> lotsOf(String order) {
        return jdbc.query(
                "SELECT batch, MIN(capture_time) AS first_time, MAX(capture_time) AS last_time, COUNT(*) AS n,"
                        + " SUM(CASE WHEN result = 'NG' THEN 1 ELSE 0 END) AS ng,"
                        + " SUM(CASE WHEN result = 'UNCERTAIN' THEN 1 ELSE 0 END) AS unc"
                        + " FROM inspection WHERE production_order = :o AND batch IS NOT NULL GROUP BY batch"
                        + " ORDER BY MIN(capture_time)",
                new MapSqlParameterSource("o", order),
                (rs, n) -> new LotRow(
                        rs.getString(1),
                        InspectionQueries.instant(rs, "first_time"),
                        InspectionQueries.instant(rs, "last_time"),
                        rs.getLong("n"),
                        rs.getLong("ng"),
                        rs.getLong("unc")));
    }

    /** The quality rate of the scope after each inspection's current disposition (its own, else its lot's). */
    public QualityRate qualityRate(QualityScope scope) {
        CurrentDispositions.Resolver current = resolver(scope);
        QualityRate[] rate = {QualityRate.NONE};
        jdbc.query(
                "SELECT id, batch, result FROM inspection WHERE " + scope.kind().column() + " = :v",
                new MapSqlParameterSource("v", scope.value()),
                rs -> {
                    CurrentDisposition d = current.forPart(rs.getString(1), rs.getString(2));
                    rate[0] = rate[0].plus(rs.getString(3), d == null ? null : d.disposition());
                });
        return rate[0];
    }

    /** The current dispositions of the scope's inspections and lots, oldest first. */
    public List<CurrentDisposition> currentDispositions(QualityScope scope) {
        return resolver(scope).all();
    }

    private CurrentDispositions.Resolver resolver(QualityScope scope) {
        return scope.kind() == QualityScope.Kind.ORDER
                ? dispositions.ofOrder(scope.value())
                : dispositions.ofLot(scope.value());
    }

    /** The current disposition of a lot itself (a whole-lot decision), or null. */
    public CurrentDisposition lotDisposition(String lot) {
        return dispositions.ofLotItself(lot);
    }

    /** Defects of the scope by class, most frequent first, with the cumulative share (a Pareto). */
    public List<ParetoBar> pareto(QualityScope scope) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query(
                "SELECT d.defect_class, COUNT(*) AS n FROM inspection i JOIN inspection_defect d"
                        + " ON d.inspection_id = i.id WHERE i." + scope.kind().column() + " = :v"
                        + " GROUP BY d.defect_class",
                new MapSqlParameterSource("v", scope.value()),
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return pareto(counts);
    }

    static List<ParetoBar> pareto(Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<ParetoBar> out = new ArrayList<>();
        long running = 0;
        for (var e : sorted) {
            running += e.getValue();
            out.add(new ParetoBar(e.getKey(), e.getValue(), total == 0 ? 0 : (double) running / total));
        }
        return out;
    }

    /** The scope's inspections in up to {@code buckets} equal time buckets from its first to its last capture. */
    public List<TrendPoint> trend(QualityScope scope, int buckets) {
        List<Instant> times = new ArrayList<>();
        List<Boolean> defective = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        jdbc.query(
                "SELECT capture_time, result, anomaly_score FROM inspection WHERE "
                        + scope.kind().column() + " = :v AND capture_time IS NOT NULL ORDER BY capture_time",
                new MapSqlParameterSource("v", scope.value()),
                rs -> {
                    times.add(InspectionQueries.instant(rs, "capture_time"));
                    defective.add(!"OK".equals(rs.getString("result")));
                    double s = rs.getDouble("anomaly_score");
                    scores.add(rs.wasNull() ? null : s);
                });
        return trend(times, defective, scores, buckets);
    }

    static List<TrendPoint> trend(List<Instant> times, List<Boolean> defective, List<Double> scores, int buckets) {
        if (times.isEmpty()) {
            return List.of();
        }
        Instant first = times.get(0);
        long spanMillis =
                Math.max(1, Duration.between(first, times.get(times.size() - 1)).toMillis() + 1);
        int n = (int) Math.min(buckets, Math.max(1, times.size()));
        long width = Math.max(1, (spanMillis + n - 1) / n);
        long[] count = new long[n];
        long[] bad = new long[n];
        double[] sum = new double[n];
        long[] scored = new long[n];
        double[] max = new double[n];
        for (int i = 0; i < times.size(); i++) {
            int b = (int) Math.min(n - 1, Duration.between(first, times.get(i)).toMillis() / width);
            count[b]++;
            if (defective.get(i)) {
                bad[b]++;
            }
            Double s = scores.get(i);
            if (s != null) {
                max[b] = scored[b] == 0 ? s : Math.max(max[b], s);
                sum[b] += s;
                scored[b]++;
            }
        }
        List<TrendPoint> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            if (count[b] == 0) {
                continue; // no inspection in this bucket (a pause): no point rather than a false zero
            }
            out.add(new TrendPoint(
                    first.plusMillis(b * width),
                    count[b],
                    (double) bad[b] / count[b],
                    scored[b] == 0 ? null : sum[b] / scored[b],
                    scored[b] == 0 ? null : max[b]));
        }
        return out;
    }
}
