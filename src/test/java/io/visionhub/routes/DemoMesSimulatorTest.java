package io.visionhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * routes/demo-mes-simulator.yaml as loaded from disk, against a stand-in for the hub's REST API: the first push goes
 * out at once, a push that is never answered fails after its response timeout and is sent again (camel-http alone
 * would wait for ever: DemoFlowTest saw the demo hang for a minute), a 409 (this version already stored, by an
 * attempt whose answer was lost) counts as pushed, and then the demo camera is started.
 */
class DemoMesSimulatorTest {

    @Test
    void anUnansweredPushIsSentAgainAndThenTheCameraStarts() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.setExecutor(Executors.newCachedThreadPool());
        api.createContext("/api/context/line-1", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int call = calls.incrementAndGet();
            try {
                if (call == 1) {
                    release.await(); // the first push: never answered while the test runs
                }
                // the retry: the stored version is this one already (the first attempt got through)
                byte[] answer = "{\"code\":\"stale_version\"}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(call == 1 ? 200 : 409, answer.length);
                ex.getResponseBody().write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        api.start();
        CamelContext camel = new DefaultCamelContext();
        try {
            camel.getPropertiesComponent()
                    .addInitialProperty(
                            "local.server.port", String.valueOf(api.getAddress().getPort()));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // stands in for routes/demo.yaml's camera, started by the simulator after its push
                    from("timer:camera?period=60000")
                            .routeId("station-1-camera")
                            .autoStartup(false)
                            .log("camera");
                }
            });
            camel.start();
            RouteFileLoader loader = new RouteFileLoader(camel);
            assertThat(loader.load(Path.of("routes/demo-mes-simulator.yaml")).loaded())
                    .isTrue();

            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            camel.getRouteController().getRouteStatus("station-1-camera") == ServiceStatus.Started);
            assertThat(calls.get()).as("the unanswered push and its retry").isEqualTo(2);
            assertThat(bodies.get(1)).as("the same push sent again").isEqualTo(bodies.get(0));
            assertThat(bodies.get(0)).contains("\"line\":\"line-1\"").contains("\"productionOrder\":\"PO");
        } finally {
            release.countDown();
            camel.stop();
            api.stop(0);
        }
    }
}
