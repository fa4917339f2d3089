package io.visionhub.web;

import java.util.regex.Pattern;

/** What a line or station name in a /ui URL may look like (it ends up in page ids and SQL parameters). */
final class LineNames {

    static final String RULE = "1 to 64 letters, digits, '.', '_' or '-'";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private LineNames() {}
}
