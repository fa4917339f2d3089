package io.visionhub.outputs.mqtt;

import java.util.regex.Pattern;

/**
 * The documented topic tree (docs/mqtt.md):
 * <pre>
 * &lt;root&gt;/&lt;site&gt;/&lt;line&gt;/&lt;station&gt;/inspection   inspection events (QoS 1)
 * &lt;root&gt;/&lt;site&gt;/&lt;line&gt;/&lt;station&gt;/status       retained station status
 * &lt;root&gt;/&lt;site&gt;/hub/&lt;clientId&gt;/status           retained hub status, last will = offline
 * &lt;root&gt;/&lt;site&gt;/ledger/heads                      retained signed ledger tree head
 * </pre>
 * Topic levels are the ids as given, with MQTT's special characters (/ + # and NUL) replaced by '_'.
 */
public record MqttTopics(String root, String site) {

    private static final Pattern SPECIAL = Pattern.compile("[/+#\\u0000]");
    /** Level used when an event carries no line. */
    public static final String NO_LINE = "_";

    public MqttTopics {
        root = level(root);
        site = level(site);
    }

    public String inspection(String line, String station) {
        return root + "/" + site + "/" + lineLevel(line) + "/" + level(station) + "/inspection";
    }

    public String stationStatus(String line, String station) {
        return root + "/" + site + "/" + lineLevel(line) + "/" + level(station) + "/status";
    }

    /** Retained OEE quality rate of a line ({@code station} null) or of one station. */
    public String qualityRate(String line, String station) {
        return root + "/" + site + "/" + lineLevel(line) + (station == null ? "" : "/" + level(station))
                + "/quality-rate";
    }

    public String hubStatus(String clientId) {
        return root + "/" + site + "/hub/" + level(clientId) + "/status";
    }

    /** A topic under {@code <root>/<site>/}, e.g. {@code ledger/heads} for the signed ledger tree heads. */
    public String underSite(String path) {
        return root + "/" + site + "/" + path;
    }

    private static String lineLevel(String line) {
        return line == null || line.isBlank() ? NO_LINE : level(line);
    }

    /** One topic level: MQTT's separators and wildcards replaced, never empty. */
    static String level(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an MQTT topic level needs a non-empty id");
        }
        return SPECIAL.matcher(id.strip()).replaceAll("_");
    }
}
