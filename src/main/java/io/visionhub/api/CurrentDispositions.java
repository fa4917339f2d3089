package io.visionhub.api;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Looks up the {@link CurrentDisposition} of inspections in one query per page: each target's latest
 * disposition (a later one supersedes it), the inspection's own before its lot's.
 */
public class CurrentDispositions {

    /** An inspection and the lot it was made in (null when none). */
    public record Part(String inspectionId, String lot) {}

    private final NamedParameterJdbcTemplate jdbc;
    private volatile Boolean table;

    public CurrentDispositions(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The current disposition of each part that has one, by inspection id. */
    public Map<String, CurrentDisposition> of(Collection<Part> parts) {
        Map<String, CurrentDisposition> out = new HashMap<>();
        if (parts.isEmpty() || !tableExists()) {
            return out;
        }
        Set<String> ids = new LinkedHashSet<>();
        Set<String> lots = new LinkedHashSet<>();
        parts.forEach(p -> {
            ids.add(p.inspectionId());
            if (p.lot() != null) {
                lots.add(p.lot());
            }
        });
        Map<String, CurrentDisposition> latest = new HashMap<>(); // "TYPE|target" -> latest disposition
        List<String> idList = new ArrayList<>(ids);
        for (int i = 0; i < idList.size(); i += 500) {
            read("INSPECTION", idList.subList(i, Math.min(idList.size(), i + 500)), latest);
        }
        List<String> lotList = new ArrayList<>(lots);
        for (int i = 0; i < lotList.size(); i += 500) {
            read("LOT", lotList.subList(i, Math.min(lotList.size(), i + 500)), latest);
        }
        for (Part p : parts) {
            CurrentDisposition own = latest.get("INSPECTION|" + p.inspectionId());
            CurrentDisposition lot = p.lot() == null ? null : latest.get("LOT|" + p.lot());
            if (own != null || lot != null) {
                out.put(p.inspectionId(), own != null ? own : lot);
            }
        }
        return out;
    }

    /**
     * The current dispositions of every inspection of an order and of every lot it touched, in one query (for
     * summaries over a whole order, where a lookup per page of ids would be many queries).
     */
    public Resolver ofOrder(String order) {
        return ofInspectionsWhere("production_order", order);
    }

    /** {@link #ofOrder} for the inspections of a lot (and the lot itself). */
    public Resolver ofLot(String lot) {
        return ofInspectionsWhere("batch", lot);
    }

    private Resolver ofInspectionsWhere(String column, String value) {
        Map<String, CurrentDisposition> latest = new HashMap<>();
        if (tableExists()) {
            readWhere(
                    "(target_type = 'INSPECTION' AND target_id IN (SELECT id FROM inspection WHERE " + column
                            + " = :v)) OR (target_type = 'LOT' AND target_id IN (SELECT batch FROM inspection WHERE "
                            + column + " = :v))",
                    new MapSqlParameterSource("v", value),
                    latest);
        }
        return new Resolver(latest);
    }

    /** Current dispositions read for a set of targets; answers for one part at a time. */
    public static final class Resolver {
        private final Map<String, CurrentDisposition> latest;

        Resolver(Map<String, CurrentDisposition> latest) {
            this.latest = latest;
        }

        /** The part's own current disposition, else its lot's, else null. */
        public CurrentDisposition forPart(String inspectionId, String lot) {
            CurrentDisposition own = latest.get("INSPECTION|" + inspectionId);
            return own != null || lot == null ? own : latest.get("LOT|" + lot);
        }

        /** Every current disposition read, oldest first. */
        public List<CurrentDisposition> all() {
            return latest.values().stream()
                    .sorted(java.util.Comparator.comparingLong(CurrentDisposition::ledgerSeq))
                    .toList();
        }
    }

    /** The current disposition of a lot itself, if it has one. */
    public CurrentDisposition ofLotItself(String lot) {
        if (!tableExists()) {
            return null;
        }
        Map<String, CurrentDisposition> latest = new HashMap<>();
        read("LOT", List.of(lot), latest);
        return latest.get("LOT|" + lot);
    }

    private void read(String type, List<String> targets, Map<String, CurrentDisposition> latest) {
        if (targets.isEmpty()) {
            return;
        }
        readWhere(
                "target_type = :t AND target_id IN (:ids)",
                new MapSqlParameterSource("t", type).addValue("ids", targets),
                latest);
    }

    private void readWhere(String where, MapSqlParameterSource p, Map<String, CurrentDisposition> latest) {
        jdbc.query(
                "SELECT id, disposition, target_type, target_id, printed_name, user_name, signed_at, meaning, reason,"
                        + " ledger_seq FROM disposition WHERE " + where + " ORDER BY ledger_seq",
                p,
                rs -> {
                    String type = rs.getString("target_type");
                    // ordered by sequence: the last one seen of a target is its current one
                    latest.put(
                            type + "|" + rs.getString("target_id"),
                            new CurrentDisposition(
                                    rs.getString("id"),
                                    rs.getString("disposition"),
                                    rs.getString("target_type"),
                                    rs.getString("target_id"),
                                    rs.getString("printed_name"),
                                    rs.getString("user_name"),
                                    InspectionQueries.instant(rs, "signed_at"),
                                    rs.getString("meaning"),
                                    rs.getString("reason"),
                                    rs.getLong("ledger_seq")));
                });
    }

    private boolean tableExists() {
        Boolean known = table;
        if (known == null) {
            known = Boolean.TRUE.equals(jdbc.getJdbcTemplate().execute((Connection c) -> {
                DatabaseMetaData md = c.getMetaData();
                for (String candidate : new String[] {"disposition", "DISPOSITION"}) {
                    try (ResultSet rs = md.getTables(null, null, candidate, null)) {
                        if (rs.next()) {
                            return true;
                        }
                    }
                }
                return false;
            }));
            table = known;
        }
        return known;
    }
}
