package io.visionhub.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which recorded frames go into a retraining dataset, and in which format.
 *
 * @param from     captured at or after (UTC), or null
 * @param to       captured before (UTC), or null
 * @param line     only this production line, or null
 * @param verdicts model verdicts to export (NG and UNCERTAIN by default; OK adds frames without defects)
 * @param format   {@code yolo} or {@code coco}
 * @param limit    most frames; a selection holding more is refused rather than cut short silently
 */
public record DatasetSelection(Instant from, Instant to, String line, List<String> verdicts, String format, int limit) {

    public static final String YOLO = "yolo";
    public static final String COCO = "coco";
    public static final List<String> FORMATS = List.of(YOLO, COCO);
    public static final List<String> DEFAULT_VERDICTS = List.of("NG", "UNCERTAIN");
    public static final Set<String> VERDICTS = Set.of("NG", "UNCERTAIN", "OK");
    public static final int DEFAULT_LIMIT = 5_000;
    public static final int MAX_LIMIT = 50_000;

    /** Checks the selection; the exception names the parameter at fault. */
    public DatasetSelection {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new Invalid("to", "to (" + to + ") must be after from (" + from + ")");
        }
        verdicts = verdicts == null || verdicts.isEmpty()
                ? DEFAULT_VERDICTS
                : verdicts.stream()
                        .map(v -> v.trim().toUpperCase(Locale.ROOT))
                        .distinct()
                        .toList();
        for (String v : verdicts) {
            if (!VERDICTS.contains(v)) {
                throw new Invalid("verdict", "verdict must be NG, UNCERTAIN or OK (comma-separated), got '" + v + "'");
            }
        }
        format = format == null || format.isBlank() ? YOLO : format.trim().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new Invalid("format", "format must be yolo or coco, got '" + format + "'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new Invalid("limit", "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    /** A selection that cannot be exported: names the parameter at fault. */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;

        public Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
