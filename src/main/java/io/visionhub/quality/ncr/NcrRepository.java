package io.visionhub.quality.ncr;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
import org.springframework.jdbc.core.RowMapper;

/** Reads of the NCR register (tables ncr, ncr_item, ncr_close of V55, and the NCRs' outbox rows). */
public class NcrRepository {

    /** The outbox delivery key of an NCR's document: {@code NCR|<id>}; its items: {@code NCR|<id>|<item no>}. */
    public static final String KEY_PREFIX = "NCR|";

    public static final String DOCUMENT = "NCR";
    public static final String ITEM = "NCR_ITEM";

    private static final String COLUMNS = "n.id, n.ledger_seq, n.line, n.station, n.production_order, n.defect_class, "
            + "n.product, n.batch, n.trigger_kind, n.trigger_detail, n.opened_at, "
            // items are numbered 1, 2, … without gaps (a refused item's number is taken again), so the highest is the
            // count: one probe of the primary key from its end instead of counting every item (an NCR's outbox
            // delivery reads this once per item: O(items) each, 70 ms per item at 40,000 items on H2)
            + "COALESCE((SELECT i.item_no FROM ncr_item i WHERE i.ncr_id = n.id ORDER BY i.ncr_id DESC, i.item_no DESC "
            + "LIMIT 1), 0) AS item_count, "
            + "c.ledger_seq AS c_seq, c.user_name, c.printed_name, c.meaning, c.reason, c.closed_at";
    private static final String FROM = " FROM ncr n LEFT JOIN ncr_close c ON c.ncr_id = n.id";

    private final JdbcTemplate jdbc;

    public NcrRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    static String documentKey(String ncrId) {
        return KEY_PREFIX + ncrId;
    }

    static String itemKey(String ncrId, int itemNo) {
        return KEY_PREFIX + ncrId + "|" + itemNo;
    }

    static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static final RowMapper<Ncr> NCR = (rs, n) -> {
        long closeSeq = rs.getLong("c_seq");
        Ncr.Closure closure = rs.wasNull()
                ? null
                : new Ncr.Closure(
                        closeSeq,
                        rs.getString("user_name"),
                        rs.getString("printed_name"),
                        rs.getString("meaning"),
                        rs.getString("reason"),
                        instant(rs, "closed_at"));
        return new Ncr(
                rs.getString("id"),
                rs.getLong("ledger_seq"),
                rs.getString("line"),
                rs.getString("station"),
                rs.getString("production_order"),
                rs.getString("defect_class"),
                rs.getString("product"),
                rs.getString("batch"),
                rs.getString("trigger_kind"),
                rs.getString("trigger_detail"),
                closure == null ? Ncr.OPEN : Ncr.CLOSED,
                instant(rs, "opened_at"),
                null,
                rs.getInt("item_count"),
                null,
                closure);
    };

    public Optional<Ncr> find(String id) {
        return jdbc.query("SELECT " + COLUMNS + FROM + " WHERE n.id = ?", NCR, id).stream()
                .findFirst();
    }

    /** The NCR with its items and documents. */
    public Optional<Ncr> details(String id) {
        return find(id).map(n -> n.withDetails(items(id), documents(id)));
    }

