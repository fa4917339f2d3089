package io.visionhub.enterprise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.api.ApiCaller;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiJson;
import io.visionhub.api.ApiRoles;
import io.visionhub.enterprise.outbox.BulkRetryFilter;
import io.visionhub.enterprise.outbox.OutboxOperations;
import io.visionhub.enterprise.outbox.OutboxRow;
import io.visionhub.enterprise.sync.ProductionOrderSync;
import io.visionhub.event.EventJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Routes of the enterprise concern:
 * <ul>
 *   <li>REST under /api/outbox (roles INTEGRATOR or ADMIN): list rows by status (default PARKED), one row with
 *       its audit, retry a parked row, cancel a pending or parked row. Bodies are JSON; retry and cancel take
 *       an optional {@code {"reason": "…"}}.</li>
 *   <li>GET /api/enterprise/production-orders: released orders last read from SAP (the offers).</li>
 * </ul>
 * The operations have no JSON binding: answers are written with {@link ApiJson}, errors are the API's error
 * document ({@link ApiErrorHandling#installJsonText}), roles are checked with {@link ApiCaller}.
 */
@Component
public class EnterpriseRoutes extends RouteBuilder {

    /** Who may read and change the outbox (also the api concern's access rule for /api/outbox/**). */
    public static final List<String> OUTBOX_ROLES = List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN);
    /** Who may read the production order offers (also the access rule for GET /api/enterprise/**). */
    public static final List<String> READ_ORDER_ROLES =
            List.of(ApiRoles.OPERATOR, ApiRoles.QUALITY, ApiRoles.INTEGRATOR, ApiRoles.ADMIN);

    private static final String OUTBOX_FORBIDDEN = "the outbox needs role INTEGRATOR or ADMIN";

    private final OutboxOperations operations;
    private final ObjectProvider<ProductionOrderSync> orders;

    public EnterpriseRoutes(OutboxOperations operations, ObjectProvider<ProductionOrderSync> orders) {
        this.operations = operations;
        this.orders = orders;
    }

    @Override
    public void configure() {
        ApiErrorHandling.installJsonText(this);
        onException(IllegalArgumentException.class)
                .handled(true)
                .process(e -> ApiJson.answer(
                        e,
                        400,
                        new ApiError(
                                "bad_request",
                                e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)
                                        .getMessage(),
                                null)));

        restEndpoints();

        from("direct:enterprise-outbox-list").routeId("rest-outbox-list").process(e -> {
            ApiCaller.require(e, OUTBOX_ROLES, OUTBOX_FORBIDDEN);
            String status = e.getMessage().getHeader("status", "PARKED", String.class);
            int limit = parseInt(e.getMessage().getHeader("limit", "100", String.class), "limit");
            String after = e.getMessage().getHeader("after", String.class);
            OutboxOperations.Page page =
                    operations.page("ALL".equalsIgnoreCase(status) ? null : status.toUpperCase(), after, limit);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("status", status.toUpperCase());
            out.put("rows", page.rows());
            out.put("next", page.next());
            ApiJson.answer(e, 200, out);
        });
        from("direct:enterprise-outbox-get").routeId("rest-outbox-get").process(e -> {
            ApiCaller.require(e, OUTBOX_ROLES, OUTBOX_FORBIDDEN);
            long id = id(e);
            OutboxRow row =
                    operations.find(id).orElseThrow(() -> ApiException.notFound("not_found", "no outbox row " + id));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("row", row);
            out.put("audit", operations.audit(id));
            ApiJson.answer(e, 200, out);
        });
        from("direct:enterprise-production-orders-list")
                .routeId("rest-production-orders-list")
                .process(e -> {
                    ApiCaller.require(
                            e,
                            READ_ORDER_ROLES,
                            "production order offers need role OPERATOR, QUALITY, INTEGRATOR or ADMIN");
                    ProductionOrderSync sync = orders.getIfAvailable();
                    ApiJson.answer(e, 200, Map.of("orders", sync == null ? List.of() : sync.offers()));
                });
        from("direct:enterprise-outbox-retry").routeId("rest-outbox-retry").process(e -> change(e, true));
        from("direct:enterprise-outbox-bulk-retry")
                .routeId("rest-outbox-bulk-retry")
                .process(this::bulkRetry);
        from("direct:enterprise-outbox-bulk-retries")
                .routeId("rest-outbox-bulk-retries")
                .process(e -> {
                    ApiCaller.require(e, OUTBOX_ROLES, OUTBOX_FORBIDDEN);
                    int limit = parseInt(e.getMessage().getHeader("limit", "100", String.class), "limit");
                    if (limit < 1 || limit > 1000) {
                        throw new IllegalArgumentException("limit must be 1..1000, not " + limit);
                    }
                    ApiJson.answer(e, 200, Map.of("retries", operations.bulkRetries(limit)));
                });
        from("direct:enterprise-outbox-cancel").routeId("rest-outbox-cancel").process(e -> change(e, false));
    }

    /** The REST verbs under /api/outbox; each hands over to a direct: route. */
    protected void restEndpoints() {
        rest("/outbox")
                .description("Enterprise deliveries (outbox): list, retry, cancel. Roles: INTEGRATOR, ADMIN.")
                .bindingMode(RestBindingMode.off)
                .get()
                .description("Outbox rows by status (default PARKED, ALL for every status) in id order, "
                        + "one page of at most limit (1..1000, default 100) rows after the cursor 'after'; the answer's "
                        + "'next' is the cursor of the following page, null on the last. Roles: INTEGRATOR, ADMIN.")
                .param()
                .name("status")
                .type(RestParamType.query)
                .required(false)
                .endParam()
                .param()
                .name("limit")
                .type(RestParamType.query)
                .required(false)
                .endParam()
                .param()
                .name("after")
                .type(RestParamType.query)
                .required(false)
                .description("the 'next' cursor of the previous page")
                .endParam()
                .produces("application/json")
                .to("direct:enterprise-outbox-list")
                .post("/retry")
                .description("Bulk retry: every PARKED row matching the body {target, status, from, to, "
                        + "reason} (all optional; from/to are ISO-8601 instants on the row's creation, from inclusive, to "
                        + "exclusive) back to PENDING, attempts reset; one audit record names who, the filter and the count. "
                        + "Roles: INTEGRATOR, ADMIN.")
                .consumes("application/json")
                .produces("application/json")
                .to("direct:enterprise-outbox-bulk-retry")
                .get("/retries")
                .description("Bulk retries (their audit records), newest first. Roles: INTEGRATOR, ADMIN.")
                .produces("application/json")
                .to("direct:enterprise-outbox-bulk-retries")
                .get("/{id}")
                .description("One outbox row with its audit entries. Roles: INTEGRATOR, ADMIN.")
                .produces("application/json")
                .to("direct:enterprise-outbox-get")
                .post("/{id}/retry")
                .description("Retry a PARKED row now (attempts reset); audited. Roles: INTEGRATOR, ADMIN.")
                .produces("application/json")
                .to("direct:enterprise-outbox-retry")
                .post("/{id}/cancel")
                .description("Cancel a PENDING or PARKED row; audited. Roles: INTEGRATOR, ADMIN.")
                .produces("application/json")
                .to("direct:enterprise-outbox-cancel");
        rest("/enterprise")
                .description("Enterprise syncs. Roles: OPERATOR, QUALITY, INTEGRATOR, ADMIN.")
                .bindingMode(RestBindingMode.off)
                .get("/production-orders")
                .description("Released production orders last read from SAP, offered as "
                        + "production context. Roles: OPERATOR, QUALITY, INTEGRATOR, ADMIN.")
                .produces("application/json")
                .to("direct:enterprise-production-orders-list");
    }

    private void change(Exchange e, boolean retry) {
        String actor = ApiCaller.require(e, OUTBOX_ROLES, OUTBOX_FORBIDDEN);
        long id = id(e);
        String reason = null;
        // the body is optional here (a reason), so getBody and not getMandatoryBody
        String body = e.getMessage().getBody(String.class);
        if (body != null && !body.isBlank()) {
            JsonNode n;
            try {
                n = EventJson.mapper().readTree(body);
            } catch (JsonProcessingException ex) {
                throw new IllegalArgumentException("body must be JSON like {\"reason\": \"...\"}: " + ex.getMessage());
            }
            reason = n.path("reason").isTextual() ? n.path("reason").asText() : null;
            if (reason != null && reason.length() > 1000) {
                throw new IllegalArgumentException("reason is longer than 1000 characters");
            }
        }
        OutboxOperations.Result r = retry ? operations.retry(id, actor, reason) : operations.cancel(id, actor, reason);
        if (!r.changed()) {
            throw new ApiException(r.httpStatus(), r.httpStatus() == 404 ? "not_found" : "conflict", r.message(), null);
        }
        ApiJson.answer(e, 200, r.row());
    }

    private void bulkRetry(Exchange e) {
        String actor = ApiCaller.require(e, OUTBOX_ROLES, OUTBOX_FORBIDDEN);
        // no body: every parked row (getBody, not getMandatoryBody)
        String body = e.getMessage().getBody(String.class);
        JsonNode n = null;
        if (body != null && !body.isBlank()) {
            try {
                n = EventJson.mapper().readTree(body);
            } catch (JsonProcessingException ex) {
                throw new IllegalArgumentException("body must be JSON like {\"target\": \"sap-qm\", \"from\": "
                        + "\"2026-12-01T00:00:00Z\", \"reason\": \"...\"}: " + ex.getMessage());
            }
        }
        BulkRetryFilter filter = BulkRetryFilter.parse(n);
        String reason =
                n != null && n.path("reason").isTextual() ? n.path("reason").asText() : null;
        if (reason != null && reason.length() > 1000) {
            throw new IllegalArgumentException("reason is longer than 1000 characters");
        }
        ApiJson.answer(e, 200, operations.retryMatching(filter, actor, reason));
    }

    private static long id(Exchange e) {
        String raw = e.getMessage().getHeader("id", String.class);
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("outbox id must be a number, not '" + raw + "'");
        }
    }

    private static int parseInt(String raw, String name) {
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(name + " must be a number, not '" + raw + "'");
        }
    }
}
