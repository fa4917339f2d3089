package io.visionhub.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import io.visionhub.ledger.store.DatabaseKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** Read-only queries over the ledger's {@code inspection} and {@code inspection_defect} tables. */
public class InspectionQueries {

    public static final String COLUMNS =
            "i.id, i.ledger_seq, i.station, i.camera, i.line, i.production_order, i.batch, "
                    + "i.shift, i.product, i.result, i.capture_time, i.inference_time, i.model_name, i.model_version, "
                    + "i.anomaly_score, i.part_id, i.image_sha256, i.annotated_sha256";

    public static final RowMapper<InspectionSummary> SUMMARY = InspectionQueries::summary;

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentDispositions dispositions;

    public InspectionQueries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.dispositions = new CurrentDispositions(jdbc);
    }

    /** A page of inspections matching the filter, newest capture first. */
    public InspectionPage list(InspectionFilter f) {
        // the most selective equality filter leads the index (V21) and the ORDER BY, so a page is read in
        // index order and the scan stops after it
        String lead = f.productionOrder() != null
                ? "production_order"
                : f.batch() != null ? "batch" : f.station() != null ? "station" : f.line() != null ? "line" : null;
        String index = lead == null
                ? "ix_api_inspection_newest"
                : switch (lead) {
                    case "production_order" -> "ix_api_inspection_order";
                    case "batch" -> "ix_api_inspection_batch";
                    case "station" -> "ix_api_inspection_station";
                    default -> "ix_api_inspection_line";
                };
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM inspection i");
        if (isH2()) {
            sql.append(" USE INDEX (").append(index).append(")"); // H2's planner would take V1's one-column index
        }
        sql.append(" WHERE 1=1");
        MapSqlParameterSource p = new MapSqlParameterSource();
        eq(sql, p, "line", f.line());
        eq(sql, p, "station", f.station());
        eq(sql, p, "production_order", f.productionOrder());
        eq(sql, p, "batch", f.batch());
        eq(sql, p, "result", f.result());
        if (f.defectClass() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM inspection_defect d WHERE d.inspection_id = i.id"
                    + " AND d.defect_class = :defect_class)");
            p.addValue("defect_class", f.defectClass());
        }
        if (f.from() != null) {
            sql.append(" AND i.capture_time >= :from_time");
            p.addValue("from_time", utc(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND i.capture_time < :to_time");
            p.addValue("to_time", utc(f.to()));
        }
        sql.append(" ORDER BY ")
                .append(lead == null ? "" : "i." + lead + ", ")
                .append("i.capture_time DESC, i.ledger_seq DESC LIMIT :limit_rows OFFSET :offset_rows");
        p.addValue("limit_rows", f.limit() + 1);
        p.addValue("offset_rows", f.offset());
        List<InspectionSummary> rows = new ArrayList<>(jdbc.query(sql.toString(), p, SUMMARY));
        boolean more = rows.size() > f.limit();
        if (more) {
            rows.remove(rows.size() - 1);
        }
        return new InspectionPage(List.copyOf(withDispositions(rows)), f.offset(), f.limit(), more);
    }

    /** The rows with each one's current disposition (one more query for the page). */
    public List<InspectionSummary> withDispositions(List<InspectionSummary> rows) {
        Map<String, CurrentDisposition> current = dispositions.of(rows.stream()
                .map(r -> new CurrentDispositions.Part(r.id(), r.batch()))
                .toList());
        if (current.isEmpty()) {
            return rows;
        }
        return rows.stream()
                .map(r -> current.containsKey(r.id()) ? r.withDisposition(current.get(r.id())) : r)
                .toList();
    }

    private volatile Boolean h2;

    boolean isH2() {
        Boolean known = h2;
        if (known == null) {
            known = DatabaseKind.of(jdbc.getJdbcTemplate()) == DatabaseKind.H2;
            h2 = known;
        }
        return known;
    }

    /** The stored event document of one inspection, if the ledger holds it. */
    public Optional<StoredInspection> byId(String id) {
        List<StoredInspection> rows = jdbc.query(
                "SELECT i.ledger_seq, i.event_json, i.batch FROM inspection_event i WHERE i.id = :id",
                new MapSqlParameterSource("id", id),
                (rs, n) -> {
                    long seq = rs.getLong(1);
                    Long ledgerSeq = rs.wasNull() ? null : seq;
                    return new StoredInspection(ledgerSeq, readTree(rs.getString(2)), rs.getString(3), null);
                });
        return rows.stream().findFirst().map(r -> {
            CurrentDisposition d = dispositions
                    .of(List.of(new CurrentDispositions.Part(id, r.batch())))
                    .get(id);
            return new StoredInspection(r.ledgerSeq(), r.event(), null, d);
        });
    }

    private static void eq(StringBuilder sql, MapSqlParameterSource p, String column, String value) {
        if (value != null) {
            sql.append(" AND i.").append(column).append(" = :").append(column);
            p.addValue(column, value);
        }
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static InspectionSummary summary(ResultSet rs, int rowNum) throws SQLException {
        long seq = rs.getLong("ledger_seq");
        Long ledgerSeq = rs.wasNull() ? null : seq;
        double score = rs.getDouble("anomaly_score");
        Double anomaly = rs.wasNull() ? null : score;
        return new InspectionSummary(
                rs.getString("id"),
                ledgerSeq,
                rs.getString("station"),
                rs.getString("camera"),
                rs.getString("line"),
                rs.getString("production_order"),
                rs.getString("batch"),
                rs.getString("shift"),
                rs.getString("product"),
                rs.getString("result"),
                instant(rs, "capture_time"),
                instant(rs, "inference_time"),
                rs.getString("model_name"),
                rs.getString("model_version"),
                anomaly,
                rs.getString("part_id"),
                rs.getString("image_sha256"),
                rs.getString("annotated_sha256"),
                null);
    }

    static JsonNode readTree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("stored inspection event is not JSON", e);
        }
    }

    /**
     * An inspection as the ledger stored it: its sequence number and the event document, and its current
     * disposition when it has one ({@code batch} is only used to look that up, and not sent).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StoredInspection(
            Long ledgerSeq, JsonNode event, @JsonIgnore String batch, CurrentDisposition disposition) {}
}
