package io.visionhub.api;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** {@code GET /api/inspections} (filtered, paged history) and {@code GET /api/inspections/{id}}. */
@Component
@ConditionalOnProperty(
        prefix = "visionhub.api.inspections",
        name = "enabled",
        havingValue = "true",
        matchIfMissing = true)
public class InspectionRestRoutes extends RouteBuilder {

    static final List<String> RESULTS = List.of("OK", "NG", "UNCERTAIN");

    private final InspectionQueries queries;
    private final ApiProperties props;

    public InspectionRestRoutes(NamedParameterJdbcTemplate jdbc, ApiProperties props) {
        this.queries = new InspectionQueries(jdbc);
        this.props = props;
    }

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        String roles = ApiAccess.describe(ApiAccess.READ_RESULTS);

        ApiRestConfiguration.securedRest(this, "/inspections")
                .description("Inspection history")
                .get()
                .id("api-inspections-list")
                .outType(InspectionPage.class)
                .description("Recent inspections, newest first, with filters and paging. " + roles)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("line")
                .type(RestParamType.query)
                .description("production line")
                .required(false)
                .endParam()
                .param()
                .name("station")
                .type(RestParamType.query)
                .description("inspection station")
                .required(false)
                .endParam()
                .param()
                .name("order")
                .type(RestParamType.query)
                .description("production order")
                .required(false)
                .endParam()
                .param()
                .name("batch")
                .type(RestParamType.query)
                .description("batch / lot")
                .required(false)
                .endParam()
                .param()
                .name("result")
                .type(RestParamType.query)
                .description("OK, NG or UNCERTAIN")
                .allowableValues(RESULTS)
                .required(false)
                .endParam()
                .param()
                .name("defectClass")
                .type(RestParamType.query)
                .description("only inspections with a defect of this class")
                .required(false)
                .endParam()
                .param()
                .name("from")
                .type(RestParamType.query)
                .description("capture time at or after (ISO-8601 UTC)")
                .required(false)
                .endParam()
                .param()
                .name("to")
                .type(RestParamType.query)
                .description("capture time before (ISO-8601 UTC)")
                .required(false)
                .endParam()
                .param()
                .name("offset")
                .type(RestParamType.query)
                .dataType("integer")
                .defaultValue("0")
                .required(false)
                .endParam()
                .param()
                .name("limit")
                .type(RestParamType.query)
                .dataType("integer")
                .defaultValue("50")
                .required(false)
                .endParam()
                .responseMessage()
                .code(200)
                .message("a page of inspections")
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("bad filter value (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(401)
                .message("not logged in (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-inspections-list")
                .get("/{id}")
                .id("api-inspections-get")
                .description(
                        "One inspection: the stored event document with its image and annotated image links. " + roles)
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("id")
                .type(RestParamType.path)
                .description("inspection id (UUID)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the inspection")
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("no such inspection (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:api-inspections-get");

        from("direct:api-inspections-list").routeId("rest-inspections-list").process(this::list);
        from("direct:api-inspections-get").routeId("rest-inspections-get").process(this::get);
    }

    private void list(Exchange ex) {
        InspectionFilter filter = new InspectionFilter(
                ApiParams.optionalName(ex, "line"),
                ApiParams.optionalName(ex, "station"),
                ApiParams.optionalName(ex, "order"),
                ApiParams.optionalName(ex, "batch"),
                ApiParams.oneOf(ex, "result", RESULTS),
                ApiParams.optionalName(ex, "defectClass"),
                ApiParams.instant(ex, "from"),
                ApiParams.instant(ex, "to"),
                ApiParams.integer(ex, "offset", 0, 0, 10_000_000),
                ApiParams.integer(ex, "limit", 50, 1, props.maxPageSize()));
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw ApiException.badRequest("to", "to must be after from");
        }
        ex.getMessage().setBody(queries.list(filter));
    }

    private void get(Exchange ex) {
        String id = ApiParams.requiredName(ex, "id");
        ex.getMessage()
                .setBody(queries.byId(id)
                        .orElseThrow(() -> ApiException.notFound(
                                "unknown_inspection", "no inspection with id " + id + " in the ledger")));
    }
}
