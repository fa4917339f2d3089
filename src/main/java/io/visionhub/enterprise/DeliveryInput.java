package io.visionhub.enterprise;

import io.visionhub.enterprise.rules.MaintenanceWindowKey;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a mapping template sees (docs/enterprise.md, "Writing a mapping"):
 * <pre>
 * { "event":    the InspectionEvent as JSON (context, defects, image, model …),
 *   "delivery": { "target", "documentType", "key", "reference", "reference20", "attempt" },
 *   "severity": "HIGH" | "MEDIUM" | "LOW",
 *   "window":   { "station", "defectClass", "start", "threshold", "minutes" }   (maintenance rule only),
 *   "site":     visionhub.site, "customer": the customer folder }
 * </pre>
 */
public final class DeliveryInput {

    private DeliveryInput() {}

    public static Map<String, Object> of(
            InspectionEvent event,
            String target,
            String documentType,
            String key,
            int attempt,
            String severity,
            String site,
            String customer) {
        return of(event, target, documentType, key, reference20(key), attempt, severity, site, customer);
    }

    /** @param reference20 the outbox row's stored short reference (the same on every retry) */
    public static Map<String, Object> of(
            InspectionEvent event,
            String target,
            String documentType,
            String key,
            String reference20,
            int attempt,
            String severity,
            String site,
            String customer) {
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("target", target);
        delivery.put("documentType", documentType);
        delivery.put("key", key);
        delivery.put("reference", key);
        delivery.put("reference20", reference20);
        delivery.put("attempt", attempt);
        Map<String, Object> in = new LinkedHashMap<>();
        // null for a document that is no inspection's (a quality alarm: its source adds what the mapping reads)
        in.put("event", event == null ? null : EventJson.mapper().convertValue(event, Map.class));
        in.put("delivery", delivery);
        in.put("severity", severity);
        MaintenanceWindowKey w = MaintenanceWindowKey.parse(key);
        if (w != null) {
            Map<String, Object> window = new LinkedHashMap<>();
            window.put("station", w.station());
            window.put("defectClass", w.defectClass());
            window.put("start", w.windowStart().toString());
            window.put("threshold", w.threshold());
            window.put("minutes", Math.max(1, w.windowSeconds() / 60));
            in.put("window", window);
        }
        in.put("site", site);
        in.put("customer", customer);
        return in;
    }

    /** Crockford's base32 alphabet: digits and capitals without I, L, O, U (nothing to misread on a screen). */
    private static final char[] BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A new random reference for an outbox row: "VH" and 18 base32 characters (90 random bits), 20 characters
     * in all, for fields that short (SAP MaintNotifExtReferenceNumber, Maximo externalrefid). The outbox stores
     * it with the row when the row is first claimed, so every retry, on any node, after any restart, sends the
     * same one. Two hubs (or one whose clock stepped back) collide with probability 2^-90 per pair of rows,
     * where the first 20 characters of a UUIDv7 id kept only 14 random bits.
     */
    public static String randomReference20() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "VH" + base32(b, 18);
    }

    /**
     * The short reference for deliveries that have no outbox row (mode=direct endpoints, the quality summary
     * push): the key itself when it has at most 20 characters, else "VH" and 18 base32 characters of the key's
     * SHA-256 (90 bits). Same key, same reference.
     */
    public static String reference20(String key) {
        if (key.length() <= 20) {
            return key;
        }
        return "VH" + base32(sha256(key), 18);
    }

    /**
     * The reference outbox rows made before Flyway V31 were sent with (they keep it, so a retry finds what an
     * earlier attempt created): the key itself when it fits; a UUID without dashes cut to 20 hex digits (of a
     * UUIDv7 only 14 of those bits are random); otherwise "VH" and 18 hex digits of the key's SHA-256.
     */
    public static String legacyReference20(String key) {
        if (key.length() <= 20) {
            return key;
        }
        String compact = key.replace("-", "");
        if (compact.length() == 32 && compact.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return compact.substring(0, 20).toUpperCase(Locale.ROOT);
        }
        return "VH" + HexFormat.of().withUpperCase().formatHex(sha256(key)).substring(0, 18);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first {@code chars} base32 characters (5 bits each) of these bytes. */
    static String base32(byte[] bytes, int chars) {
        StringBuilder s = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            int bit = i * 5;
            int v = ((bytes[bit / 8] & 0xFF) << 8) | (bit / 8 + 1 < bytes.length ? bytes[bit / 8 + 1] & 0xFF : 0);
            s.append(BASE32[(v >>> (11 - bit % 8)) & 0x1F]);
        }
        return s.toString();
    }
}
