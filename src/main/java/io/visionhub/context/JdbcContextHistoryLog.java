package io.visionhub.context;

import io.visionhub.event.EventJson;
import io.visionhub.event.ProductionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** {@link ContextHistoryLog} in table {@code production_context_change} (Flyway V20, epoch and reason V22). */
public class JdbcContextHistoryLog implements ContextHistoryLog {

    private static final RowMapper<ContextChange> ROW = (rs, n) -> {
        try {
            return new ContextChange(
                    EventJson.mapper().readValue(rs.getString("context_json"), ProductionContext.class),
                    rs.getObject("received_at", OffsetDateTime.class).toInstant(),
                    rs.getString("source"),
                    rs.getString("principal"),
                    rs.getLong("epoch"),
                    rs.getString("reason"));
        } catch (IOException e) {
            throw new UncheckedIOException("stored context change " + rs.getLong("id") + " is not readable", e);
        }
    };

    private final NamedParameterJdbcTemplate jdbc;

    public JdbcContextHistoryLog(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void record(ContextChange change) {
        ProductionContext c = change.context();
        try {
            jdbc.update(
                    "INSERT INTO production_context_change (line, epoch, version, valid_from, received_at, source,"
                            + " principal, production_order, batch, context_json, reason) VALUES (:line, :epoch, :version,"
                            + " :valid_from, :received_at, :source, :principal, :production_order, :batch, :context_json,"
                            + " :reason)",
                    new MapSqlParameterSource()
                            .addValue("epoch", change.epoch())
                            .addValue("reason", change.reason())
                            .addValue("line", c.line())
                            .addValue("version", c.version())
                            .addValue("valid_from", utc(c.validFrom()))
                            .addValue("received_at", utc(change.receivedAt()))
                            .addValue("source", change.source())
                            .addValue("principal", change.principal())
                            .addValue("production_order", c.productionOrder())
                            .addValue("batch", c.batch())
                            .addValue("context_json", EventJson.mapper().writeValueAsString(c)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ContextChange> history(String line, Instant from, Instant to, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM production_context_change WHERE line = :line");
        MapSqlParameterSource p = new MapSqlParameterSource("line", line);
        if (from != null) {
            sql.append(" AND valid_from >= :from_time");
            p.addValue("from_time", utc(from));
        }
        if (to != null) {
            sql.append(" AND valid_from < :to_time");
            p.addValue("to_time", utc(to));
        }
        sql.append(" ORDER BY epoch DESC, version DESC LIMIT :limit_rows");
        p.addValue("limit_rows", limit);
        return jdbc.query(sql.toString(), p, ROW);
    }

    @Override
    public List<ContextChange> latestOfEachLine(int limit) {
        List<ContextChange> all = new ArrayList<>();
        for (String line : jdbc.queryForList(
                "SELECT DISTINCT line FROM production_context_change", new MapSqlParameterSource(), String.class)) {
            // only the newest epoch: what came before the line's last reset is history, not the current timeline
            List<ContextChange> newestFirst = new ArrayList<>(jdbc.query(
                    "SELECT * FROM production_context_change"
                            + " WHERE line = :line AND epoch = (SELECT MAX(epoch) FROM production_context_change WHERE line = :line)"
                            + " ORDER BY version DESC LIMIT :limit_rows",
                    new MapSqlParameterSource("line", line).addValue("limit_rows", limit),
                    ROW));
            Collections.reverse(newestFirst);
            all.addAll(newestFirst);
        }
        return all;
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
