package io.visionhub.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/** Reads and checks request parameters (query and path) of REST routes; bad values give 400 with the field. */
public final class ApiParams {

    /** Ids, lines, orders and batches: letters, digits and {@code . _ - : /}, 1 to 128 characters. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/\\-]{1,128}");
    /** A UUID in its canonical 8-4-4-4-12 hex form, in either case. */
    private static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", Pattern.CASE_INSENSITIVE);

    private ApiParams() {}

    public static String optionalName(Exchange ex, String name) {
        String v = ex.getMessage().getHeader(name, String.class);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!NAME.matcher(v).matches()) {
            throw ApiException.badRequest(
                    name, name + " must be 1-128 letters, digits or . _ - : / (got '" + abbreviate(v) + "')");
        }
        return v;
    }

    public static String requiredName(Exchange ex, String name) {
        String v = optionalName(ex, name);
        if (v == null) {
            throw ApiException.badRequest(name, name + " is required");
        }
        return v;
    }

    /** A required id that the hub makes as a UUID, returned lower case as the hub writes it; 400 otherwise. */
    public static String requiredUuid(Exchange ex, String name) {
        String v = ex.getMessage().getHeader(name, String.class);
        if (v == null || v.isEmpty()) {
            throw ApiException.badRequest(name, name + " is required");
        }
        if (!UUID.matcher(v).matches()) {
            throw ApiException.badRequest(
                    name,
                    name + " must be a UUID such as 6481cc1e-4fe3-40fc-83b4-32855fb69151 (got '" + abbreviate(v)
                            + "')");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    public static String oneOf(Exchange ex, String name, Collection<String> allowed) {
        String v = ex.getMessage().getHeader(name, String.class);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!allowed.contains(v)) {
            throw ApiException.badRequest(name, name + " must be one of " + allowed + " (got '" + abbreviate(v) + "')");
        }
        return v;
    }

    public static int integer(Exchange ex, String name, int dflt, int min, int max) {
        String v = ex.getMessage().getHeader(name, String.class);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw ApiException.badRequest(
                        name, name + " must be between " + min + " and " + max + " (got " + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " must be a whole number (got '" + abbreviate(v) + "')");
        }
    }

    public static Instant instant(Exchange ex, String name) {
        String v = ex.getMessage().getHeader(name, String.class);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    name,
                    name + " must be an ISO-8601 UTC time such as 2026-01-31T06:00:00Z (got '" + abbreviate(v) + "')");
        }
    }

    static String abbreviate(String v) {
        return v.length() > 64 ? v.substring(0, 64) + "..." : v;
    }
}
