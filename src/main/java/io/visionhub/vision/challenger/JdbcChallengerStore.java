package io.visionhub.vision.challenger;

import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ModelRef;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link ChallengerStore} in the hub's database (H2 or PostgreSQL; tables of V72: {@code challenger_run},
 * {@code challenger_outcome}). One transaction per judged frame: the outcome row and the counters together, so a
 * restart never finds counters that disagree with the outcomes kept.
 */
public final class JdbcChallengerStore implements ChallengerStore {

    /** Outcomes are trimmed to the latest keepOutcomes every this many frames (one DELETE, not one per frame). */
    static final int TRIM_EVERY = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public JdbcChallengerStore(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Override
    public Saved load(String station, String location, int keepOutcomes, int keepDisagreements) {
        List<Counts> counts = jdbc.query(
                "SELECT offered, compared, agreed, skipped, failed, last_error FROM challenger_run"
                        + " WHERE station = ? AND location = ?",
                (rs, i) -> new Counts(
                        rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getString(6)),
                station,
                location);
        if (counts.isEmpty()) {
            return null;
        }
        Counts c = counts.get(0);
        List<Outcome> outcomes = new ArrayList<>(jdbc.query(
                "SELECT * FROM challenger_outcome WHERE station = ? AND location = ? AND seq > ? ORDER BY seq",
                (rs, i) -> outcome(rs),
                station,
                location,
                c.compared() - keepOutcomes));
        List<ChallengerRun.Disagreement> disagreements = jdbc.query(
                "SELECT * FROM challenger_outcome WHERE station = ? AND location = ? AND champion_said <> challenger_said"
                        + " ORDER BY seq DESC",
                (rs, i) -> disagreement(rs),
                station,
                location);
        return new Saved(
                c, outcomes, List.copyOf(disagreements.subList(0, Math.min(keepDisagreements, disagreements.size()))));
    }

    @Override
    public void record(
            String station, String location, Counts counts, Outcome o, ChallengerRun.Disagreement d, int keepOutcomes) {
        tx.executeWithoutResult(status -> {
            ModelRef ch = o.champion();
            ModelRef cl = o.challenger();
            jdbc.update(
                    "INSERT INTO challenger_outcome (station, location, seq, inspection_id, champion_name,"
                            + " champion_version, champion_sha256, champion_kind, champion_said, challenger_name,"
                            + " challenger_version, challenger_sha256, challenger_kind, challenger_said, part_id,"
                            + " capture_time, image_sha256, image_uri, champion_score, challenger_score,"
                            + " challenger_defects) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    station,
                    location,
                    counts.compared(),
                    o.inspectionId(),
                    ch == null ? null : ch.name(),
                    ch == null ? null : ch.version(),
                    ch == null ? null : ch.sha256(),
                    ch == null ? null : ch.kind(),
                    o.championSaid().name(),
                    cl == null ? null : cl.name(),
                    cl == null ? null : cl.version(),
                    cl == null ? null : cl.sha256(),
                    cl == null ? null : cl.kind(),
                    o.challengerSaid().name(),
                    d == null ? null : d.partId(),
                    d == null || d.captureTime() == null ? null : Timestamp.from(d.captureTime()),
                    d == null ? null : d.imageSha256(),
                    d == null ? null : d.imageUri(),
                    d == null ? null : d.championScore(),
                    d == null ? null : d.challengerScore(),
                    d == null ? null : truncate(String.join(",", d.challengerDefects()), 2000));
            upsertCounts(station, location, counts);
            if (counts.compared() % TRIM_EVERY == 0) {
                jdbc.update(
                        "DELETE FROM challenger_outcome WHERE station = ? AND location = ? AND seq <= ?",
                        station,
                        location,
                        counts.compared() - keepOutcomes);
            }
        });
    }

    @Override
    public void saveCounts(String station, String location, Counts counts) {
        tx.executeWithoutResult(status -> upsertCounts(station, location, counts));
    }

    @Override
    public void forget(String station, String location) {
        tx.executeWithoutResult(status -> {
            jdbc.update("DELETE FROM challenger_outcome WHERE station = ? AND location = ?", station, location);
            jdbc.update("DELETE FROM challenger_run WHERE station = ? AND location = ?", station, location);
        });
    }

    private void upsertCounts(String station, String location, Counts c) {
        Timestamp now = Timestamp.from(Instant.now());
        String error = truncate(c.lastError(), 2000);
        int n = jdbc.update(
                "UPDATE challenger_run SET offered = ?, compared = ?, agreed = ?, skipped = ?, failed = ?,"
                        + " last_error = ?, updated_at = ? WHERE station = ? AND location = ?",
                c.offered(),
                c.compared(),
                c.agreed(),
                c.skipped(),
                c.failed(),
                error,
                now,
                station,
                location);
        if (n == 0) {
            // one writer per run (its challenger thread, or shutdown after it stopped): no race on the insert
            jdbc.update(
                    "INSERT INTO challenger_run (station, location, offered, compared, agreed, skipped, failed,"
                            + " last_error, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    station,
                    location,
                    c.offered(),
                    c.compared(),
                    c.agreed(),
                    c.skipped(),
                    c.failed(),
                    error,
                    now);
        }
    }

    private static Outcome outcome(ResultSet rs) throws SQLException {
        return new Outcome(
                rs.getString("inspection_id"),
                ref(rs, "champion"),
                Verdict.valueOf(rs.getString("champion_said")),
                ref(rs, "challenger"),
                Verdict.valueOf(rs.getString("challenger_said")));
    }

    private static ChallengerRun.Disagreement disagreement(ResultSet rs) throws SQLException {
        Timestamp capture = rs.getTimestamp("capture_time");
        String defects = rs.getString("challenger_defects");
        return new ChallengerRun.Disagreement(
                rs.getString("inspection_id"),
                rs.getString("part_id"),
                capture == null ? null : capture.toInstant(),
                rs.getString("image_sha256"),
                rs.getString("image_uri"),
                Verdict.valueOf(rs.getString("champion_said")),
                score(rs, "champion_score"),
                Verdict.valueOf(rs.getString("challenger_said")),
                score(rs, "challenger_score"),
                defects == null || defects.isEmpty() ? List.of() : Arrays.asList(defects.split(",")));
    }

    private static Double score(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static ModelRef ref(ResultSet rs, String prefix) throws SQLException {
        String name = rs.getString(prefix + "_name");
        String sha = rs.getString(prefix + "_sha256");
        if (name == null && sha == null) {
            return null;
        }
        return new ModelRef(name, rs.getString(prefix + "_version"), sha, rs.getString(prefix + "_kind"));
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
