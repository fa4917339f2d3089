package io.visionhub.simulators;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small part of OData {@code $filter} the simulators understand: {@code Field eq 'value'} (or an unquoted
 * literal: {@code true}, {@code 42}) joined by {@code and}.
 */
final class ODataFilter {

    private static final Pattern TERM = Pattern.compile("\\s*(\\w+)\\s+eq\\s+(?:'((?:[^']|'')*)'|([\\w.+-]+))\\s*");

    private ODataFilter() {}

    /** Field to value; throws {@link IllegalArgumentException} for anything else. */
    static Map<String, String> parse(String filter) {
        Map<String, String> out = new LinkedHashMap<>();
        if (filter == null || filter.isBlank()) {
            return out;
        }
        for (String term : filter.split("(?i)\\s+and\\s+")) {
            Matcher m = TERM.matcher(term);
            if (!m.matches()) {
                throw new IllegalArgumentException("Invalid filter expression: '" + term.trim()
                        + "' (the simulator understands Field eq 'value' [and ...])");
            }
            out.put(m.group(1), m.group(2) != null ? m.group(2).replace("''", "'") : m.group(3));
        }
        return out;
    }
}
