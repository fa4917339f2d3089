package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.enterprise.outbox.OutboxOperations;
import io.visionhub.enterprise.outbox.OutboxRow;
import io.visionhub.enterprise.sync.ProductionOrderSync;
import io.visionhub.event.EventJson;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes of the enterprise concern:
 * <ul>
 *   <li>REST under /api/outbox (roles INTEGRATOR or ADMIN): list rows by status (default PARKED), one row with
 *       its audit, retry a parked row, cancel a pending or parked row. Bodies are JSON; retry and cancel take
 *       an optional {@code {"reason": "…"}}.</li>
 *   <li>GET /api/enterprise/production-orders: released orders last read from SAP (the offers).</li>
 * </ul>
 */
@Component
public class EnterpriseRoutes extends RouteBuilder {

    /** Header the api concern's security filter sets: the caller's name. */
    static final String PRINCIPAL_HEADER = "VisionHubPrincipal";
    /** Header the api concern's security filter sets: the caller's roles, comma-separated. */
    static final String ROLES_HEADER = "VisionHubRoles";
    static final Set<String> OPERATOR_ROLES = Set.of("INTEGRATOR", "ADMIN");
    static final Set<String> READ_ORDER_ROLES = Set.of("OPERATOR", "QUALITY", "INTEGRATOR", "ADMIN");

    private final OutboxOperations operations;
    private final ObjectProvider<ProductionOrderSync> orders;

    public EnterpriseRoutes(OutboxOperations operations, ObjectProvider<ProductionOrderSync> orders) {
        this.operations = operations;
        this.orders = orders;
    }

    @Override
    public void configure() {
        onException(IllegalArgumentException.class).handled(true)
                .process(e -> json(e, 400, error("bad_request", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage())));

        restEndpoints();

        from("direct:enterprise-outbox-list").routeId("enterprise-outbox-list").process(e -> {
            if (allowed(e)) {
                String status = e.getMessage().getHeader("status", "PARKED", String.class);
                int limit = parseInt(e.getMessage().getHeader("limit", "100", String.class), "limit");
                List<OutboxRow> rows = operations.list("ALL".equalsIgnoreCase(status) ? null : status.toUpperCase(), limit);
                json(e, 200, Map.of("status", status.toUpperCase(), "rows", rows));
            }
        });
        from("direct:enterprise-outbox-get").routeId("enterprise-outbox-get").process(e -> {
            if (allowed(e)) {
                long id = id(e);
                Map<String, Object> out = new LinkedHashMap<>();
                OutboxRow row = operations.find(id).orElse(null);
                if (row == null) {
                    json(e, 404, error("not_found", "no outbox row " + id));
                    return;
                }
                out.put("row", row);
                out.put("audit", operations.audit(id));
                json(e, 200, out);
            }
        });
        from("direct:enterprise-production-orders-list").routeId("enterprise-production-orders-list").process(e -> {
            String roles = e.getMessage().getHeader(ROLES_HEADER, "", String.class);
            if (Arrays.stream(roles.split(",")).map(String::trim).noneMatch(READ_ORDER_ROLES::contains)) {
                json(e, 403, error("forbidden", "production order offers need role OPERATOR, QUALITY, INTEGRATOR or ADMIN"));
                return;
            }
            ProductionOrderSync sync = orders.getIfAvailable();
            json(e, 200, Map.of("orders", sync == null ? List.of() : sync.offers()));
        });
        from("direct:enterprise-outbox-retry").routeId("enterprise-outbox-retry").process(e -> change(e, true));
        from("direct:enterprise-outbox-cancel").routeId("enterprise-outbox-cancel").process(e -> change(e, false));
    }

    /** The REST verbs under /api/outbox; each hands over to a direct: route. */
    protected void restEndpoints() {
        rest("/outbox").description("Enterprise deliveries (outbox): list, retry, cancel. Roles: INTEGRATOR, ADMIN.")
                .bindingMode(RestBindingMode.off)
                .get().description("Outbox rows by status (default PARKED). Roles: INTEGRATOR, ADMIN.")
                    .param().name("status").type(org.apache.camel.model.rest.RestParamType.query).required(false).endParam()
                    .param().name("limit").type(org.apache.camel.model.rest.RestParamType.query).required(false).endParam()
                    .produces("application/json").to("direct:enterprise-outbox-list")
                .get("/{id}").description("One outbox row with its audit entries. Roles: INTEGRATOR, ADMIN.")
                    .produces("application/json").to("direct:enterprise-outbox-get")
                .post("/{id}/retry").description("Retry a PARKED row now (attempts reset); audited. Roles: INTEGRATOR, ADMIN.")
                    .produces("application/json").to("direct:enterprise-outbox-retry")
                .post("/{id}/cancel").description("Cancel a PENDING or PARKED row; audited. Roles: INTEGRATOR, ADMIN.")
                    .produces("application/json").to("direct:enterprise-outbox-cancel");
        rest("/enterprise").description("Enterprise syncs. Roles: OPERATOR, QUALITY, INTEGRATOR, ADMIN.")
                .bindingMode(RestBindingMode.off)
                .get("/production-orders").description("Released production orders last read from SAP, offered as "
                        + "production context. Roles: OPERATOR, QUALITY, INTEGRATOR, ADMIN.")
                    .produces("application/json").to("direct:enterprise-production-orders-list");
    }

    private void change(Exchange e, boolean retry) throws Exception {
        if (!allowed(e)) {
            return;
        }
        long id = id(e);
        String reason = null;
        String body = e.getMessage().getBody(String.class);
        if (body != null && !body.isBlank()) {
            JsonNode n;
            try {
                n = EventJson.mapper().readTree(body);
            } catch (Exception ex) {
                json(e, 400, error("bad_request", "body must be JSON like {\"reason\": \"...\"}: " + ex.getMessage()));
                return;
            }
            reason = n.path("reason").isTextual() ? n.path("reason").asText() : null;
            if (reason != null && reason.length() > 1000) {
                json(e, 400, error("bad_request", "reason is longer than 1000 characters"));
                return;
            }
        }
        String actor = e.getMessage().getHeader(PRINCIPAL_HEADER, String.class);
        OutboxOperations.Result r = retry ? operations.retry(id, actor, reason) : operations.cancel(id, actor, reason);
        if (r.changed()) {
            json(e, 200, r.row());
        } else {
            json(e, r.httpStatus(), error(r.httpStatus() == 404 ? "not_found" : "conflict", r.message()));
        }
    }

    /** INTEGRATOR or ADMIN, as the api concern's security filter reports them; answers 403 otherwise. */
    private boolean allowed(Exchange e) {
        String roles = e.getMessage().getHeader(ROLES_HEADER, "", String.class);
        String who = e.getMessage().getHeader(PRINCIPAL_HEADER, "", String.class);
        boolean ok = !who.isBlank() && Arrays.stream(roles.split(",")).map(String::trim).anyMatch(OPERATOR_ROLES::contains);
        if (!ok) {
            json(e, 403, error("forbidden", "the outbox needs role INTEGRATOR or ADMIN"));
        }
        return ok;
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

    private static Map<String, Object> error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        return m;
    }

    private static void json(Exchange e, int status, Object body) {
        try {
            e.getMessage().setBody(EventJson.mapper().writeValueAsString(body));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