    /** NCRs by optional line, order and status, newest first. */
    public List<Ncr> list(String line, String order, String status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (line != null) {
            sql.append(" AND n.line = ?");
            args.add(line);
        }
        if (order != null) {
            sql.append(" AND n.production_order = ?");
            args.add(order);
        }
        if (Ncr.OPEN.equals(status)) {
            sql.append(" AND c.ncr_id IS NULL");
        } else if (Ncr.CLOSED.equals(status)) {
            sql.append(" AND c.ncr_id IS NOT NULL");
        }
        sql.append(" ORDER BY n.opened_at DESC, n.ledger_seq DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), NCR, args.toArray());
    }

    /** NCRs of a line opened, given items or closed in [from, to), oldest first. */
    public List<Ncr> ofLine(String line, Instant from, Instant to) {
        return jdbc.query(
                "SELECT " + COLUMNS + FROM + " WHERE n.line = ? AND ((n.opened_at >= ? AND n.opened_at < ?) "
                        + "OR (c.closed_at >= ? AND c.closed_at < ?) OR EXISTS (SELECT 1 FROM ncr_item i WHERE "
                        + "i.ncr_id = n.id AND i.added_at >= ? AND i.added_at < ?)) ORDER BY n.opened_at, n.ledger_seq",
                NCR,
                line,
                ts(from),
                ts(to),
                ts(from),
                ts(to),
                ts(from),
                ts(to));
    }

    /** The open NCRs: (order, class) → id and next item number; loaded at start. */
    public Map<String, OpenNcr> open() {
        Map<String, OpenNcr> out = new LinkedHashMap<>();
        jdbc.query(
                "SELECT n.id, n.production_order, n.defect_class, n.line, "
                        + "(SELECT COALESCE(MAX(i.item_no), 0) FROM ncr_item i WHERE i.ncr_id = n.id) AS last_item "
                        + "FROM ncr n WHERE NOT EXISTS (SELECT 1 FROM ncr_close c WHERE c.ncr_id = n.id)",
                rs -> {
                    OpenNcr o = new OpenNcr(rs.getString(1), rs.getString(4), rs.getInt(5));
                    out.put(OpenNcr.key(rs.getString(2), rs.getString(3)), o);
                });
        return out;
    }

    /** Inspection ids already items of an NCR. */
    public List<String> itemInspections(String ncrId) {
        return jdbc.queryForList("SELECT inspection_id FROM ncr_item WHERE ncr_id = ?", String.class, ncrId);
    }

    private static final String ITEMS = "SELECT i.item_no, i.ledger_seq, i.inspection_id, i.added_at, "
            + "s.ledger_seq AS s_seq, s.capture_time, s.station, s.part_id, s.image_sha256, s.annotated_sha256 "
            + "FROM ncr_item i LEFT JOIN inspection s ON s.id = i.inspection_id WHERE i.ncr_id = ?";

    private static final RowMapper<Ncr.Item> ITEM_ROW = (rs, n) -> new Ncr.Item(
            rs.getInt("item_no"),
            rs.getLong("ledger_seq"),
            rs.getString("inspection_id"),
            rs.getLong("s_seq"),
            instant(rs, "added_at"),
            instant(rs, "capture_time"),
            rs.getString("station"),
            rs.getString("part_id"),
            imageUri(rs.getString("image_sha256")),
            imageUri(rs.getString("annotated_sha256")));

    public List<Ncr.Item> items(String ncrId) {
        return jdbc.query(ITEMS + " ORDER BY i.item_no", ITEM_ROW, ncrId);
    }

    /**
     * One item of an NCR: the outbox delivers each item on its own, and an NCR of a long order holds thousands, so
     * reading them all per delivery made every delivery slower than the last.
     */
    public Optional<Ncr.Item> item(String ncrId, int itemNo) {
        return jdbc.query(ITEMS + " AND i.item_no = ?", ITEM_ROW, ncrId, itemNo).stream()
                .findFirst();
    }

    private static String imageUri(String sha) {
        return sha == null ? null : "/api/images/" + sha;
    }

    /** The NCR's documents per target, from its outbox rows. */
    public List<Ncr.Document> documents(String ncrId) {
        Map<String, Object[]> byTarget = new LinkedHashMap<>();
        jdbc.query(
                "SELECT target, document_type, status, document_number, last_error FROM outbox "
                        + "WHERE delivery_key = ? OR delivery_key LIKE ? ORDER BY id",
                rs -> {
                    Object[] d = byTarget.computeIfAbsent(
                            rs.getString("target"), t -> new Object[] {null, null, 0, 0, null});
                    if (DOCUMENT.equals(rs.getString("document_type"))) {
                        d[0] = rs.getString("document_number");
                        d[1] = rs.getString("status");
                    } else {
                        d[2] = (int) d[2] + 1;
                        if ("DELIVERED".equals(rs.getString("status"))) {
                            d[3] = (int) d[3] + 1;
                        }
                    }
                    if (rs.getString("last_error") != null && !"DELIVERED".equals(rs.getString("status"))) {
                        d[4] = rs.getString("last_error");
                    }
                },
                documentKey(ncrId),
                documentKey(ncrId) + "|%");
        List<Ncr.Document> out = new ArrayList<>();
        byTarget.forEach((t, d) ->
                out.add(new Ncr.Document(t, (String) d[0], (String) d[1], (int) d[2], (int) d[3], (String) d[4])));
        return out;
    }

    /** The document number of the NCR's document in a target, if delivered. */
    public Optional<String> documentNumber(String ncrId, String target) {
        return jdbc
                .query(
                        "SELECT document_number FROM outbox WHERE target = ? AND delivery_key = ? AND status = "
                                + "'DELIVERED'",
                        (rs, n) -> rs.getString(1),
                        target,
                        documentKey(ncrId))
                .stream()
                .findFirst();
    }

    /** NG count and total of the order's inspections per hour, and this class's count (the defect trend). */
    public List<TrendPoint> trend(String order, String defectClass) {
        Map<Instant, TrendPoint> byHour = new LinkedHashMap<>();
        jdbc.query(
                "SELECT s.capture_time, s.result, (SELECT COUNT(*) FROM inspection_defect d WHERE d.inspection_id = s.id "
                        + "AND d.defect_class = ?) AS n_class, (SELECT COUNT(*) FROM inspection_defect a WHERE "
                        + "a.inspection_id = s.id) AS n_all FROM inspection s WHERE s.production_order = ? "
                        + "ORDER BY s.capture_time",
                rs -> {
                    Instant t = instant(rs, "capture_time");
                    if (t == null) {
                        return;
                    }
                    Instant hour = Instant.ofEpochSecond(t.getEpochSecond() / 3600 * 3600);
                    TrendPoint p = byHour.getOrDefault(hour, new TrendPoint(hour, 0, 0, 0));
                    boolean ng = "NG".equals(rs.getString("result"));
                    boolean ofClass = rs.getInt("n_class") > 0
                            || (ng && NcrRules.ANOMALY.equals(defectClass) && rs.getInt("n_all") == 0);
                    byHour.put(
                            hour,
                            new TrendPoint(
                                    hour, p.inspected() + 1, p.ng() + (ng ? 1 : 0), p.ofClass() + (ofClass ? 1 : 0)));
                },
                defectClass,
                order);
        return List.copyOf(byHour.values());
    }

    /** Defects of the order by class, most frequent first (the Pareto). */
    public List<Map.Entry<String, Integer>> pareto(String order) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        jdbc.query(
                "SELECT d.defect_class, COUNT(*) AS n FROM inspection_defect d JOIN inspection s ON s.id = "
                        + "d.inspection_id WHERE s.production_order = ? GROUP BY d.defect_class ORDER BY n DESC, "
                        + "d.defect_class",
                rs -> {
                    out.add(Map.entry(rs.getString(1), rs.getInt(2)));
                },
                order);
        return out;
    }

    /** The recorded event JSON of an inspection. */
    public Optional<String> eventJson(String inspectionId) {
        return jdbc
                .query("SELECT event_json FROM inspection_event WHERE id = ?", (rs, n) -> rs.getString(1), inspectionId)
                .stream()
                .findFirst();
    }

    /** One hour of the defect trend: inspections, NG parts, parts with this class. */
    public record TrendPoint(Instant hour, int inspected, int ng, int ofClass) {}

    /** An open NCR in memory: its id, line and last item number. */
    static final class OpenNcr {
        final String id;
        final String line;
        int lastItem;

        OpenNcr(String id, String line, int lastItem) {
            this.id = id;
            this.line = line;
            this.lastItem = lastItem;
        }

        static String key(String order, String defectClass) {
            return order + "\u0000" + defectClass;
        }
    }
}
