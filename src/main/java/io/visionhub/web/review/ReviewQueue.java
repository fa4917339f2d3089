package io.visionhub.web.review;

import io.visionhub.api.InspectionQueries;
import io.visionhub.api.InspectionSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The parts awaiting a quality decision: NG and UNCERTAIN inspections with no current disposition (none of their
 * own, and none of their lot), newest first, each with its defects and the recent inspections of the same station
 * with the same defect class (what a reviewer compares against).
 */
public class ReviewQueue {

    /** What the queue shows: any of line, station and order (null for all). */
    public record Filter(String line, String station, String order) {
        static Filter of(String line, String station, String order) {
            return new Filter(blankToNull(line), blankToNull(station), blankToNull(order));
        }
    }

    /** One defect found on a part. */
    public record Defect(String defectClass, double confidence) {}

    /** A recent inspection like the one under review (same station, same defect class). */
    public record Similar(String id, Instant captureTime, String result) {}

    /** A part awaiting disposition. */
    public record Item(InspectionSummary inspection, List<Defect> defects, List<Similar> similar) {

        /** The defect class the similar ones were chosen by (the first found), or null. */
        public String mainClass() {
            return defects.isEmpty() ? null : defects.get(0).defectClass();
        }
    }

    /** The queue: its items (at most the limit), how many await in all, and the values the filters offer. */
    public record Page(
            List<Item> items, long awaiting, List<String> lines, List<String> stations, List<String> orders) {}

    private static final String AWAITING = " FROM inspection i WHERE i.result IN ('NG', 'UNCERTAIN')"
            + " AND NOT EXISTS (SELECT 1 FROM disposition d WHERE d.target_type = 'INSPECTION' AND d.target_id = i.id)"
            + " AND (i.batch IS NULL OR NOT EXISTS (SELECT 1 FROM disposition l WHERE l.target_type = 'LOT'"
            + " AND l.target_id = i.batch))";

    private final NamedParameterJdbcTemplate jdbc;
    private final int similarCount;

    public ReviewQueue(NamedParameterJdbcTemplate jdbc, int similarCount) {
        this.jdbc = jdbc;
        this.similarCount = similarCount;
    }

    /**
     * The newest {@code limit} parts awaiting disposition that match the filter. Four queries, whatever the limit: the
     * page, the counts per line/station/order (the total and the filters' values from one pass over the awaiting
     * parts, which V59's index finds without reading the other inspections), the page's defects, and the recent
     * similar inspections of all its (station, class) pairs.
     */
    public Page page(Filter f, int limit) {
        StringBuilder where = new StringBuilder(AWAITING);
        MapSqlParameterSource p = new MapSqlParameterSource("limit_rows", limit);
        if (f.line() != null) {
            where.append(" AND i.line = :line");
            p.addValue("line", f.line());
        }
        if (f.station() != null) {
            where.append(" AND i.station = :station");
            p.addValue("station", f.station());
        }
        if (f.order() != null) {
            where.append(" AND i.production_order = :po");
            p.addValue("po", f.order());
        }
        List<InspectionSummary> rows = jdbc.query(
                "SELECT " + InspectionQueries.COLUMNS + where
                        + " ORDER BY i.capture_time DESC, i.ledger_seq DESC LIMIT :limit_rows",
                p,
                InspectionQueries.SUMMARY);
        Map<String, List<Defect>> defects =
                defects(rows.stream().map(InspectionSummary::id).toList());
        Map<String, List<Similar>> similar = similar(rows, defects, similarCount + 1);
        List<Item> items = new ArrayList<>();
        for (InspectionSummary r : rows) {
            List<Defect> d = defects.getOrDefault(r.id(), List.of());
            String cls = d.isEmpty() ? null : d.get(0).defectClass();
            items.add(new Item(
                    r,
                    d,
                    similar.getOrDefault(key(r.station(), cls), List.of()).stream()
                            .filter(s -> !s.id().equals(r.id()))
                            .limit(similarCount)
                            .toList()));
        }
        TreeSet<String> lines = new TreeSet<>();
        TreeSet<String> stations = new TreeSet<>();
        TreeSet<String> orders = new TreeSet<>();
        long[] awaiting = {0};
        jdbc.query(
                "SELECT i.line, i.station, i.production_order, COUNT(*)" + AWAITING
                        + " GROUP BY i.line, i.station, i.production_order",
                new MapSqlParameterSource(),
                rs -> {
                    String line = rs.getString(1);
                    String station = rs.getString(2);
                    String order = rs.getString(3);
                    addIfPresent(lines, line);
                    addIfPresent(stations, station);
                    addIfPresent(orders, order);
                    if (matches(f.line(), line) && matches(f.station(), station) && matches(f.order(), order)) {
                        awaiting[0] += rs.getLong(4);
                    }
                });
        return new Page(
                List.copyOf(items), awaiting[0], List.copyOf(lines), List.copyOf(stations), List.copyOf(orders));
    }

