package io.visionhub.api;

import io.visionhub.event.EventJson;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.support.TypeConverterSupport;
import org.springframework.stereotype.Component;

/**
 * The one REST configuration of the hub: Camel REST DSL on platform-http under /api, JSON binding with
 * {@link EventJson}'s mapper, OpenAPI document at /api/openapi.json. Other concerns only add {@code rest()}
 * blocks under /api/&lt;concern&gt; (and call {@link ApiErrorHandling#install}).
 */
@Component
public class ApiRestConfiguration extends RouteBuilder {

    /** Name of {@link EventJson#mapper()} in the Camel registry, used by the REST JSON binding. */
    public static final String MAPPER_BEAN = "visionHubEventMapper";

    public static final String BASIC_AUTH = "basicAuth";
    public static final String API_KEY = "apiKey";

    /**
     * {@code rest(path)} of a builder with the API's two security schemes declared (HTTP Basic for people,
     * X-API-Key for systems), so its operations can name them with {@code .security(BASIC_AUTH)}.
     */
    public static RestDefinition securedRest(RouteBuilder builder, String path) {
        RestDefinition rest = builder.rest(path);
        rest.securityDefinitions()
                .basicAuth(BASIC_AUTH, "people: user name and password")
                .apiKey(API_KEY, "systems: key in the X-API-Key header")
                .withHeader("X-API-Key")
                .end()
                .end();
        return rest;
    }

    /**
     * An optional query parameter of an operation, for the OpenAPI document: {@code .param(optionalQuery("line",
     * "only this line"))} ({@code description} may be null).
     */
    public static ParamDefinition optionalQuery(String name, String description) {
        return new ParamDefinition()
                .name(name)
                .type(RestParamType.query)
                .required(false)
                .description(description);
    }

    /** An error answer of an operation, for the OpenAPI document: the status and its {@link ApiError} body. */
    public static ResponseMessageDefinition apiError(int code, String message) {
        return new ResponseMessageDefinition().code(code).message(message).responseModel(ApiError.class);
    }

    @Override
    public void configure() {
        getCamelContext().getRegistry().bind(MAPPER_BEAN, EventJson.mapper());
        // operations without JSON binding (images, zip, PEM) answer errors too: platform-http then needs the
        // ApiError as bytes (ApiErrorHandling sets the record, which the binding of the other operations writes)
        getCamelContext()
                .getTypeConverterRegistry()
                .addTypeConverter(InputStream.class, ApiError.class, new TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
                        return type.cast(new ByteArrayInputStream(
                                ((ApiError) value).toJson().getBytes(StandardCharsets.UTF_8)));
                    }
                });
        restConfiguration()
                .component("platform-http")
                .contextPath("/api")
                .bindingMode(RestBindingMode.json)
                .dataFormatProperty("objectMapper", "#bean:" + MAPPER_BEAN)
                .dataFormatProperty("disableFeatures", "FAIL_ON_EMPTY_BEANS")
                .apiContextPath("/openapi.json")
                // named like the other REST routes (ApiRouteGroup): Camel would call it route1
                .apiContextRouteId("rest-openapi")
                // servers: the scheme, host and port the caller used (OpenApiServerUrlFilter), not 0.0.0.0
                .useXForwardHeaders(true)
                .apiProperty("api.title", "Vision Hub API")
                .apiProperty("api.version", "1.0")
                .apiProperty(
                        "api.description",
                        "Production context from the MES, inspection history, order quality "
                                + "summaries and lot traceability. Errors are JSON {code, message, field}. People log in with "
                                + "HTTP Basic, systems send X-API-Key; each operation names the roles it allows.")
                .apiProperty("openapi.version", "3.0.3");
    }
}
