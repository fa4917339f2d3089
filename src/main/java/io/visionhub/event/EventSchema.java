package io.visionhub.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * Validates inspection event JSON against docs/schema/inspection-event.schema.json (packaged as
 * classpath:schema/inspection-event.schema.json), with format checks (uuid, date-time) on.
 */
public final class EventSchema {

    public static final String RESOURCE = "/schema/inspection-event.schema.json";
    private static final JsonSchema SCHEMA = load();

    private EventSchema() {}

    private static JsonSchema load() {
        try (InputStream in = EventSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("event schema " + RESOURCE + " missing from the classpath");
            }
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true)
                    .build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event schema " + RESOURCE, e);
        }
    }

    /** The problems found, empty when the document is valid. */
    public static List<String> problems(JsonNode json) {
        Set<ValidationMessage> messages = SCHEMA.validate(json);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    public static List<String> problems(String json) {
        try {
            return problems(EventJson.mapper().readTree(json));
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    public static List<String> problems(InspectionEvent event) {
        return problems(EventJson.mapper().valueToTree(event));
    }
}
