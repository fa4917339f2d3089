package io.visionhub.enterprise.rules;

import java.time.Instant;

/**
 * Delivery key of a maintenance notification that a rule raised for defects accumulating at a station:
 * {@code MAINT|<station>|<defect class>|<window start ISO>|<threshold>|<window seconds>}. One key per window,
 * so the outbox's UNIQUE(target, delivery_key) keeps it to one document.
 */
public record MaintenanceWindowKey(
        String station, String defectClass, Instant windowStart, int threshold, long windowSeconds) {

    public static final String PREFIX = "MAINT|";

    public String key() {
        return PREFIX + station + "|" + defectClass + "|" + windowStart + "|" + threshold + "|" + windowSeconds;
    }

    /** Parses a key made by {@link #key()}, or returns null for any other key. */
    public static MaintenanceWindowKey parse(String key) {
        if (key == null || !key.startsWith(PREFIX)) {
            return null;
        }
        String[] p = key.split("\\|");
        if (p.length != 6) {
            return null;
        }
        try {
            return new MaintenanceWindowKey(
                    p[1], p[2], Instant.parse(p[3]), Integer.parseInt(p[4]), Long.parseLong(p[5]));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
