package io.visionhub.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.BrowserScript;
import io.visionhub.api.ApiRouteGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Hawtio, as an engineer opens it: Debian's Chromium (driven by playwright-core, src/test/browser) logs in as
 * admin, selects the demo's {@code inspection} route in the Camel tree and opens its Route Diagram, which must draw
 * the route's steps (nodes and the edges between them). Hawtio 4.3 drew nothing for Camel 4.17, and Hawtio 5.2
 * draws nothing for a route that carries its own errorHandler (routes/demo.yaml uses route configurations). The
 * Camel tree shows the station routes in their own group folder, first, apart from and before the API's ~30 routes
 * (group api, ids rest-...). Skipped, with the reason, where Chromium, node or playwright-core is missing (.ci/run
 * installs them).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("isolated")
@DirtiesContext
class HawtioRouteDiagramTest {

    @DynamicPropertySource
    static void demo(DynamicPropertyRegistry r) {
        r.add("visionhub.routes.dir", () -> "routes");
    }

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    @Test
    void theInspectionRouteDiagramDrawsItsStepsInChromium() throws Exception {
        String chromium = BrowserScript.chromium();
        await().atMost(Duration.ofSeconds(60)).until(() -> camel.getRoute("inspection") != null);

        BrowserScript.Finished run = BrowserScript.run(
                240,
                "hawtio-route-diagram.js",
                "http://127.0.0.1:" + port + "/actuator/hawtio",
                "admin",
                "admin-demo",
                "inspection",
                chromium);
        String out = run.output();
        assertThat(run.ended()).as("the browser ended: %s", out).isTrue();
        assertThat(run.exitValue()).as(out).isZero();
        JsonNode drawn = run.result();

        assertThat(drawn.path("nodes").asInt()).as("diagram nodes: %s", out).isGreaterThanOrEqualTo(3);
        assertThat(drawn.path("edges").asInt()).as("diagram edges: %s", out).isGreaterThanOrEqualTo(2);
        // route groups: the station routes in their own folder, the REST API's in folder "api", apart
        assertThat(camel.getRoute("inspection").getGroup()).isEqualTo("stations");
        assertThat(camel.getRoutes().stream().filter(r -> ApiRouteGroup.GROUP.equals(r.getGroup())))
                .as("the REST routes, named to sort after the station routes")
                .hasSizeGreaterThan(20)
                .allMatch(r -> r.getRouteId().startsWith(ApiRouteGroup.ROUTE_ID_PREFIX), "id starts with rest-");
        List<String> tree = new ArrayList<>();
        drawn.path("routesInTree").forEach(n -> tree.add(n.asText()));
        int stations = tree.indexOf("stations");
        assertThat(stations).as("Camel tree %s", tree).isPositive();
        assertThat(tree.indexOf("api")).as("Camel tree %s", tree).isPositive();
        // issue 16: the station routes first, not buried under the API's ~30 routes
        assertThat(tree.subList(0, stations))
                .as("Camel tree before the stations folder: %s", tree)
                .doesNotContain("api", "default")
                .noneMatch(n -> n.startsWith(ApiRouteGroup.ROUTE_ID_PREFIX));
        assertThat(stations).as("Camel tree %s", tree).isLessThan(tree.indexOf("api"));
        int defaultFolder = tree.indexOf("default");
        List<String> stationFolder =
                tree.subList(stations + 1, defaultFolder > stations ? defaultFolder : tree.indexOf("api"));
        assertThat(stationFolder)
                .as("the stations folder")
                .contains("station-1-camera", "inspection", "mqtt-output")
                .noneMatch(n -> n.startsWith(ApiRouteGroup.ROUTE_ID_PREFIX));
    }
}