    private static boolean matches(String wanted, String value) {
        return wanted == null || wanted.equals(value);
    }

    private static String key(String station, String defectClass) {
        return station + "|" + defectClass;
    }

    private Map<String, List<Defect>> defects(List<String> ids) {
        Map<String, List<Defect>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        jdbc.query(
                "SELECT inspection_id, defect_class, confidence FROM inspection_defect WHERE inspection_id IN (:ids)"
                        + " ORDER BY inspection_id, idx",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Defect(rs.getString(2), rs.getDouble(3)));
                });
        return out;
    }

    /**
     * For each (station, main defect class) pair of the page, its newest {@code n} inspections of that station with a
     * defect of that class (without a class: its UNCERTAIN ones), in one statement: one LIMITed branch per pair, each
     * read newest first along the station's index (V21), joined by UNION ALL.
     */
    private Map<String, List<Similar>> similar(List<InspectionSummary> rows, Map<String, List<Defect>> defects, int n) {
        Map<String, String[]> pairs = new LinkedHashMap<>();
        for (InspectionSummary r : rows) {
            List<Defect> d = defects.getOrDefault(r.id(), List.of());
            String cls = d.isEmpty() ? null : d.get(0).defectClass();
            pairs.putIfAbsent(key(r.station(), cls), new String[] {r.station(), cls});
        }
        Map<String, List<Similar>> out = new HashMap<>();
        if (pairs.isEmpty()) {
            return out;
        }
        MapSqlParameterSource p = new MapSqlParameterSource("n", n);
        List<String> branches = new ArrayList<>();
        int k = 0;
        for (String[] pair : pairs.values()) {
            String s = "s" + k;
            String c = "c" + k;
            p.addValue(s, pair[0]);
            String match;
            if (pair[1] != null) {
                p.addValue(c, pair[1]);
                match = " AND EXISTS (SELECT 1 FROM inspection_defect d WHERE d.inspection_id = i.id"
                        + " AND d.defect_class = :" + c + ")";
            } else {
                match = " AND i.result = 'UNCERTAIN'";
            }
            branches.add("(SELECT " + k + " AS pair, i.id, i.capture_time, i.result, i.ledger_seq FROM inspection i"
                    + " WHERE i.station = :" + s + match
                    + " ORDER BY i.capture_time DESC, i.ledger_seq DESC LIMIT :n)");
            k++;
        }
        List<String> keys = List.copyOf(pairs.keySet());
        jdbc.query(
                "SELECT pair, id, capture_time, result FROM (" + String.join(" UNION ALL ", branches) + ") recent"
                        + " ORDER BY pair, capture_time DESC, ledger_seq DESC",
                p,
                rs -> {
                    out.computeIfAbsent(keys.get(rs.getInt(1)), x -> new ArrayList<>())
                            .add(new Similar(
                                    rs.getString(2), InspectionQueries.instant(rs, "capture_time"), rs.getString(4)));
                });
        return out;
    }

    private static void addIfPresent(TreeSet<String> set, String v) {
        if (v != null && !v.isBlank()) {
            set.add(v);
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
