package io.visionhub.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.images.FileImageStore;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

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
        vision.setImageStore(new FileImageStore(dir.resolve("images")));
        camel.addComponent("vision", vision);
        String model = dir.resolve("m").toString();
        int deadPort = port;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:good-station?camera=cam-ok&fps=10&storeImages=false&model=" + model)
                        .to("mock:ok");
                from("vision:bad-station?camera=cam-down&readTimeout=300&source=rtsp://127.0.0.1:" + deadPort
                                + "/none&model=" + model)
                        .autoStartup(false)
                        .routeId("bad")
                        .to("mock:bad");
            }
        });
        try {
            camel.start();
            VisionHealthIndicator health = new VisionHealthIndicator(() -> camel);
            MockEndpoint ok = camel.getEndpoint("mock:ok", MockEndpoint.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> ok.getReceivedCounter() >= 2);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            camel.getRouteController().startRoute("bad");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> health.health().getStatus().equals(VisionHealthIndicator.DEGRADED));
            Health h = health.health();
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> cameras =
                    (Map<String, Map<String, Object>>) h.getDetails().get("cameras");
            assertThat(cameras.get("cam-ok")).containsEntry("status", "UP");
            assertThat(cameras.get("cam-down")).containsEntry("status", "DOWN").containsEntry("connected", false);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ((Map<String, Map<String, Object>>)
                                    health.health().getDetails().get("cameras"))
                            .get("cam-down")
                            .containsKey("lastError"));
        } finally {
            camel.stop();
        }
    }

    /** An idle folder camera (no image yet, folder readable) is UP and marked idle, not DOWN after the silence limit. */
    @Test
    void anIdleFolderCameraIsUpWhileItsFolderIsReadable() throws Exception {
        new AnomalyTeacher().teach(TestModels.goodParts(2, 5), AnomalyTeacher.Spec.of("health", "1"), dir.resolve("m"));
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        CamelContext camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(new FileImageStore(dir.resolve("images")));
        camel.addComponent("vision", vision);
        String model = dir.resolve("m").toString();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:folder-station?camera=cam-folder&fps=50&storeImages=false&source=folder:" + inbox
                                + "&model=" + model)
                        .to("mock:folder");
            }
        });
        try {
            camel.start();
            VisionHealthIndicator health = new VisionHealthIndicator(() -> camel);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> cameras(health).containsKey("cam-folder")
                            && Boolean.TRUE.equals(
                                    cameras(health).get("cam-folder").get("connected")));
            // no frame ever (lastFrame "never" is past any silence limit): idle, not down
            Health h = health.health();
            assertThat(h.getStatus()).isEqualTo(Status.UP);
            assertThat(cameras(health).get("cam-folder"))
                    .containsEntry("status", "UP")
                    .containsEntry("idle", true)
                    .containsEntry("lastFrame", "never");

            // the share is gone: the camera is down, whatever the consumer last saw
            Files.delete(inbox.resolve(".inspected"));
            Files.delete(inbox.resolve(".rejected"));
            Files.delete(inbox);
            assertThat(health.health().getStatus()).isEqualTo(VisionHealthIndicator.DEGRADED);
            assertThat(cameras(health).get("cam-folder"))
                    .containsEntry("status", "DOWN")
                    .containsEntry("folderReadable", false);
        } finally {
            camel.stop();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> cameras(VisionHealthIndicator health) {
        return (Map<String, Map<String, Object>>) health.health().getDetails().get("cameras");
    }
}
