package io.visionhub.vision;

import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.teach.AnomalyTeacher;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class VisionHealthIndicatorTest {

    @TempDir
    Path dir;

    @Test
    void aCameraThatIsDownMakesTheHubDegradedAndIsNamedInTheDetails() throws Exception {
        new AnomalyTeacher().teach(TestModels.goodParts(2, 5), AnomalyTeacher.Spec.of("health", "1"), dir.resolve("m"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CamelContext camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setImagesDir(dir.resolve("images").toString());
        camel.addComponent("vision", vision);
        String model = dir.resolve("m").toString();
        int deadPort = port;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:good-station?camera=cam-ok&fps=10&storeImages=false&model=" + model).to("mock:ok");
                from("vision:bad-station?camera=cam-down&timeoutMs=300&source=rtsp://127.0.0.1:" + deadPort
                        + "/none&model=" + model).autoStartup(false).routeId("bad").to("mock:bad");
            }
        });
        try {
            camel.start();
            VisionHealthIndicator health = new VisionHealthIndicator(() -> camel);
            MockEndpoint ok = camel.getEndpoint("mock:ok", MockEndpoint.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> ok.getReceivedCounter() >= 2);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            camel.getRouteController().startRoute("bad");
            await().atMost(Duration.ofSeconds(20)).until(() -> health.health().getStatus().equals(VisionHealthIndicator.DEGRADED));
            Health h = health.health();
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> cameras = (Map<String, Map<String, Object>>) h.getDetails().get("cameras");
            assertThat(cameras.get("cam-ok")).containsEntry("status", "UP");
            assertThat(cameras.get("cam-down")).containsEntry("status", "DOWN").containsEntry("connected", false);
            await().atMost(Duration.ofSeconds(20)).until(() -> ((Map<String, Map<String, Object>>) health.health()
                    .getDetails().get("cameras")).get("cam-down").containsKey("lastError"));
        } finally {
            camel.stop();
        }
    }
}
