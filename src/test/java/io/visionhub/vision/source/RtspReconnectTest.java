package io.visionhub.vision.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.vision.FfmpegEncoders;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.component.VisionConsumer;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real FFmpeg pushes an RTSP stream (RECORD) to the hub's listening source; the encoder is killed
 * mid-stream and restarted: the hub reconnects and goes on emitting events.
 */
class RtspReconnectTest {

    @TempDir
    Path dir;

    CamelContext camel;
    FfmpegEncoders encoders;

    @BeforeEach
    void newEncoders() {
        encoders = new FfmpegEncoders(dir);
    }

    @AfterEach
    void stop() {
        encoders.close();
        if (camel != null) {
            camel.stop();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts an encoder pushing a test pattern; the caller retries while the hub is not yet listening. */
    Process push(String url) throws IOException {
        return encoders.push(url, "320x240", 10, "mpeg4");
    }

    /** Keeps (re)starting the encoder until the hub has taken more than {@code count} events. */
    void pushUntil(String url, MockEndpoint out, int count) {
        Process[] current = {null};
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    if (current[0] == null || !current[0].isAlive()) {
                        current[0] = push(url);
                    }
                    return out.getReceivedCounter() > count;
                });
    }

    @Test
    void hubReconnectsWhenTheStreamStopsMidwayAndRestarts() throws Exception {
        Assumptions.assumeTrue(FfmpegEncoders.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        Path model = dir.resolve("model");
        new AnomalyTeacher().teach(TestModels.goodParts(1, 5), AnomalyTeacher.Spec.of("rtsp-test", "1"), model);
        int port = freePort();
        String url = "rtsp://127.0.0.1:" + port + "/live";

        camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(new FileImageStore(dir.resolve("images")));
        camel.addComponent("vision", vision);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:rtsp-station?camera=cam-rtsp&source=" + url + "&rtspListen=true&readTimeout=3000"
                                + "&reconnectDelay=100&reconnectMaxDelay=500&storeImages=false&model=" + model)
                        .routeId("rtsp")
                        .to("mock:rtsp");
            }
        });
        MockEndpoint out = camel.getEndpoint("mock:rtsp", MockEndpoint.class);
        camel.start();
        VisionConsumer consumer = (VisionConsumer) camel.getRoute("rtsp").getConsumer();

        pushUntil(url, out, 5);
        assertThat(consumer.health().reconnects()).isZero();

        // the encoder dies mid-stream
        encoders.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> !consumer.health().connected());
        int before = out.getReceivedCounter();

        // and comes back: the hub reopens the stream and goes on
        pushUntil(url, out, before + 5);
        assertThat(consumer.health().reconnects()).isGreaterThanOrEqualTo(1);
        assertThat(consumer.health().sourceErrors()).isGreaterThanOrEqualTo(1);
        InspectionEvent last = out.getReceivedExchanges()
                .get(out.getReceivedCounter() - 1)
                .getIn()
                .getBody(InspectionEvent.class);
        assertThat(last.camera()).isEqualTo("cam-rtsp");
        assertThat(EventSchema.problems(last)).isEmpty();
        System.out.printf(
                "RtspReconnectTest: %d events, %d reconnects, %d source errors, %d dropped%n",
                out.getReceivedCounter(),
                consumer.health().reconnects(),
                consumer.health().sourceErrors(),
                consumer.health().dropped());
    }

    @Test
    void anEncoderThatConnectsAndGoesSilentMidHandshakeIsGivenUpAndTheNextOneGetsThrough() throws Exception {
        Assumptions.assumeTrue(FfmpegEncoders.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        Path model = dir.resolve("model");
        new AnomalyTeacher().teach(TestModels.goodParts(1, 5), AnomalyTeacher.Spec.of("rtsp-test", "1"), model);
        int port = freePort();
        String url = "rtsp://127.0.0.1:" + port + "/live";

        camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        camel.addComponent("vision", vision);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:rtsp-silent?source=" + url + "&rtspListen=true&readTimeout=5000"
                                + "&reconnectDelay=100&reconnectMaxDelay=500&storeImages=false&model=" + model)
                        .routeId("rtsp-silent")
                        .to("mock:silent");
            }
        });
        MockEndpoint out = camel.getEndpoint("mock:silent", MockEndpoint.class);
        camel.start();
        VisionConsumer consumer = (VisionConsumer) camel.getRoute("rtsp-silent").getConsumer();

        // a client reaches the listening hub first, starts the handshake and says no more (an encoder that hung)
        java.net.Socket[] silent = {null};
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                    s.getOutputStream()
                            .write(("OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\n")
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    silent[0] = s;
                    return true;
                });
        try (java.net.Socket held = silent[0]) {
            // (held open to the end: the silent client never leaves by itself)
            // the hub gives up on it after readTimeout and listens again: a real encoder then gets through
            // (before, the hub waited on the silent client for good and every encoder was refused)
            pushUntil(url, out, 3);
            assertThat(consumer.health().sourceErrors()).isGreaterThanOrEqualTo(1);
            InspectionEvent first = out.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
            assertThat(EventSchema.problems(first)).isEmpty();
            assertThat(first.camera()).isEqualTo("rtsp-silent");
        }
    }
}
