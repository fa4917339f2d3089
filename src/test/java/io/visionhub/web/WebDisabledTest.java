package io.visionhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.api.HubHttpClient;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * With the web app off ({@code visionhub.web.enabled=false}) no page or frame is served: without the web chain, the
 * API chain would let /ui/** through without a login, so every web controller must be off too.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"visionhub.routes.dir=target/web-disabled-test-no-routes", "visionhub.web.enabled=false"})
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class WebDisabledTest {

    @LocalServerPort
    int port;

    @Test
    void noPageNorFrameIsServedAndTheApiStillAsksForALogin() throws Exception {
        HubHttpClient http = new HubHttpClient(() -> port);
        for (String path : new String[] {
            "/ui/frames/" + UUID.randomUUID(),
            "/ui/frames/" + UUID.randomUUID() + "/annotated",
            "/ui/line/line-1",
            "/ui/review",
            "/ui/orders",
            "/"
        }) {
            assertThat(http.send("GET", path, null).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(http.send("GET", "/api/inspections", null).statusCode()).isEqualTo(401);
    }
}
