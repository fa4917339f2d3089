package io.visionhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The Swagger UI at /swagger-ui/ over real HTTP: the page, every script and style it loads from the webjar (no
 * CDN), the OpenAPI document it points to, and that document's servers entry naming the scheme, host and port
 * the caller used, so that "Try it out" reaches this hub.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visionhub.routes.dir=target/swagger-ui-test-no-routes",
        })
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class SwaggerUiHttpTest {

    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    final HubHttpClient hub = new HubHttpClient("127.0.0.1", () -> port);

    @Test
    void theUiPageAndEveryAssetItLoadsAreServedFromTheJarWithoutLogin() throws Exception {
        HttpResponse<String> page = hub.send("GET", "/swagger-ui/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        List<String> assets = new ArrayList<>();
        Matcher m = ASSET.matcher(page.body());
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets)
                .as("no CDN: every asset from this hub")
                .allMatch(a -> a.startsWith("/"))
                .anyMatch(a -> a.endsWith("swagger-ui-bundle.js"))
                .anyMatch(a -> a.endsWith("swagger-ui.css"));
        for (String asset : assets) {
            assertThat(hub.send("GET", asset, null).statusCode()).as(asset).isEqualTo(200);
        }
        assertThat(hub.send("GET", "/swagger-ui/initializer.js", null).body()).contains("url: \"/api/openapi.json\"");
        assertThat(hub.send("GET", "/swagger-ui", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theSpecTheUiLoadsNamesThisHubsSchemeHostAndPort() throws Exception {
        HttpResponse<String> spec = hub.send("GET", "/api/openapi.json", null);
        assertThat(spec.statusCode()).isEqualTo(200);
        JsonNode servers = EventJson.mapper().readTree(spec.body()).path("servers");
        assertThat(servers).hasSize(1);
        assertThat(servers.get(0).path("url").asText()).isEqualTo("http://127.0.0.1:" + port + "/api");
        assertThat(EventJson.mapper().readTree(spec.body()).path("paths").has("/inspections"))
                .isTrue();
    }

    @Test
    void behindAProxyTheForwardedSchemeAndHostAreUsed() throws Exception {
        HttpResponse<String> spec = hub.send(
                "GET",
                "/api/openapi.json",
                null,
                "X-Forwarded-Proto",
                "https",
                "X-Forwarded-Host",
                "hub.plant.example");
        JsonNode servers = EventJson.mapper().readTree(spec.body()).path("servers");
        assertThat(servers.get(0).path("url").asText()).isEqualTo("https://hub.plant.example/api");
    }
}
