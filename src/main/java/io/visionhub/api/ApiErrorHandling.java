package io.visionhub.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions thrown in REST routes into {@link ApiError} JSON answers with the right status.
 * Every RouteBuilder that defines REST routes under /api calls {@link #install(RouteBuilder)} first.
 */
public final class ApiErrorHandling {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorHandling.class);

    private ApiErrorHandling() {}

    /** Adds the error mapping to the routes of this builder. */
    public static void install(RouteBuilder builder) {
        builder.onException(Exception.class).handled(true).process(exchange -> {
            ApiException error = refusal(exchange);
            writeError(exchange, error.toError(), error.status());
        });
    }

    /**
     * The same mapping for a builder whose operations have no JSON binding ({@code bindingMode off}): the error
     * document is written as JSON text, as {@link ApiJson} writes their answers.
     */
    public static void installJsonText(RouteBuilder builder) {
        builder.onException(Exception.class).handled(true).process(exchange -> {
            ApiException error = refusal(exchange);
            ApiJson.answer(exchange, error.status(), error.toError());
        });
    }

    /** The API error for the exception the route caught, logged (5xx as errors, refusals as info). */
    private static ApiException refusal(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException error = toApiException(caught);
        if (error.status() >= 500) {
            LOG.error(
                    "REST request {} {} failed: {}",
                    exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_URI),
                    caught == null ? "?" : caught.toString(),
                    caught);
        } else {
            LOG.info(
                    "REST request {} {} refused with {} {}: {}",
                    exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_URI),
                    error.status(),
                    error.code(),
                    error.getMessage());
        }
        return error;
    }

    /**
     * Sets the exchange's answer to this error: the REST JSON binding writes it, and on operations without binding
     * (images, zip, PEM) platform-http converts it with the type converter {@link ApiRestConfiguration} registers
     * (without one it could not write it at all: an empty 500).
     */
    public static void writeError(Exchange exchange, ApiError error, int status) {
        exchange.getMessage().setBody(error);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    /** The API error for an exception (searching its causes for one the API knows). */
    public static ApiException toApiException(Throwable caught) {
        InvalidPayloadException payload = null;
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidPayloadException invalid && payload == null) {
                payload = invalid; // getMandatoryBody: a Jackson cause below it says more, so keep looking
            }
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof UnrecognizedPropertyException u) {
                return new ApiException(
                        400,
                        "unknown_field",
                        "field '" + u.getPropertyName() + "' is not part of this document; known fields: "
                                + u.getKnownPropertyIds(),
                        path(u));
            }
            if (t instanceof JsonParseException p) {
                return new ApiException(
                        400,
                        "malformed_json",
                        "the body is not valid JSON: "
                                + p.getOriginalMessage() + " at line "
                                + p.getLocation().getLineNr()
                                + " column " + p.getLocation().getColumnNr(),
                        null);
            }
            if (t instanceof JsonMappingException m) {
                String field = path(m);
                return new ApiException(
                        400,
                        "invalid_field",
                        "field '" + field + "' has the wrong type or value: " + m.getOriginalMessage(),
                        field);
            }
            if (t instanceof JsonProcessingException p) {
                return new ApiException(
                        400, "malformed_json", "the body is not valid JSON: " + p.getOriginalMessage(), null);
            }
        }
        if (payload != null) {
            String type = payload.getType() == null
                    ? "JSON document"
                    : payload.getType().getSimpleName();
            return payload.getExchange() != null
                            && payload.getExchange().getMessage().getBody() == null
                    ? new ApiException(400, "missing_body", "this request needs a body (" + type + ")", null)
                    : new ApiException(400, "invalid_body", "the body cannot be read as " + type, null);
        }
        return new ApiException(
                500,
                "internal_error",
                "the hub could not answer this request ("
                        + (caught == null ? "unknown error" : caught.getClass().getSimpleName())
                        + "); the hub log has the details",
                null);
    }

    private static String path(JsonMappingException e) {
        String p = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return p.isEmpty() ? null : p;
    }
}
