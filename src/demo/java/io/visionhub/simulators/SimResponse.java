package io.visionhub.simulators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A simulator's answer. {@code created} marks the answer to a create that stored a document, so that
 * the "answer lost after create" faults can apply to it.
 */
public record SimResponse(int status, List<Map.Entry<String, String>> headers, byte[] body, boolean created) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static SimResponse json(int status, Object body) {
        try {
            return new SimResponse(
                    status,
                    new ArrayList<>(List.of(Map.entry("Content-Type", "application/json"))),
                    JSON.writeValueAsBytes(body),
                    false);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("simulator cannot write its own answer", e);
        }
    }

    public static SimResponse text(int status, String body) {
        return new SimResponse(
                status,
                new ArrayList<>(List.of(Map.entry("Content-Type", "text/plain; charset=utf-8"))),
                body.getBytes(StandardCharsets.UTF_8),
                false);
    }

    public static SimResponse empty(int status) {
        return new SimResponse(status, new ArrayList<>(), new byte[0], false);
    }

    public SimResponse header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    public SimResponse asCreated() {
        return new SimResponse(status, headers, body, true);
    }
}
