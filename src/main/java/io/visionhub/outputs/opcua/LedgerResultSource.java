package io.visionhub.outputs.opcua;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Read-only access to the ledger's {@code inspection} table for ResultManagement: one result by inspection id, or
 * a bounded page of a station's results by part, product and model. Reads the event document exactly as the ledger
 * stored it; never writes.
 */
public class LedgerResultSource {

    /** The most results one GetResultListFiltered call returns, whatever MaxResults asks. */
    public static final int MAX_PAGE = 100;

    private final NamedParameterJdbcTemplate jdbc;

    public LedgerResultSource(DataSource dataSource) {
        this.jdbc = new NamedParameterJdbcTemplate(dataSource);
    }

    /** The recorded result of one inspection of this station. */
    public Optional<MachineVisionResult> byId(String station, String inspectionId) {
        return jdbc
                .query(
                        "SELECT event_json FROM inspection_event WHERE id = :id AND station = :station",
                        new MapSqlParameterSource("id", inspectionId).addValue("station", station),
                        (rs, n) -> toResult(rs.getString(1)))
                .stream()
                .findFirst();
    }

    /**
     * Filter of a result list; null means any.
     *
     * @param startIndex index of the first result (newest capture first)
     * @param maxResults page size, capped at {@link #MAX_PAGE}
     */
    public record Filter(
            String station,
            String partId,
            String productId,
            String recipeId,
            String jobId,
            int startIndex,
            int maxResults) {}

    /** A page of results plus whether more follow. */
    public record Page(List<MachineVisionResult> results, boolean complete) {}

    public Page list(Filter f) {
        int limit = Math.max(1, Math.min(f.maxResults() <= 0 ? MAX_PAGE : f.maxResults(), MAX_PAGE));
        StringBuilder sql = new StringBuilder("SELECT event_json FROM inspection_event WHERE station = :station");
        MapSqlParameterSource p = new MapSqlParameterSource("station", f.station());
        if (f.partId() != null) {
            sql.append(" AND part_id = :part_id");
            p.addValue("part_id", f.partId());
        }
        if (f.productId() != null) {
            sql.append(" AND product = :product");
            p.addValue("product", f.productId());
        }
        if (f.recipeId() != null) {
            sql.append(" AND model_name = :model_name");
            p.addValue("model_name", f.recipeId());
        }
        if (f.jobId() != null) {
            sql.append(" AND id = :id");
            p.addValue("id", f.jobId());
        }
        sql.append(" ORDER BY capture_time DESC, ledger_seq DESC LIMIT :limit_rows OFFSET :offset_rows");
        p.addValue("limit_rows", limit + 1);
        p.addValue("offset_rows", Math.max(0, f.startIndex()));
        List<MachineVisionResult> rows =
                new ArrayList<>(jdbc.query(sql.toString(), p, (rs, n) -> toResult(rs.getString(1))));
        boolean more = rows.size() > limit;
        if (more) {
            rows.remove(rows.size() - 1);
        }
        return new Page(List.copyOf(rows), !more);
    }

    private static MachineVisionResult toResult(String json) {
        InspectionEvent e = EventJson.fromJson(json);
        // the ledger does not record whether a frame came from the simulated camera
        return MachineVisionResult.of(e, json, false);
    }
}
