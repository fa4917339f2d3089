package io.visionhub.context;

import io.visionhub.api.ApiAccess;
import io.visionhub.api.ApiCaller;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiParams;
import io.visionhub.api.ApiRestConfiguration;
import io.visionhub.event.ProductionContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.stereotype.Component;

/**
 * {@code /api/context}: the MES pushes the production context of a line ({@code PUT}), ends it ({@code DELETE}),
 * and anyone with a role reads the current one, the one at a time, and the history.
 */
@Component
@ConditionalOnBean(ProductionContextStore.class)
public class ContextRestRoutes extends RouteBuilder {

    private final ProductionContextStore store;

    public ContextRestRoutes(ProductionContextStore store) {
        this.store = store;
    }

    /** One line and its newest context version (null: none yet). */
    public record LineContext(String line, ProductionContext context) {}

    /** Body of a reset: why the line's context is started afresh (recorded with who did it). */
    public record ResetRequest(String reason) {}

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        String read = ApiAccess.describe(ApiAccess.READ_RESULTS);
        String push = ApiAccess.describe(ApiAccess.PUSH_CONTEXT);
        String reset = ApiAccess.describe(ApiAccess.RESET_CONTEXT);
        ApiRestConfiguration.securedRest(this, "/context")
                .description("Production context per line (ISA-95 terms)")
                .get()
                .id("api-context-lines")
                .outType(LineContext[].class)
                .description("Every known line with its newest context version. " + read)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .to("direct:api-context-lines")
                .get("/{line}")
                .id("api-context-get")
                .outType(ProductionContext.class)
                .description("The context in force on a line now. " + read)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.path)
                .description("line id")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the current context")
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("unknown line or no context (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-context-get")
                .put("/{line}")
                .id("api-context-put")
                .type(ProductionContext.class)
                .outType(ProductionContext.class)
                .consumes("application/json")
                .description("Push the context of a line before a run and at every changeover. version (or, when 0, "
                        + "validFrom) must be newer than the stored one, else 409 and nothing changes; validFrom "
                        + "defaults to now. productionOrder is required. " + push)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.path)
                .description("line id")
                .endParam()
                .param()
                .name("body")
                .type(RestParamType.body)
                .description("the production context")
                .endParam()
                .responseMessage()
                .code(200)
                .message("stored; the body is the stored version")
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("malformed JSON, missing or wrong field (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("unknown line (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(409)
                .message("stale version or validFrom (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(413)
                .message("body too large (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(415)
                .message("body is not JSON (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-context-put")
                .delete("/{line}")
                .id("api-context-end")
                .outType(ProductionContext.class)
                .description("End production on a line: events captured from validFrom (default now) on are "
                        + "marked MISSING. " + push)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.path)
                .description("line id")
                .endParam()
                .param()
                .name("version")
                .type(RestParamType.query)
                .dataType("integer")
                .required(false)
                .endParam()
                .param()
                .name("validFrom")
                .type(RestParamType.query)
                .required(false)
                .endParam()
                .to("direct:api-context-end")
                .post("/{line}/reset")
                .id("api-context-reset")
                .type(ResetRequest.class)
                .outType(ProductionContextStore.ContextReset.class)
                .consumes("application/json")
                .description("Start a line's context afresh after a push locked it (validFrom far ahead, a version "
                        + "jump): a person's decision, recorded in the history (source RESET, who, reason). Events "
                        + "get no context until the next push, which may carry any version from 1. Logged-in "
                        + "users only (HTTP Basic), not API keys. " + reset)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .param()
                .name("line")
                .type(RestParamType.path)
                .description("line id")
                .endParam()
                .param()
                .name("body")
                .type(RestParamType.body)
                .description("{\"reason\": \"why\"}")
                .endParam()
                .responseMessage()
                .code(200)
                .message("reset; the body says what was discarded")
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("reason missing (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(403)
                .message("an API key, or a role that may not reset (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("unknown line (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-context-reset")
                .get("/{line}/at")
                .id("api-context-at")
                .outType(ProductionContext.class)
                .description("The context that applied on a line at a time (what an event captured then gets). " + read)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.path)
                .endParam()
                .param()
                .name("time")
                .type(RestParamType.query)
                .description("ISO-8601 UTC")
                .required(true)
                .endParam()
                .to("direct:api-context-at")
                .get("/{line}/history")
                .id("api-context-history")
                .outType(ContextChange[].class)
                .description("Context changes of a line, newest first, with who pushed them and how. " + read)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.path)
                .endParam()
                .param()
                .name("from")
                .type(RestParamType.query)
                .description("validFrom at or after")
                .required(false)
                .endParam()
                .param()
                .name("to")
                .type(RestParamType.query)
                .description("validFrom before")
                .required(false)
                .endParam()
                .param()
                .name("limit")
                .type(RestParamType.query)
                .dataType("integer")
                .defaultValue("100")
                .required(false)
                .endParam()
                .to("direct:api-context-history");

        from("direct:api-context-lines").routeId("rest-context-lines").process(ex -> {
            List<LineContext> out = new ArrayList<>();
            for (String line : store.lines()) {
                out.add(new LineContext(line, store.latest(line).orElse(null)));
            }
            ex.getMessage().setBody(out);
        });
        from("direct:api-context-get").routeId("rest-context-get").process(ex -> {
            String line = knownLine(ex);
            ProductionContext c = store.at(line, Instant.now());
            if (c == null) {
                throw ApiException.notFound(
                        "no_context",
                        "line " + line + " has no production context in force "
                                + "(none pushed, or production ended); events are marked MISSING");
            }
            ex.getMessage().setBody(c);
        });
        from("direct:api-context-put").routeId("rest-context-put").process(this::put);
        from("direct:api-context-end").routeId("rest-context-end").process(ex -> {
            String line = knownLine(ex);
            int version = ApiParams.integer(ex, "version", 0, 0, Integer.MAX_VALUE);
            Instant at = ApiParams.instant(ex, "validFrom");
            ex.getMessage()
                    .setBody(call(
                            () -> store.end(line, version, at == null ? Instant.now() : at, "REST", principal(ex))));
        });
        from("direct:api-context-reset").routeId("rest-context-reset").process(this::reset);
        from("direct:api-context-at").routeId("rest-context-at").process(ex -> {
            String line = knownLine(ex);
            Instant time = ApiParams.instant(ex, "time");
            if (time == null) {
                throw ApiException.badRequest("time", "time is required (ISO-8601 UTC)");
            }
            ProductionContext c = store.at(line, time);
            if (c == null) {
                throw ApiException.notFound("no_context", "line " + line + " had no production context at " + time);
            }
            ex.getMessage().setBody(c);
        });
        from("direct:api-context-history").routeId("rest-context-history").process(ex -> {
            String line = knownLine(ex);
            Instant from = ApiParams.instant(ex, "from");
            Instant to = ApiParams.instant(ex, "to");
            int limit = ApiParams.integer(ex, "limit", 100, 1, 10_000);
            if (store.historyLog() != null) {
                ex.getMessage().setBody(store.historyLog().history(line, from, to, limit));
            } else {
                ex.getMessage()
                        .setBody(store.recent(line).stream()
                                .filter(c -> (from == null || !c.validFrom().isBefore(from))
                                        && (to == null || c.validFrom().isBefore(to)))
                                .limit(limit)
                                .map(c -> new ContextChange(c, null, null, null))
                                .toList());
            }
        });
    }

    private void put(Exchange ex) {
        String line = knownLine(ex);
        Object body = ex.getMessage().getBody();
        if (body != null && !(body instanceof ProductionContext)) {
            throw ApiException.badRequest(null, "the body must be a production context JSON object");
        }
        ProductionContext pushed = (ProductionContext) body;
        ex.getMessage().setBody(call(() -> store.update(line, pushed, "REST", principal(ex))));
    }

    private void reset(Exchange ex) {
        String line = knownLine(ex);
        String who = principal(ex);
        if (who.startsWith("api-key:") || "unknown".equals(who)) {
            throw new ApiException(
                    403,
                    "person_required",
                    "a reset of a line's context is a person's decision: log in "
                            + "(HTTP Basic) as a user with role " + String.join(" or ", ApiAccess.RESET_CONTEXT)
                            + "; API keys cannot reset",
                    null);
        }
        Object body = ex.getMessage().getBody();
        if (body != null && !(body instanceof ResetRequest)) {
            throw ApiException.badRequest(null, "the body must be {\"reason\": \"...\"}");
        }
        String reason = body == null ? null : ((ResetRequest) body).reason();
        ex.getMessage().setBody(call(() -> store.reset(line, reason, who)));
    }

    private String knownLine(Exchange ex) {
        String line = ApiParams.requiredName(ex, "line");
        if (!store.knowsLine(line)) {
            throw new ApiException(
                    404,
                    "unknown_line",
                    "line '" + line + "' is not configured; known lines: " + store.lines(),
                    "line");
        }
        return line;
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (ContextRefusedException e) {
            throw switch (e.reason()) {
                case UNKNOWN_LINE -> new ApiException(404, "unknown_line", e.getMessage(), e.field());
                case INVALID ->
                    new ApiException(
                            400,
                            e.field() == null
                                    ? "invalid_body"
                                    : "productionOrder".equals(e.field()) || "reason".equals(e.field())
                                            ? "missing_field"
                                            : "invalid_field",
                            e.getMessage(),
                            e.field());
                case STALE ->
                    new ApiException(
                            409, "stale_" + (e.field() == null ? "version" : e.field()), e.getMessage(), e.field());
            };
        }
    }

    static String principal(Exchange ex) {
        String p = ApiCaller.name(ex);
        return p.isEmpty() ? "unknown" : p;
    }
}
