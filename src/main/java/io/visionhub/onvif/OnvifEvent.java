package io.visionhub.onvif;

import java.time.Instant;
import java.util.Map;

/**
 * One ONVIF event notification (a wsnt:NotificationMessage with a tt:Message): its topic as the camera wrote it
 * (e.g. {@code tns1:Device/Trigger/DigitalInput}), the camera's UtcTime, the property operation (Initialized, Changed,
 * Deleted, or null for plain events) and the Source and Data simple items (InputToken=DI_0, LogicalState=true).
 */
public record OnvifEvent(
        String topic, Instant utcTime, String propertyOperation, Map<String, String> source, Map<String, String> data) {

    /** The topic without its namespace prefix: Device/Trigger/DigitalInput. */
    public String topicPath() {
        return stripPrefix(topic);
    }

    /** Whether the topic is this one or below it (prefixes ignored: tns1:VideoSource/MotionAlarm matches). */
    public boolean matches(String filterTopic) {
        String want = stripPrefix(filterTopic);
        String have = topicPath();
        return have.equals(want) || have.startsWith(want + "/");
    }

    /**
     * The event reports something switched on: a data item such as LogicalState, State or IsMotion is true (an
     * input closed, motion seen).
     */
    public boolean active() {
        return data.values().stream().anyMatch(v -> "true".equalsIgnoreCase(v) || "1".equals(v));
    }

    /** The state a property had when the subscription started, not a change. */
    public boolean initialState() {
        return "Initialized".equalsIgnoreCase(propertyOperation);
    }

    static String stripPrefix(String topic) {
        if (topic == null) {
            return "";
        }
        String t = topic.trim();
        int colon = t.indexOf(':');
        int slash = t.indexOf('/');
        return colon >= 0 && (slash < 0 || colon < slash) ? t.substring(colon + 1) : t;
    }
}
