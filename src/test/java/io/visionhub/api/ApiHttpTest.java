package io.visionhub.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST API through real HTTP: security, context push and queries, inspection queries, errors.
 * One Spring context for all API tests (other concerns turned off by properties).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:api-${random.uuid};MODE=PostgreSQL;DB_CLOSE_DELAY=-1",
        "spring.datasource.username=sa",
        "spring.flyway.locations=classpath:db/migration,classpath:db/api-test",
        "visionhub.context.hazelcast.cluster-name=api-test-${random.uuid}",
        "visionhub.routes.dir=target/api-test-no-routes",
        "visionhub.routes.reload=false",
})
class ApiHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] basic(String user) {
        return new String[]{"Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + user + "-demo").getBytes(StandardCharsets.UTF_8))};
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return EventJson.mapper().readTree(r.body());
    }

    @Test
    void openApiDocumentIsServedWithoutLogin() throws Exception {
        HttpResponse<String> r = send("GET", "/api/openapi.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("paths").has("/inspections")).isTrue();
    }

    @Test
    void inspectionListNeedsLogin() throws Exception {
        HttpResponse<String> r = send("GET", "/api/inspections", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void operatorListsInspections() throws Exception {
        HttpResponse<String> r = send("GET", "/api/inspections", null, basic("operator"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("items").isArray()).isTrue();
    }

    @Test
    void mesPushesContext() throws Exception {
        HttpResponse<String> r = send("PUT", "/api/context/line-1",
                "{\"productionOrder\":\"PO-1\",\"batch\":\"B-1\",\"version\":1}",
                "X-API-Key", "demo-mes-key", "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        HttpResponse<String> get = send("GET", "/api/context/line-1", null, basic("operator"));
        assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
        assertThat(json(get).path("productionOrder").asText()).isEqualTo("PO-1");
    }
}
