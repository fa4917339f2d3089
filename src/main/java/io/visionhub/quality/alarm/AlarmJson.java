package io.visionhub.quality.alarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visionhub.event.EventJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * The JSON documents routes/quality-alarms.yaml publishes: an alarm event (the alarm and its state) and a line's
 * active set. Field names as {@link QualityAlarm}'s, times ISO-8601 UTC, nulls left out (docs/mqtt.md).
 */
public final class AlarmJson {

    /** The hub's event mapper (ISO-8601 times), leaving nulls out (a raise has no cleared time). */
    private static final ObjectMapper MAPPER =
            EventJson.mapper().copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private AlarmJson() {}

    /** {"state":"RAISED"|"CLEARED", "alarm":{...}}. */
    public static String event(@Body QualityAlarm alarm) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("state", alarm.active() ? "RAISED" : "CLEARED");
        doc.put("alarm", alarm);
        return write(doc);
    }

    /** {"line":..., "active":[...]} of the line's active alarms (header CamelQualityAlarmLineActive). */
    public static String activeSet(
            @Body QualityAlarm alarm, @Header("CamelQualityAlarmLineActive") List<QualityAlarm> active) {
        Map<String, Object> doc = new LinkedHashMap<>();
        if (alarm.line() != null) {
            doc.put("line", alarm.line());
        }
        doc.put("active", active == null ? List.of() : active);
        return write(doc);
    }

    private static String write(Object doc) {
        try {
            return MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("quality alarm not writable as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
