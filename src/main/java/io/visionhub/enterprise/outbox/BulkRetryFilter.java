package io.visionhub.enterprise.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.event.EventJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * Which parked rows a bulk retry ({@code POST /api/outbox/retry}) moves back to PENDING: all PARKED rows, or
 * those of one target, made ({@code created_at}) at or after {@code from} and before {@code to}. Null fields
 * do not filter.
 */
public record BulkRetryFilter(String target, String status, Instant from, Instant to) {

    private static final Set<String> FIELDS = Set.of("target", "status", "from", "to", "reason");

    public BulkRetryFilter {
        if (status != null && !OutboxRow.PARKED.equals(status)) {
            // There is no FAILED status: a failed attempt leaves the row PENDING with a backoff, and it retries by
            // itself.
            throw new IllegalArgumentException("status must be PARKED (only parked rows are retried; a failed "
                    + "attempt that is not parked retries by itself), not '" + status + "'");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
        }
    }

    /** The filter of a request body {"target", "status", "from", "to", "reason"}; unknown fields are refused. */
    public static BulkRetryFilter parse(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            return new BulkRetryFilter(null, OutboxRow.PARKED, null, null);
        }
        if (!body.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object like {\"target\": \"sap-qm\", \"from\": "
                    + "\"2026-12-01T00:00:00Z\", \"to\": \"2026-12-02T00:00:00Z\", \"reason\": \"...\"}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(
                        "unknown field '" + f + "'; a bulk retry takes target, status, from, to, reason");
            }
        }
        String status = text(body, "status");
        return new BulkRetryFilter(
                text(body, "target"),
                status == null ? OutboxRow.PARKED : status.toUpperCase(),
                instant(body, "from"),
                instant(body, "to"));
    }

    public String toJson() {
        ObjectNode n = EventJson.mapper().createObjectNode();
        n.put("target", target);
        n.put("status", status == null ? OutboxRow.PARKED : status);
        n.put("from", from == null ? null : from.toString());
        n.put("to", to == null ? null : to.toString());
        return n.toString();
    }

    static BulkRetryFilter fromJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            return parse(EventJson.mapper().readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored bulk retry filter is not JSON: " + json, e);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        return n.asText();
    }

    private static Instant instant(JsonNode body, String field) {
        String raw = text(body, field);
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    field + " must be an ISO-8601 instant like 2026-12-01T06:00:00Z, not '" + raw + "'");
        }
    }
}
