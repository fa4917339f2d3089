package io.visionhub.enterprise;

import io.visionhub.enterprise.rules.MaintenanceWindowKey;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    private DeliveryInput() {
    }

    public static Map<String, Object> of(InspectionEvent event, String target, String documentType, String key,
                                         int attempt, String severity, String site, String customer) {
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("target", target);
        delivery.put("documentType", documentType);
        delivery.put("key", key);
        delivery.put("reference", key);
        delivery.put("reference20", reference20(key));
        delivery.put("attempt", attempt);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("event", EventJson.mapper().convertValue(event, Map.class));
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

    /**
     * A reference of at most 20 characters for fields that short (SAP MaintNotifExtReferenceNumber, Maximo
     * externalrefid): the key itself when it fits; a UUID without dashes cut to 20 hex digits (80 random bits);
     * otherwise "VH" and 18 hex digits of the key's SHA-256. Same key, same reference, on every retry.
     */
    public static String reference20(String key) {
        if (key.length() <= 20) {
            return key;
        }
        String compact = key.replace("-", "");
        if (compact.length() == 32 && compact.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return compact.substring(0, 20).toUpperCase(Locale.ROOT);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "VH" + HexFormat.of().withUpperCase().formatHex(h).substring(0, 18);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
