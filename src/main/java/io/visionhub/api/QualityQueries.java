package io.visionhub.api;

import io.visionhub.quality.oee.QualityRate;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** Order quality summaries and lot traces over the ledger's tables (read only). */
public class QualityQueries {

    static final String NO_SHIFT = "(none)";

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentDispositions dispositions;

    public QualityQueries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.dispositions = new CurrentDispositions(jdbc);
    }

    /** Summary of an order, or empty when no inspection was recorded under it. */
    public Optional<OrderSummary> orderSummary(String order) {
        MapSqlParameterSource p = new MapSqlParameterSource("o", order);
        Map<String, long[]> results = new TreeMap<>(); // shift -> ok, ng, uncertain
        Map<String, FirstInspection> firstOfPart = new HashMap<>();
        Instant[] span = new Instant[2];
        TreeSet<String> lines = new TreeSet<>();
        TreeSet<String> products = new TreeSet<>();
        List<String[]> verdicts = new ArrayList<>(); // id, batch, result: for the rate after dispositions
        // one pass over the order's rows: counts, span, lines, products and each part's first inspection
        jdbc.query(
                "SELECT shift, result, part_id, id, capture_time, ledger_seq, line, product, batch FROM inspection"
                        + " WHERE production_order = :o",
                p,
                rs -> {
                    String shift = shift(rs.getString("shift"));
                    String r = rs.getString("result");
                    verdicts.add(new String[] {rs.getString("id"), rs.getString("batch"), r});
                    long[] c = results.computeIfAbsent(shift, s -> new long[3]);
                    c["OK".equals(r) ? 0 : "NG".equals(r) ? 1 : 2]++;
                    Instant t = InspectionQueries.instant(rs, "capture_time");
                    if (t != null && (span[0] == null || t.isBefore(span[0]))) {
                        span[0] = t;
                    }
                    if (t != null && (span[1] == null || t.isAfter(span[1]))) {
                        span[1] = t;
                    }
                    String line = rs.getString("line");
                    if (line != null) {
                        lines.add(line);
                    }
                    String product = rs.getString("product");
                    if (product != null) {
                        products.add(product);
                    }
                    String part = rs.getString("part_id");
                    FirstInspection candidate = new FirstInspection(t, rs.getLong("ledger_seq"), shift, "OK".equals(r));
                    firstOfPart.merge(
                            part == null ? "id:" + rs.getString("id") : "part:" + part,
                            candidate,
                            (a, b) -> a.isBefore(b) ? a : b);
                });
        if (results.isEmpty()) {
            return Optional.empty();
        }
        Map<String, long[]> firstPass = new TreeMap<>(); // shift of the part's first inspection -> parts, first ok
        for (FirstInspection f : firstOfPart.values()) {
            long[] counts = firstPass.computeIfAbsent(f.shift(), s -> new long[2]);
            counts[0]++;
            if (f.ok()) {
                counts[1]++;
            }
        }
        Map<String, Map<String, Long>> defects = new TreeMap<>();
        jdbc.query(
                "SELECT i.shift, d.defect_class, COUNT(*) AS n FROM inspection i JOIN inspection_defect d"
                        + " ON d.inspection_id = i.id WHERE i.production_order = :o GROUP BY i.shift, d.defect_class",
                p,
                rs -> {
                    defects.computeIfAbsent(shift(rs.getString("shift")), s -> new TreeMap<>())
                            .merge(rs.getString("defect_class"), rs.getLong("n"), Long::sum);
                });

        long[] total = new long[3];
        long[] totalFirst = new long[2];
        Map<String, Long> totalDefects = new TreeMap<>();
        List<OrderSummary.ShiftCounts> shifts = new ArrayList<>();
        for (var e : results.entrySet()) {
            long[] c = e.getValue();
            long[] f = firstPass.getOrDefault(e.getKey(), new long[2]);
            Map<String, Long> d = defects.getOrDefault(e.getKey(), Map.of());
            shifts.add(new OrderSummary.ShiftCounts(e.getKey(), counts(c, f, d)));
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
            totalFirst[0] += f[0];
            totalFirst[1] += f[1];
            d.forEach((k, v) -> totalDefects.merge(k, v, Long::sum));
        }
        return Optional.of(new OrderSummary(
                order,
                List.copyOf(lines),
                List.copyOf(products),
                span[0],
                span[1],
                counts(total, totalFirst, totalDefects),
                List.copyOf(shifts),
                afterDispositions(order, verdicts)));
    }

    private OrderSummary.AfterDispositions afterDispositions(String order, List<String[]> verdicts) {
        CurrentDispositions.Resolver current = dispositions.ofOrder(order);
        QualityRate rate = QualityRate.NONE;
        Map<String, Long> byDisposition = new TreeMap<>();
        for (String[] v : verdicts) {
            CurrentDisposition d = current.forPart(v[0], v[1]);
            rate = rate.plus(v[2], d == null ? null : d.disposition());
            if (d != null) {
                byDisposition.merge(d.disposition(), 1L, Long::sum);
            }
        }
        return new OrderSummary.AfterDispositions(
                rate.total(),
                rate.good(),
                rate.rework(),
                rate.scrap(),
                rate.pending(),
                rate.rejectedUndecided(),
                rate.total() == 0 ? null : rate.rate(),
                byDisposition);
    }

    /** A part's earliest inspection in an order (by capture time, then ledger sequence). */
    private record FirstInspection(Instant time, long seq, String shift, boolean ok) {
        boolean isBefore(FirstInspection o) {
            if (time == null || o.time == null) {
                return o.time == null ? seq < o.seq : false;
            }
            return time.isBefore(o.time) || (time.equals(o.time) && seq < o.seq);
        }
    }

    private static OrderSummary.Counts counts(long[] c, long[] firstPass, Map<String, Long> defects) {
        long n = c[0] + c[1] + c[2];
        return new OrderSummary.Counts(
                n,
                c[0],
                c[1],
                c[2],
                n == 0 ? 0 : (double) c[1] / n,
                firstPass[0],
                firstPass[1],
                firstPass[0] == 0 ? 0 : (double) firstPass[1] / firstPass[0],
                new LinkedHashMap<>(defects));
    }

    private static String shift(String s) {
        return s == null || s.isEmpty() ? NO_SHIFT : s;
    }

    /** The trace of a batch, or empty when the hub knows nothing about it. */
    public Optional<LotTrace> lotTrace(String batch, int limit) {
        MapSqlParameterSource p = new MapSqlParameterSource("b", batch).addValue("limit_rows", limit + 1);
        List<LotTrace.Entry> entries = new ArrayList<>();
        TreeSet<String> orders = new TreeSet<>();
        Map<String, List<String>> defectClasses = new LinkedHashMap<>();
        jdbc.query(
                "SELECT d.inspection_id, d.defect_class FROM inspection_defect d JOIN inspection i"
                        + " ON i.id = d.inspection_id WHERE i.batch = :b ORDER BY d.inspection_id, d.idx",
                p,
                rs -> {
                    defectClasses
                            .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(rs.getString(2));
                });
        List<LotTrace.Entry> inspections = jdbc.query(
                "SELECT id, ledger_seq, capture_time, station, line,"
                        + " production_order, result, part_id FROM inspection WHERE batch = :b"
                        + " ORDER BY capture_time, ledger_seq LIMIT :limit_rows",
                p,
                (rs, n) -> {
                    String id = rs.getString("id");
                    List<String> classes = defectClasses.getOrDefault(id, List.of());
                    String detail = "station " + rs.getString("station") + ", line " + rs.getString("line")
                            + (rs.getString("part_id") == null ? "" : ", part " + rs.getString("part_id"))
                            + ", ledger #" + rs.getLong("ledger_seq")
                            + (classes.isEmpty() ? "" : ", defects " + String.join(", ", classes));
                    return new LotTrace.Entry(
                            InspectionQueries.instant(rs, "capture_time"),
                            LotTrace.Kind.INSPECTION,
                            id,
                            rs.getString("production_order"),
                            rs.getString("result"),
                            detail,
                            null);
                });
        boolean truncated = inspections.size() > limit;
        if (truncated) {
            inspections = inspections.subList(0, limit);
        }
        inspections.forEach(e -> {
            if (e.productionOrder() != null) {
                orders.add(e.productionOrder());
            }
        });
        entries.addAll(inspections);
        entries.addAll(jdbc.query(
                "SELECT o.inspection_id, o.target, o.document_type, o.delivery_key, o.status,"
                        + " o.document_number, o.attempts, o.created_at, i.production_order FROM outbox o JOIN inspection i"
                        + " ON i.id = o.inspection_id WHERE i.batch = :b ORDER BY o.created_at, o.id",
                p,
                (rs, n) -> new LotTrace.Entry(
                        InspectionQueries.instant(rs, "created_at"),
                        LotTrace.Kind.DOCUMENT,
                        rs.getString("inspection_id"),
                        rs.getString("production_order"),
                        rs.getString("status"),
                        rs.getString("document_type") + " to " + rs.getString("target") + " (key "
                                + rs.getString("delivery_key") + ", attempts " + rs.getInt("attempts") + ")",
                        rs.getString("document_number"))));
        if (tableExists("disposition")) {
            // only each target's current disposition (its latest: a later one supersedes it); the history stays in
            // GET /api/ledger/dispositions?target=…&history=true
            entries.addAll(jdbc.query(
                    "SELECT d.signed_at, d.target_type, d.target_id, d.disposition, d.reason, d.meaning,"
                            + " d.user_name, d.printed_name, d.ledger_seq, d.supersedes_id, i.production_order FROM disposition d"
                            + " LEFT JOIN inspection i ON d.target_type = 'INSPECTION' AND i.id = d.target_id"
                            + " WHERE ((d.target_type = 'LOT' AND d.target_id = :b) OR (d.target_type = 'INSPECTION' AND i.batch = :b))"
                            + " AND NOT EXISTS (SELECT 1 FROM disposition n WHERE n.target_type = d.target_type"
                            + " AND n.target_id = d.target_id AND n.ledger_seq > d.ledger_seq)"
                            + " ORDER BY d.signed_at",
                    p,
                    (rs, n) -> new LotTrace.Entry(
                            InspectionQueries.instant(rs, "signed_at"),
                            LotTrace.Kind.DISPOSITION,
                            "INSPECTION".equals(rs.getString("target_type")) ? rs.getString("target_id") : null,
                            rs.getString("production_order"),
                            rs.getString("disposition"),
                            ("LOT".equals(rs.getString("target_type")) ? "whole lot, " : "") + "signed by "
                                    + rs.getString("printed_name") + " (" + rs.getString("user_name") + ") on "
                                    + InspectionQueries.instant(rs, "signed_at") + " UTC, meaning: "
                                    + rs.getString("meaning")
                                    + "; reason: " + rs.getString("reason")
                                    + (rs.getString("supersedes_id") == null
                                            ? ""
                                            : "; supersedes " + rs.getString("supersedes_id"))
                                    + ", ledger #" + rs.getLong("ledger_seq"),
                            null)));
        }
        if (tableExists("production_context_change")) {
            entries.addAll(jdbc.query(
                    "SELECT line, version, valid_from, production_order, source, principal"
                            + " FROM production_context_change WHERE batch = :b ORDER BY valid_from",
                    p,
                    (rs, n) -> {
                        String order = rs.getString("production_order");
                        if (order != null) {
                            orders.add(order);
                        }
                        return new LotTrace.Entry(
                                InspectionQueries.instant(rs, "valid_from"),
                                LotTrace.Kind.CONTEXT,
                                null,
                                order,
                                null,
                                "line " + rs.getString("line") + " context version " + rs.getLong("version") + " from "
                                        + rs.getString("source") + " by " + rs.getString("principal"),
                                null);
                    }));
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        entries.sort(Comparator.comparing(LotTrace.Entry::time, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(e -> e.kind().ordinal()));
        return Optional.of(new LotTrace(batch, List.copyOf(orders), List.copyOf(entries), truncated));
    }

    private final Map<String, Boolean> tables = new ConcurrentHashMap<>();

    boolean tableExists(String name) {
        return tables.computeIfAbsent(name, n -> {
            Boolean found = jdbc.getJdbcTemplate().execute((Connection c) -> {
                DatabaseMetaData md = c.getMetaData();
                for (String candidate : new String[] {n, n.toUpperCase()}) {
                    try (ResultSet rs = md.getTables(null, null, candidate, null)) {
                        if (rs.next()) {
                            return true;
                        }
                    }
                }
                return false;
            });
            return Boolean.TRUE.equals(found);
        });
    }
}
