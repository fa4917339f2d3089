package io.visionhub.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.visionhub.event.EventJson;
import org.apache.camel.Exchange;

/**
 * Answers of REST operations without JSON binding ({@code bindingMode(RestBindingMode.off)}): the body written
 * as JSON text with {@link EventJson}'s mapper, the status and the content type. Errors of such operations:
 * {@link ApiErrorHandling#installJsonText}.
 */
public final class ApiJson {

    private ApiJson() {}

    public static void answer(Exchange exchange, int status, Object body) {
        String json;
        try {
            json = body instanceof ApiError error
                    ? error.toJson()
                    : EventJson.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON: " + e.getOriginalMessage(), e);
        }
        exchange.getMessage().setBody(json);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
