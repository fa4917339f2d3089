package io.visionhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST helpers every concern shares: the caller and its roles (ApiCaller), a required body read with
 * getMandatoryBody (400 missing_body / invalid_body), and the error document written as text for operations
 * without JSON binding (installJsonText, ApiJson).
 */
class ApiRouteHelpersTest {

    record Reason(String reason) {}

    private CamelContext camel;
    private ProducerTemplate producer;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                ApiErrorHandling.installJsonText(this);
                from("direct:reason").process(e -> {
                    String who = ApiCaller.require(
                            e, List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN), "needs INTEGRATOR or ADMIN");
                    Map<?, ?> body = e.getMessage().getMandatoryBody(Map.class);
                    ApiJson.answer(e, 200, Map.of("who", who, "reason", body.get("reason")));
                });
                from("direct:typed").process(e -> e.getMessage().getMandatoryBody(Reason.class));
            }
        });
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private Exchange call(String route, String user, String roles, Object body) {
        return producer.request("direct:" + route, x -> {
            if (user != null) {
                x.getMessage().setHeader(ApiPrincipalHeaderFilter.PRINCIPAL, user);
                x.getMessage().setHeader(ApiPrincipalHeaderFilter.ROLES, roles);
            }
            x.getMessage().setBody(body);
        });
    }

    private static int status(Exchange x) {
        return x.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static JsonNode json(Exchange x) throws Exception {
        assertThat(x.getMessage().getBody())
                .as("JSON text, no binding to write it")
                .isInstanceOf(String.class);
        return EventJson.mapper().readTree(x.getMessage().getBody(String.class));
    }

    @Test
    void callerWithOneOfTheRolesIsNamedAndTheAnswerIsJsonText() throws Exception {
        Exchange ok = call("reason", "ida", "QUALITY, INTEGRATOR", Map.of("reason", "fixed"));
        assertThat(status(ok)).isEqualTo(200);
        assertThat(json(ok).path("who").asText()).isEqualTo("ida");
        assertThat(json(ok).path("reason").asText()).isEqualTo("fixed");
        assertThat(ok.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
    }

    @Test
    void callerWithoutTheRolesOrWithoutANameGetsTheForbiddenDocument() throws Exception {
        for (Exchange refused : List.of(
                call("reason", "olga", "OPERATOR", Map.of()),
                call("reason", null, null, Map.of()),
                call("reason", "", "ADMIN", Map.of()))) {
            assertThat(status(refused)).isEqualTo(403);
            JsonNode error = json(refused);
            assertThat(error.path("code").asText()).isEqualTo("forbidden");
            assertThat(error.path("message").asText()).isEqualTo("needs INTEGRATOR or ADMIN");
            assertThat(error.has("field"))
                    .as("the API's error document has its three keys")
                    .isTrue();
        }
    }

    @Test
    void aMissingRequiredBodyIs400MissingBodyAndAnUnreadableOne400InvalidBody() throws Exception {
        Exchange missing = call("reason", "ida", "ADMIN", null);
        assertThat(status(missing)).isEqualTo(400);
        assertThat(json(missing).path("code").asText()).isEqualTo("missing_body");
        assertThat(json(missing).path("message").asText()).contains("Map");

        Exchange wrong = call("typed", "ida", "ADMIN", 42);
        assertThat(status(wrong)).isEqualTo(400);
        assertThat(json(wrong).path("code").asText()).isEqualTo("invalid_body");
        assertThat(json(wrong).path("message").asText()).contains("Reason");
    }

    @Test
    void callerRolesAreReadOnceFromTheFilterHeaders() {
        Exchange x = call("typed", "api-key:mes", " INTEGRATOR ,,QUALITY", new Reason("r"));
        assertThat(ApiCaller.name(x)).isEqualTo("api-key:mes");
        assertThat(ApiCaller.roles(x)).containsExactly("INTEGRATOR", "QUALITY");
        assertThat(ApiCaller.hasAnyRole(x, List.of(ApiRoles.AUDITOR))).isFalse();
    }
}
