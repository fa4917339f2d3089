package io.visionhub.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera route started by a routing thread (nice 10, as a control-bus step or Hawtio would be) inspects on threads
 * at normal priority: the vision: consumer starts them on the inference launcher.
 */
class CameraThreadPriorityTest {

    @TempDir
    Path modelDir;

    private RoutingPriority priority;
    private CamelContext camel;

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        if (priority != null) {
            priority.close();
        }
    }

    @Test
    void cameraStartedByALoweredThreadInspectsAtNormalPriority() throws Exception {
        assumeTrue(ThreadNice.available(), "thread nice values are Linux only");
        int base = ThreadNice.of(ThreadNice.currentTid()).orElseThrow();
        TestModels.anomalyModel(modelDir, "priority-test");
        priority = new RoutingPriority(new RoutingPriorityProperties(10, null, Duration.ofHours(1)));
        camel = new DefaultCamelContext();
        camel.addComponent("vision", new VisionComponent());
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:station-7?source=sim&model=" + modelDir + "&line=line-1&fps=20&seed=3&storeImages=false")
                        .routeId("camera")
                        .autoStartup(false)
                        .to("mock:events");
            }
        });
        camel.start();
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        events.expectedMinimumMessageCount(3);

        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread routing = new Thread(
                () -> {
                    try {
                        ThreadNice.set(ThreadNice.currentTid(), Math.max(base, 10));
                        camel.getRouteController().startRoute("camera");
                        started.complete(null);
                    } catch (Exception e) {
                        started.completeExceptionally(e);
                    }
                },
                "control-bus-like");
        routing.start();
        started.get(60, TimeUnit.SECONDS);
        events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(60));

        Map<Long, String> names = RoutingPriority.javaThreadNames();
        long cameraThreads = 0;
        for (Map.Entry<Long, String> t : names.entrySet()) {
            if (t.getValue().endsWith(" - vision-station-7")) {
                cameraThreads++;
                assertThat(ThreadNice.of(t.getKey()).orElse(base))
                        .as(t.getValue())
                        .isEqualTo(base);
            }
        }
        assertThat(cameraThreads)
                .as("the camera's reading and inspecting threads")
                .isGreaterThanOrEqualTo(2);
        priority.sweep();
        for (Map.Entry<Long, String> t : names.entrySet()) {
            if (t.getValue().endsWith(" - vision-station-7")) {
                assertThat(ThreadNice.of(t.getKey()).orElse(base))
                        .as("after a sweep: " + t.getValue())
                        .isEqualTo(base);
            }
        }
    }
}
