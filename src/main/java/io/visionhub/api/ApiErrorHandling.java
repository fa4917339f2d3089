package io.visionhub.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/**
 * Turns exceptions thrown in REST routes into {@link ApiError} JSON answers with the right status.
 * Every RouteBuilder that defines REST routes under /api calls {@link #install(RouteBuilder)} first.
 */
public final class ApiErrorHandling {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorHandling.class);

    private ApiErrorHandling() {
    }

    /** Adds the error mapping to the routes of this builder. */
    public static void install(RouteBuilder builder) {
        builder.onException(Exception.class)
                .handled(true)
                .process(ApiErrorHandling::writeError);
    }

    static void writeError(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException error = toApiException(caught);
        if (error.status() >= 500) {
            LOG.error("REST request {} {} failed: {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_URI), caught == null ? "?" : caught.toString(), caught);
        } else {
            LOG.info("REST request {} {} refused with {} {}: {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_URI), error.status(), error.code(), error.getMessage());
        }
        writeError(exchange, error.toError(), error.status());
    }

    /** Sets the exchange's answer to this error (the REST JSON binding writes it). */
    public static void writeError(Exchange exchange, ApiError error, int status) {
        exchange.getMessage().setBody(error);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    /** The API error for an exception (searching its causes for one the API knows). */
    public static ApiException toApiException(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof UnrecognizedPropertyException u) {
                return new ApiException(400, "unknown_field", "field '" + u.getPropertyName()
                        + "' is not part of this document; known fields: " + u.getKnownPropertyIds(), path(u));
            }
            if (t instanceof JsonParseException p) {
                return new ApiException(400, "malformed_json", "the body is not valid JSON: "
                        + p.getOriginalMessage() + " at line " + p.getLocation().getLineNr()
                        + " column " + p.getLocation().getColumnNr(), null);
            }
            if (t instanceof JsonMappingException m) {
                String field = path(m);
                return new ApiException(400, "invalid_field", "field '" + field + "' has the wrong type or value: "
                        + m.getOriginalMessage(), field);
            }
            if (t instanceof JsonProcessingException p) {
                return new ApiException(400, "malformed_json", "the body is not valid JSON: " + p.getOriginalMessage(), null);
            }
        }
        return new ApiException(500, "internal_error", "the hub could not answer this request ("
                + (caught == null ? "unknown error" : caught.getClass().getSimpleName())
                + "); the hub log has the details", null);
    }

    private static String path(JsonMappingException e) {
        String p = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return p.isEmpty() ? null : p;
    }
}
