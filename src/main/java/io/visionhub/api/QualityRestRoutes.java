package io.visionhub.api;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** {@code GET /api/orders/{order}/summary} and {@code GET /api/lots/{batch}/trace}, for quality and the ERP. */
@Component
@ConditionalOnProperty(prefix = "visionhub.api.quality", name = "enabled", havingValue = "true", matchIfMissing = true)
public class QualityRestRoutes extends RouteBuilder {

    private final QualityQueries queries;

    public QualityRestRoutes(NamedParameterJdbcTemplate jdbc) {
        this.queries = new QualityQueries(jdbc);
    }

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        String roles = ApiAccess.describe(ApiAccess.READ_QUALITY);
        ApiRestConfiguration.securedRest(this, "/orders")
                .description("Quality per production order")
                .get("/{order}/summary")
                .id("api-order-summary")
                .outType(OrderSummary.class)
                .description("Counts by result, NG rate, defects by class and first-pass yield of an order, in "
                        + "total and per shift. " + roles)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("order")
                .type(RestParamType.path)
                .description("production order")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the summary")
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("no inspection under this order (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-order-summary");
        ApiRestConfiguration.securedRest(this, "/lots")
                .description("Lot traceability")
                .get("/{batch}/trace")
                .id("api-lot-trace")
                .outType(LotTrace.class)
                .description("Everything about a batch in time order: context changes, inspections, dispositions "
                        + "and enterprise documents (with their document numbers). " + roles)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("batch")
                .type(RestParamType.path)
                .description("batch / lot")
                .endParam()
                .param()
                .name("limit")
                .type(RestParamType.query)
                .dataType("integer")
                .defaultValue("1000")
                .description("most inspections to list (1-10000)")
                .required(false)
                .endParam()
                .responseMessage()
                .code(200)
                .message("the trace")
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("the hub knows nothing about this batch (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-lot-trace");

        from("direct:api-order-summary").routeId("rest-order-summary").process(ex -> {
            String order = ApiParams.requiredName(ex, "order");
            ex.getMessage()
                    .setBody(queries.orderSummary(order)
                            .orElseThrow(() -> ApiException.notFound(
                                    "unknown_order", "no inspection recorded under production order " + order)));
        });
        from("direct:api-lot-trace").routeId("rest-lot-trace").process(ex -> {
            String batch = ApiParams.requiredName(ex, "batch");
            int limit = ApiParams.integer(ex, "limit", 1000, 1, 10_000);
            ex.getMessage()
                    .setBody(queries.lotTrace(batch, limit)
                            .orElseThrow(() -> ApiException.notFound(
                                    "unknown_batch",
                                    "the hub has no inspection, context or document for batch " + batch)));
        });
    }
}
