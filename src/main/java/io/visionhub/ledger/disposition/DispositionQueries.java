package io.visionhub.ledger.disposition;

import io.visionhub.ledger.LedgerException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads recorded dispositions (for the API and audit packages). */
public class DispositionQueries {

    private final DataSource dataSource;

    public DispositionQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Dispositions of an inspection id or a lot, oldest first. */
    public List<SignedDisposition> forTarget(String target) {
        return query("WHERE target_id = ? ORDER BY ledger_seq", List.of(target));
    }

    /** Dispositions of any of these inspections or lots, oldest first. */
    public List<SignedDisposition> forTargets(Collection<String> targets) {
        List<SignedDisposition> out = new ArrayList<>();
        List<String> all = new ArrayList<>(targets);
        for (int i = 0; i < all.size(); i += 500) {
            List<String> part = all.subList(i, Math.min(all.size(), i + 500));
            out.addAll(query("WHERE target_id IN (" + String.join(",", part.stream().map(x -> "?").toList())
                    + ") ORDER BY ledger_seq", part));
        }
        out.sort(java.util.Comparator.comparingLong(SignedDisposition::sequence));
        return out;
    }

    private List<SignedDisposition> query(String where, List<String> args) {
        List<SignedDisposition> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT d.id, d.ledger_seq, d.target_type, d.target_id, "
                     + "d.target_hash, d.target_count, d.disposition, d.reason, d.meaning, d.user_name, d.printed_name, "
                     + "d.signed_at, d.signature_hash, l.leaf_hash FROM disposition d JOIN ledger_leaf l "
                     + "ON l.seq = d.ledger_seq " + where.replace("target_id", "d.target_id")
                     .replace("ledger_seq", "d.ledger_seq"))) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SignedDisposition(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.getString(11), rs.getObject(12, OffsetDateTime.class).toInstant(),
                            rs.getString(13), rs.getString(14)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read dispositions: " + e.getMessage(), e);
        }
        return out;
    }
}
