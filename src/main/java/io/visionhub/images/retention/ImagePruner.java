package io.visionhub.images.retention;

import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.store.ImageKey;
import io.visionhub.ledger.verify.LedgerVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Removes stored images past the retention policy ({@link RetentionProperties}) and keeps the ledger whole: each
 * batch of removed images is first recorded as one {@value #RECORD_TYPE} ledger record (the policy, the time, and
 * per image its hash, whether it was a frame or an annotated copy, and the seq range of the inspections that
 * referenced it), and only then are the files deleted. The verifier reads these records, so an image missing
 * because of the policy is told from one deleted or swapped by someone else.
 * <p>
 * The store keeps one file per hash, so an image is removed only when every inspection that references it (as
 * frame or annotated copy) is past its own policy.
 */
public class ImagePruner {

    public static final String RECORD_TYPE = LedgerVerifier.PRUNED_TYPE;
    private static final Logger LOG = LoggerFactory.getLogger(ImagePruner.class);

    /** What one run removed: images, ledger records written (their seqs), bytes freed. */
    public record Run(int images, List<Long> recordSeqs, long bytesFreed) {}

    private record Ref(long seq, String result, Instant captured, boolean annotated) {}

    private final JdbcTemplate jdbc;
    private final JdbcInspectionLedger ledger;
    private final FileImageStore images;
    private final RetentionProperties props;
    private final Clock clock;

    public ImagePruner(
            DataSource dataSource,
            JdbcInspectionLedger ledger,
            FileImageStore images,
            RetentionProperties props,
            Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.ledger = ledger;
        this.images = images;
        this.props = props;
        this.clock = clock;
    }

    /** One pruning run: every image past policy, in batches of {@code batch} images per ledger record. */
    public synchronized Run pruneOnce() {
        Instant now = clock.instant();
        List<Long> seqs = new ArrayList<>();
        int removed = 0;
        long freed = 0;
        while (true) {
            Map<String, Boolean> due = due(now); // hash -> annotated copy?
            if (due.isEmpty()) {
                break;
            }
            Map<String, long[]> ranges = new TreeMap<>();
            for (String sha : due.keySet()) {
                ranges.put(sha, seqRange(sha));
            }
            LedgerReceipt r = ledger.append(record(now, due, ranges, seqs.size()));
            seqs.add(r.sequence());
            for (String sha : due.keySet()) {
                long size = images.get(sha).map(b -> (long) b.length).orElse(0L);
                if (images.delete(sha)) {
                    removed++;
                    freed += size;
                }
            }
            LOG.info(
                    "Retention: {} image(s) removed by policy (ok {} d, ng {} d, uncertain {} d, annotated {} d), "
                            + "recorded as ledger record {}",
                    due.size(),
                    props.okDays(),
                    props.ngDays(),
                    props.uncertainDays(),
                    props.annotatedDays(),
                    r.sequence());
            if (due.size() < props.batch()) {
                break;
            }
        }
        return new Run(removed, List.copyOf(seqs), freed);
    }

    /** Up to {@code batch} images whose every reference is past policy and that are not yet pruned. */
    private Map<String, Boolean> due(Instant now) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String verdict : new String[] {"OK", "NG", null}) {
            int days = verdict == null ? props.uncertainDays() : props.daysFor(verdict);
            if (days > 0) {
                String where = verdict == null ? "result NOT IN ('OK', 'NG')" : "result = '" + verdict + "'";
                collect(out, "image_sha256", where, now.minus(Duration.ofDays(days)), now);
            }
        }
        if (props.annotatedDays() > 0) {
            collect(out, "annotated_sha256", "1 = 1", now.minus(Duration.ofDays(props.annotatedDays())), now);
        }
        return out;
    }

    private void collect(Map<String, Boolean> out, String column, String where, Instant before, Instant now) {
        if (out.size() >= props.batch()) {
            return;
        }
        List<String> candidates = jdbc.queryForList(
                "SELECT DISTINCT " + column + " FROM inspection WHERE " + where
                        + " AND capture_time < ? AND " + column
                        + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM image_pruned p "
                        + "WHERE p.sha256 = " + column + ") FETCH FIRST " + (props.batch() * 2) + " ROWS ONLY",
                String.class,
                ts(before));
        for (String sha : candidates) {
            if (out.size() >= props.batch()) {
                return;
            }
            if (!out.containsKey(sha) && everyReferencePast(sha, now)) {
                out.put(sha, "annotated_sha256".equals(column));
            }
        }
    }

    private boolean everyReferencePast(String sha, Instant now) {
        for (Ref ref : references(sha)) {
            int days = ref.annotated() ? props.annotatedDays() : props.daysFor(ref.result());
            if (days == 0 || ref.captured() == null || !ref.captured().isBefore(now.minus(Duration.ofDays(days)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every inspection that references {@code sha}, as frame or annotated copy: by the indexed 64-bit key and the hash
     * (V73); a hash without a key (not lower-case hex, which the image store never writes) is compared row by row.
     */
    private List<Ref> references(String sha) {
        RowMapper<Ref> ref = (rs, n) -> {
            OffsetDateTime t = rs.getObject(3, OffsetDateTime.class);
            return new Ref(rs.getLong(1), rs.getString(2), t == null ? null : t.toInstant(), rs.getString(4) == null);
        };
        Long key = ImageKey.of(sha);
        String frame = key == null ? "image_sha256 = ?" : "image_key = ? AND image_sha256 = ?";
        String annotated = key == null ? "annotated_sha256 = ?" : "annotated_key = ? AND annotated_sha256 = ?";
        Object[] args = key == null ? new Object[] {sha, sha} : new Object[] {key, sha, key, sha};
        return jdbc.query(
                "SELECT ledger_seq, result, capture_time, image_sha256 FROM inspection WHERE " + frame
                        + " UNION ALL SELECT ledger_seq, result, capture_time, NULL FROM inspection WHERE " + annotated,
                ref,
                args);
    }

    private long[] seqRange(String sha) {
        long min = Long.MAX_VALUE;
        long max = -1;
        for (Ref r : references(sha)) {
            min = Math.min(min, r.seq());
            max = Math.max(max, r.seq());
        }
        return new long[] {min, max};
    }

    private LedgerWrite record(Instant now, Map<String, Boolean> due, Map<String, long[]> ranges, int part) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("okDays", props.okDays());
        policy.put("ngDays", props.ngDays());
        policy.put("uncertainDays", props.uncertainDays());
        policy.put("annotatedDays", props.annotatedDays());
        List<Map<String, Object>> list = new ArrayList<>();
        List<SqlRow> rows = new ArrayList<>();
        OffsetDateTime at = ts(now);
        ranges.forEach((sha, range) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sha256", sha);
            m.put("kind", due.get(sha) ? "annotated" : "frame");
            m.put("firstSeq", range[0]);
            m.put("lastSeq", range[1]);
            list.add(m);
            rows.add(SqlRow.of(
                    "INSERT INTO image_pruned (sha256, ledger_seq, pruned_at) VALUES (?,?,?)",
                    sha,
                    SqlRow.SEQUENCE,
                    at));
        });
        String body = CanonicalJson.write(Map.of("policy", policy, "prunedAt", now.toString(), "images", list));
        return new LedgerWrite(RECORD_TYPE, "prune-" + now.toEpochMilli() + "-" + part, body, rows);
    }

    private static OffsetDateTime ts(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
