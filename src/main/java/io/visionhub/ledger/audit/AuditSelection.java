package io.visionhub.ledger.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Which inspections an audit package holds: a production order, a lot, a capture-time range, or a combination
 * (all given criteria apply). At least one is required.
 */
public record AuditSelection(String order, String lot, Instant from, Instant to) {

    public AuditSelection {
        if (blank(order) && blank(lot) && from == null && to == null) {
            throw new IllegalArgumentException(
                    "choose an order, a lot or a time range (from/to) for the audit package");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from " + from + " is not before to " + to);
        }
    }

    public static AuditSelection of(String order, String lot, String from, String to) {
        return new AuditSelection(
                blank(order) ? null : order.trim(),
                blank(lot) ? null : lot.trim(),
                instant(from, "from"),
                instant(to, "to"));
    }

    private static Instant instant(String v, String field) {
        if (blank(v)) {
            return null;
        }
        try {
            return Instant.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    field + " '" + v + "' is not an ISO-8601 UTC time such as " + "2026-11-25T00:00:00Z");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public String describe() {
        StringBuilder s = new StringBuilder();
        if (order != null) {
            s.append("order ").append(order).append(' ');
        }
        if (lot != null) {
            s.append("lot ").append(lot).append(' ');
        }
        if (from != null) {
            s.append("from ").append(from).append(' ');
        }
        if (to != null) {
            s.append("to ").append(to).append(' ');
        }
        return s.toString().trim();
    }

    public String fileName() {
        String base = order != null ? "order-" + order : lot != null ? "lot-" + lot : "range";
        return "audit-" + base.replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
    }
}
