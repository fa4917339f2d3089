package io.visionhub.inputs.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.component.VisionConstants;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * An inspection event received as JSON (say from another hub or an edge device over MQTT): checked against the
 * event schema (docs/schema/inspection-event.schema.json) and read. Anything else is refused with every problem
 * named, so the input's dead-letter channel can keep it and say why.
 * <p>
 * As the route step {@code process: ref: inspectionEventInput} it replaces the JSON body by the event and sets the
 * headers the {@code vision:} consumer sets on its events (station, inspection id, line, part id): called directly,
 * where the bean language ({@code setBody: method:}) and {@code ${body.station}} headers cost more in reflection
 * than the schema check itself (a profile of the MQTT input's lanes showed).
 */
@Component("inspectionEventInput")
public class InspectionEventInput implements Processor {

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        InspectionEvent event = parse(in.getBody(byte[].class));
        in.setBody(event);
        in.setHeader(VisionConstants.STATION, event.station());
        in.setHeader(VisionConstants.INSPECTION_ID, event.id());
        in.setHeader(VisionConstants.LINE, event.line());
        in.setHeader(VisionConstants.PART_ID, event.partId());
    }

    /** The event in the payload, or an IllegalArgumentException naming what is wrong with it. */
    public static InspectionEvent parse(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new IllegalArgumentException("not an inspection event: empty payload");
        }
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(payload);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an inspection event: not JSON: " + firstLine(e), e);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not an inspection event: a JSON object is expected, got "
                    + (json == null ? "nothing" : json.getNodeType().name().toLowerCase()) + ": "
                    + preview(payload));
        }
        List<String> problems = EventSchema.problems(json);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("not an inspection event (docs/schema/inspection-event.schema.json): "
                    + String.join("; ", problems));
        }
        try {
            return EventJson.mapper().treeToValue(json, InspectionEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an inspection event: " + firstLine(e), e);
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String preview(byte[] payload) {
        String s = new String(payload, 0, Math.min(payload.length, 80), StandardCharsets.UTF_8);
        return payload.length > 80 ? s + "…" : s;
    }
}
