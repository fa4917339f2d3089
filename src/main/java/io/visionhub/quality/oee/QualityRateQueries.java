package io.visionhub.quality.oee;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads what a {@link QualityTally} needs from the ledger's tables: a line's inspections under an order and shift,
 * with the current (latest) disposition of each inspection and of each lot among them.
 */
public class QualityRateQueries {

    private final JdbcTemplate jdbc;

    public QualityRateQueries(DataSource dataSource) {
        this(new JdbcTemplate(dataSource));
    }

    public QualityRateQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The tally of a line for an order and shift, from the database.
     *
     * @param shift the shift; null matches inspections without one
     */
    QualityTally load(String line, String order, String shift) {
        return load(line, order, shift, false);
    }

    /** The tally of a line for an order, over all its shifts ({@code anyShift}) or one. */
    QualityTally load(String line, String order, String shift, boolean anyShift) {
        return load(new QualityTally(line, order, shift), new Scope(line, order, shift, anyShift));
    }

    /**
     * The rates of a line and each of its stations over inspections recorded under a shift and captured in one of
     * the periods (each {@code [from, to)}), after the dispositions current now.
     */
    public Rates between(String line, String shift, List<Instant[]> periods) {
        if (periods.isEmpty()) {
            return new Rates(QualityRate.NONE, Map.of());
        }
        StringBuilder where = new StringBuilder("line = ? AND shift = ? AND (");
        List<Object> values = new ArrayList<>(List.of(line, shift));
        for (int i = 0; i < periods.size(); i++) {
            where.append(i == 0 ? "" : " OR ").append("(capture_time >= ? AND capture_time < ?)");
            values.add(OffsetDateTime.ofInstant(periods.get(i)[0], ZoneOffset.UTC));
            values.add(OffsetDateTime.ofInstant(periods.get(i)[1], ZoneOffset.UTC));
        }
        where.append(")");
        QualityTally t = load(new QualityTally(line, null, shift), new Scope(where.toString(), values.toArray()));
        Map<String, QualityRate> stations = new LinkedHashMap<>();
        for (String s : t.stations()) {
            stations.put(s, t.rate(s));
        }
        return new Rates(t.rate(null), stations);
    }

    /**
     * A line's rate and its stations' rates.
     *
     * @param line     all stations together
     * @param stations by station, sorted
     */
    public record Rates(QualityRate line, Map<String, QualityRate> stations) {}

    private QualityTally load(QualityTally tally, Scope scope) {
        Map<String, QualityTally.Decision> own = new java.util.HashMap<>();
        jdbc.query(
                "SELECT d.target_type, d.target_id, d.disposition, d.ledger_seq FROM disposition d WHERE "
                        + "NOT EXISTS (SELECT 1 FROM disposition n WHERE n.target_type = d.target_type"
                        + " AND n.target_id = d.target_id AND n.ledger_seq > d.ledger_seq) AND ("
                        + "(d.target_type = 'INSPECTION' AND d.target_id IN (SELECT id FROM inspection WHERE "
                        + scope.where + "))"
                        + " OR (d.target_type = 'LOT' AND d.target_id IN (SELECT batch FROM inspection WHERE "
                        + scope.where + ")))",
                rs -> {
                    QualityTally.Decision d = new QualityTally.Decision(rs.getString(3), rs.getLong(4));
                    if ("LOT".equals(rs.getString(1))) {
                        tally.lotDecision(rs.getString(2), d);
                    } else {
                        own.put(rs.getString(2), d);
                    }
                },
                scope.args(2));
        jdbc.query(
                "SELECT id, station, result, batch, ledger_seq FROM inspection WHERE " + scope.where
                        + " ORDER BY ledger_seq",
                rs -> {
                    QualityTally.Part p = part(rs);
                    tally.add(p, own.get(p.id()), false);
                },
                scope.args(1));
        return tally;
    }

    /** One recorded inspection with its scope, if it exists. */
    Optional<Scoped> inspection(String id) {
        return jdbc
                .query(
                        "SELECT id, station, result, batch, ledger_seq, line, production_order, shift FROM inspection"
                                + " WHERE id = ?",
                        (rs, n) -> new Scoped(part(rs), rs.getString(6), rs.getString(7), rs.getString(8)),
                        id)
                .stream()
                .findFirst();
    }

    /** The inspections of a lot on a line under an order and shift recorded before a ledger sequence. */
    List<QualityTally.Part> lotBefore(String batch, long sequence, String line, String order, String shift) {
        Scope scope = new Scope(line, order, shift, false);
        List<Object> args = new ArrayList<>(List.of(batch, sequence));
        args.addAll(List.of(scope.args(1)));
        return jdbc.query(
                "SELECT id, station, result, batch, ledger_seq FROM inspection WHERE batch = ? AND ledger_seq < ?"
                        + " AND " + scope.where,
                (rs, n) -> part(rs),
                args.toArray());
    }

    /** An inspection with the line, order and shift it was recorded under. */
    record Scoped(QualityTally.Part part, String line, String productionOrder, String shift) {}

    private static QualityTally.Part part(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new QualityTally.Part(
                rs.getString("id"),
                rs.getString("station"),
                rs.getString("result"),
                rs.getString("batch"),
                rs.getLong("ledger_seq"));
    }

    /** The WHERE clause of a line, order and shift (a null shift matches rows without one). */
    private static final class Scope {
        final String where;
        private final Object[] values;

        Scope(String where, Object[] values) {
            this.where = where;
            this.values = values;
        }

        Scope(String line, String order, String shift, boolean anyShift) {
            boolean noShiftValue = anyShift || shift == null;
            where = "line = ? AND production_order = ?"
                    + (anyShift ? "" : shift == null ? " AND shift IS NULL" : " AND shift = ?");
            values = noShiftValue ? new Object[] {line, order} : new Object[] {line, order, shift};
        }

        /** The values, repeated for each time the clause appears in a statement. */
        Object[] args(int times) {
            Object[] out = new Object[values.length * times];
            for (int i = 0; i < times; i++) {
                System.arraycopy(values, 0, out, i * values.length, values.length);
            }
            return out;
        }
    }
}
