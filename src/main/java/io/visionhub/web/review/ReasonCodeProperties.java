package io.visionhub.web.review;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The reason codes a quality user picks when dispositioning ({@code visionhub.quality.reason-codes}): a controlled
 * list, so reports can count decisions by reason. Checked at start-up: a bad list stops the hub with the key named.
 *
 * @param reasonCodes the codes, in the order the dialog lists them
 */
@ConfigurationProperties(prefix = "visionhub.quality")
public record ReasonCodeProperties(List<ReasonCode> reasonCodes) {

    static final String KEY = "visionhub.quality.reason-codes";

    /**
     * One reason code.
     *
     * @param code short code recorded with the disposition (letters, digits, '-' and '_')
     * @param text what it means, shown in the dialog and recorded with the code
     */
    public record ReasonCode(String code, String text) {}

    public ReasonCodeProperties {
        if (reasonCodes == null || reasonCodes.isEmpty()) {
            throw new IllegalArgumentException(KEY + " is empty: configure the reasons a quality user may give "
                    + "for a disposition (e.g. code: COSMETIC, text: \"Cosmetic only, within specification\")");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < reasonCodes.size(); i++) {
            ReasonCode r = reasonCodes.get(i);
            String where = KEY + "[" + i + "]";
            if (r == null || r.code() == null || r.code().isBlank()) {
                throw new IllegalArgumentException(where + ".code is missing: every reason needs a code and a text");
            }
            if (!r.code().trim().matches("[A-Za-z0-9_-]{1,40}")) {
                throw new IllegalArgumentException(
                        where + ".code '" + r.code() + "' is not a code: use 1 to 40 letters, digits, '-' or '_'");
            }
            if (r.text() == null || r.text().isBlank()) {
                throw new IllegalArgumentException(where + ".text is missing for code " + r.code());
            }
            if (!seen.add(r.code().trim().toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException(where + ".code " + r.code() + " is listed twice");
            }
        }
        reasonCodes = reasonCodes.stream()
                .map(r -> new ReasonCode(
                        r.code().trim().toUpperCase(Locale.ROOT), r.text().trim()))
                .toList();
    }

    /** The configured reason of a code (case-insensitive), or null when it is not one. */
    public ReasonCode find(String code) {
        if (code == null) {
            return null;
        }
        String c = code.trim().toUpperCase(Locale.ROOT);
        return reasonCodes.stream().filter(r -> r.code().equals(c)).findFirst().orElse(null);
    }
}
