package io.visionhub.web.review;

import io.visionhub.api.CurrentDisposition;
import io.visionhub.api.InspectionQueries;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** One recorded disposition by its id, for the dialog that replaces it. */
public class DispositionLookup {

    private final NamedParameterJdbcTemplate jdbc;

    public DispositionLookup(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<CurrentDisposition> byId(String id) {
        return jdbc
                .query(
                        "SELECT id, disposition, target_type, target_id, printed_name, user_name, signed_at, meaning,"
                                + " reason, ledger_seq FROM disposition WHERE id = :id",
                        new MapSqlParameterSource("id", id),
                        (rs, n) -> new CurrentDisposition(
                                rs.getString("id"),
                                rs.getString("disposition"),
                                rs.getString("target_type"),
                                rs.getString("target_id"),
                                rs.getString("printed_name"),
                                rs.getString("user_name"),
                                InspectionQueries.instant(rs, "signed_at"),
                                rs.getString("meaning"),
                                rs.getString("reason"),
                                rs.getLong("ledger_seq")))
                .stream()
                .findFirst();
    }
}
