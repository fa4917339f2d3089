package io.visionhub.ledger.disposition;

import io.visionhub.ledger.LedgerException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads recorded dispositions (for the API, the lot trace and audit packages). A target (inspection or lot) has
 * one current disposition: its latest; each earlier one carries {@code supersededBy}, the one that replaced it.
 */
public class DispositionQueries {

    private static final String SELECT = "SELECT d.id, d.ledger_seq, d.target_type, d.target_id, d.target_hash, "
            + "d.target_count, d.disposition, d.reason, d.meaning, d.user_name, d.printed_name, d.signed_at, "
            + "d.signature_hash, l.leaf_hash, d.meaning_code, d.revision, d.supersedes_id, d.supersede_reason, "
            + "d.request_id FROM disposition d JOIN ledger_leaf l ON l.seq = d.ledger_seq ";

    private final DataSource dataSource;

    public DispositionQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every disposition of an inspection id or a lot, oldest first, each with {@code supersededBy} set. */
    public List<SignedDisposition> forTarget(String target) {
        return linked(query("WHERE d.target_id = ? ORDER BY d.ledger_seq", List.of(target)));
    }

    /** The current disposition of an inspection id or a lot (one per target type), oldest first. */
    public List<SignedDisposition> currentForTarget(String target) {
        return forTarget(target).stream().filter(SignedDisposition::current).toList();
    }

    /** The current disposition of one target, if it has any. */
    public Optional<SignedDisposition> current(String targetType, String targetId) {
        List<SignedDisposition> rows = query(
                "WHERE d.target_type = ? AND d.target_id = ? ORDER BY d.ledger_seq DESC " + "LIMIT 1",
                List.of(targetType, targetId));
        return rows.stream().findFirst();
    }

    /** The disposition a user made with this request id, if any. */
    public Optional<SignedDisposition> byRequestId(String user, String requestId) {
        return query("WHERE d.user_name = ? AND d.request_id = ?", List.of(user, requestId)).stream()
                .findFirst();
    }

    /** Every disposition of any of these inspections or lots, oldest first, each with {@code supersededBy} set. */
    public List<SignedDisposition> forTargets(Collection<String> targets) {
        List<SignedDisposition> out = new ArrayList<>();
        List<String> all = new ArrayList<>(targets);
        for (int i = 0; i < all.size(); i += 500) {
            List<String> part = all.subList(i, Math.min(all.size(), i + 500));
            out.addAll(query(
                    "WHERE d.target_id IN ("
                            + String.join(",", part.stream().map(x -> "?").toList()) + ") ORDER BY d.ledger_seq",
                    part));
        }
        return linked(out);
    }

    /**
     * Sets {@code supersededBy}: within a target, each disposition is replaced by the next one (new ones name it
     * in {@code supersedes}; of records made before that, the latest stands).
     */
    private static List<SignedDisposition> linked(List<SignedDisposition> rows) {
        List<SignedDisposition> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(SignedDisposition::sequence));
        Map<String, Integer> lastOfTarget = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            SignedDisposition d = sorted.get(i);
            Integer prev = lastOfTarget.put(d.targetType() + "|" + d.targetId(), i);
            if (prev != null) {
                sorted.set(prev, sorted.get(prev).withSupersededBy(d.id()));
            }
        }
        return sorted;
    }

    private List<SignedDisposition> query(String where, List<String> args) {
        List<SignedDisposition> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT + where)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer revision = rs.getObject(16) == null ? null : rs.getInt(16);
                    out.add(new SignedDisposition(
                            rs.getString(1),
                            rs.getLong(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getInt(6),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11),
                            rs.getObject(12, OffsetDateTime.class).toInstant(),
                            rs.getString(13),
                            rs.getString(14),
                            rs.getString(15),
                            revision,
                            rs.getString(17),
                            rs.getString(18),
                            null,
                            rs.getString(19)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read dispositions: " + e.getMessage(), e);
        }
        return out;
    }
}
