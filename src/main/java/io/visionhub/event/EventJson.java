package io.visionhub.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapping of inspection events: ISO-8601 UTC times, no nulls. Used by every output and the ledger. */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private EventJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String toJson(InspectionEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write inspection event " + event.id() + " as JSON", e);
        }
    }

    public static byte[] toBytes(InspectionEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write inspection event " + event.id() + " as JSON", e);
        }
    }

    public static InspectionEvent fromJson(String json) {
        try {
            return MAPPER.readValue(json, InspectionEvent.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an inspection event: " + e.getMessage(), e);
        }
    }
}
