package io.visionhub.quality.alarm;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.GroupDocuments;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Quality alarms as enterprise documents ({@code visionhub.quality.alarms.enterprise-target}): the raise of an alarm
 * (and, with {@code enterprise-clears}, its clear) is an outbox row written with the alarm's ledger record in one
 * transaction, so it is sent exactly once (key {@code ALARM|<id>}, the clear {@code ALARM|<id>|cleared}, one
 * ordering group per alarm so the clear follows the raise). An alarm is no inspection's: its rows carry none, and
 * this source gives the mapping ({@code <mapping>-alarm.jsonata}) the alarm under {@code alarm}.
 */
public class AlarmDocuments implements GroupDocuments {

    public static final String KEY_PREFIX = "ALARM|";
    public static final String RAISED = "QUALITY_ALARM";
    public static final String CLEARED = "QUALITY_ALARM_CLEARED";
    static final String TARGET_KEY = "visionhub.quality.alarms.enterprise-target";

    private static final String INSERT_OUTBOX = "INSERT INTO outbox (inspection_id, target, document_type, "
            + "delivery_key, status, attempts, next_attempt_at, created_at, updated_at, ordering_key) "
            + "VALUES (NULL,?,?,?,'PENDING',0,?,?,?,?)";

    private final String target;
    private final boolean clears;
    private final JdbcTemplate jdbc;

    /**
     * @param target   the enterprise target (a name under visionhub.enterprise.targets)
     * @param clears   also send each clear
     * @param delivery the enterprise deliveries (null when the enterprise concern is off)
     * @throws IllegalArgumentException naming the key: no enterprise concern, or an unknown target
     */
    public AlarmDocuments(String target, boolean clears, DeliveryService delivery, DataSource dataSource) {
        if (delivery == null) {
            throw new IllegalArgumentException(
                    TARGET_KEY + " '" + target + "' needs the enterprise concern (visionhub.enterprise), which is off");
        }
        if (!delivery.targets().names().contains(target)) {
            throw new IllegalArgumentException(
                    TARGET_KEY + ": unknown target '" + target + "' (configured under visionhub.enterprise.targets: "
                            + delivery.targets().names() + ")");
        }
        this.target = target;
        this.clears = clears;
        this.jdbc = new JdbcTemplate(dataSource);
        delivery.setGroupDocuments(KEY_PREFIX, this);
    }

    public String target() {
        return target;
    }

    /** The outbox key of an alarm's raise. */
    public static String key(String alarmId) {
        return KEY_PREFIX + alarmId;
    }

    /** The outbox key of an alarm's clear. */
    public static String clearKey(String alarmId) {
        return key(alarmId) + "|cleared";
    }

    /** The outbox row of the raise, for the raise's ledger write. */
    SqlRow raiseRow(String alarmId, Instant now) {
        return row(RAISED, key(alarmId), alarmId, now);
    }

    /** The outbox rows of the clear (none unless clears are sent, or when the raise was not sent). */
    List<SqlRow> clearRows(String alarmId, Instant now) {
        if (!clears || !target.equals(targetOf(alarmId))) {
            return List.of();
        }
        return List.of(row(CLEARED, clearKey(alarmId), alarmId, now));
    }

    private SqlRow row(String type, String key, String alarmId, Instant now) {
        OffsetDateTime t = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        return SqlRow.of(INSERT_OUTBOX, target, type, key, t, t, t, key(alarmId) + "|" + target);
    }

    private String targetOf(String alarmId) {
        return jdbc
                .query("SELECT enterprise_target FROM quality_alarm WHERE id = ?", (rs, n) -> rs.getString(1), alarmId)
                .stream()
                .findFirst()
                .orElse(null);
    }

    @Override
    public Extra inputFor(String target, String documentType, String key) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            return null;
        }
        String[] p = key.split("\\|");
        List<Map<String, Object>> found = jdbc.queryForList("SELECT * FROM quality_alarm WHERE id = ?", p[1]);
        if (found.isEmpty()) {
            throw DeliveryException.permanentFailure("outbox key " + key + ": no quality alarm " + p[1]);
        }
        Map<String, Object> r = found.get(0);
        Map<String, Object> alarm = new LinkedHashMap<>();
        alarm.put("id", p[1]);
        alarm.put("state", p.length > 2 ? "CLEARED" : "RAISED");
        alarm.put("rule", r.get("rule"));
        alarm.put("severity", r.get("severity"));
        alarm.put("line", r.get("line"));
        alarm.put("station", r.get("station"));
        alarm.put("defectClass", r.get("defect_class"));
        alarm.put("chart", r.get("chart"));
        alarm.put("message", r.get("message"));
        alarm.put("raisedAt", instant(r.get("raised_at")));
        alarm.put("ledgerSeq", r.get("ledger_seq"));
        if (p.length > 2) {
            alarm.put("clearedAt", instant(r.get("cleared_at")));
            alarm.put("clearedBy", r.get("cleared_by"));
            alarm.put("clearReason", r.get("clear_reason"));
            alarm.put("clearLedgerSeq", r.get("clear_ledger_seq"));
            // the ordering group delivers the raise first: the clear names the raise's document in the target
            String raised = jdbc
                    .query(
                            "SELECT document_number FROM outbox WHERE target = ? AND delivery_key = ?"
                                    + " AND status = 'DELIVERED'",
                            (rs, n) -> rs.getString(1),
                            target,
                            key(p[1]))
                    .stream()
                    .findFirst()
                    .orElse(null);
            if (raised == null) {
                throw DeliveryException.transientFailure(
                        "the clear of quality alarm " + p[1] + " waits for its raise's document in " + target, null);
            }
            alarm.put("raisedDocument", raised);
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("alarm", alarm);
        input.put("severity", r.get("severity"));
        return new Extra("-alarm", input, null);
    }

    private static String instant(Object ts) {
        if (ts == null) {
            return null;
        }
        if (ts instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (ts instanceof OffsetDateTime o) {
            return o.toInstant().toString();
        }
        return ts.toString();
    }
}
