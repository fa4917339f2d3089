package io.visionhub.vision.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.FrameRefusedException;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decode-ahead ({@code decodeAhead=true}): the next JPEG frame is decoded on its own thread while the current one is
 * inspected. The frames inspected, their order, their verdicts and the refusal of damaged frames are those of the
 * station without it; a decode made for a model that was swapped since is not used.
 */
class DecodeAheadTest {

    @TempDir
    static Path modelDir;

    static final SimulatedPartGenerator PARTS = new SimulatedPartGenerator(21, 0.5);

    @BeforeAll
    static void teach() {
        TestModels.anomalyModel(modelDir, "decode-ahead-test");
    }

    static byte[] jpeg(long part) {
        return FrameInspector.encode(PARTS.generate(part).image(), "jpg");
    }

    @Test
    void aStationWithDecodeAheadInspectsEveryFrameInOrderWithTheVerdictsOfOneWithoutAndRefusesDamagedOnes()
            throws Exception {
        // the camera's answers in order: good and defective parts, a JPEG cut off in transfer, bytes that are no image
        List<byte[]> answers = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            answers.add(jpeg(i));
        }
        byte[] truncated = Arrays.copyOf(jpeg(3), jpeg(3).length / 2);
        answers.add(4, truncated);
        answers.add(8, "not an image at all, but 200 OK".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int frames = answers.size();
        AtomicInteger served = new AtomicInteger();
        HttpServer camera = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        camera.createContext("/snapshot.jpg", ex -> {
            // the first request is the source's probe when it opens (its answer is not a frame); after the list the
            // last good frame again (the test counts only the first frames)
            int n = served.getAndIncrement() - 1;
            byte[] body = answers.get(Math.max(0, Math.min(n, frames - 1)));
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
            ex.close();
        });
        camera.start();
        DefaultCamelContext camel = new DefaultCamelContext();
        try {
            camel.addComponent("vision", new VisionComponent());
            String uri = "vision:ahead-1?source=snapshot:http://127.0.0.1:"
                    + camera.getAddress().getPort() + "/snapshot.jpg&model=" + modelDir
                    + "&lossless=true&decodeAhead=true&storeImages=false&fps=100";
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).routeId("ahead").to("mock:events");
                }
            });
            MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
            events.expectedMinimumMessageCount(frames);
            camel.start();
            events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(60));
            VisionConsumer consumer = (VisionConsumer) camel.getRoute("ahead").getConsumer();
            camel.getRouteController().stopRoute("ahead");

            List<InspectionEvent> got = events.getReceivedExchanges().stream()
                    .map(e -> e.getIn().getBody(InspectionEvent.class))
                    .toList()
                    .subList(0, frames);
            // the reference: the same bytes inspected one by one, decoded on the inspecting thread
            try (InspectionModel model = new ModelLoader().load(modelDir)) {
                FrameInspector plain = new FrameInspector(
                        "ahead-1", null, new ModelHandle(modelDir.toString(), model), null, false, "jpg", null);
                for (int i = 0; i < frames; i++) {
                    InspectionEvent ev = got.get(i);
                    if (i > 0) {
                        assertThat(ev.captureTime())
                                .as("frame %d in order", i)
                                .isAfter(got.get(i - 1).captureTime());
                    }
                    byte[] b = answers.get(i);
                    Frame f = new Frame("ahead-1", i, Instant.now(), null, b, null);
                    if (i == 4 || i == 8) {
                        assertThat(ev.result()).as("damaged frame %d", i).isEqualTo(InspectionEvent.Verdict.UNCERTAIN);
                        assertThat(ev.defects().get(0).defectClass()).isEqualTo("frame_corrupt");
                        assertThatThrownBy(() -> plain.inspect(f)).isInstanceOf(FrameRefusedException.class);
                        continue;
                    }
                    InspectionEvent ref = plain.inspect(f);
                    assertThat(ev.result()).as("verdict of frame %d", i).isEqualTo(ref.result());
                    assertThat(ev.anomalyScore()).as("score of frame %d", i).isEqualTo(ref.anomalyScore());
                    assertThat(ev.latency().decodeMs())
                            .as("decode time of frame %d", i)
                            .isPositive();
                    assertThat(ev.latency().totalMs())
                            .isGreaterThanOrEqualTo(ev.latency().decodeMs());
                }
            }
            assertThat(got.stream().filter(e -> e.result() == InspectionEvent.Verdict.NG))
                    .as("defective parts among the frames")
                    .isNotEmpty();
            CameraHealth health = consumer.health();
            assertThat(health.dropped()).as("lossless: nothing dropped").isZero();
            assertThat(health.inFlightMax())
                    .as("frames held at once: reader, handoff, decoded slot, inspected")
                    .isBetween(1, 4);
        } finally {
            camel.stop();
            camera.stop(0);
        }
    }

    @Test
    void aFrameDecodedAheadIsUsedOnlyForTheModelItWasDecodedForAndKeepsItsRefusal() throws Exception {
        InspectionModel first = new ModelLoader().load(modelDir);
        InspectionModel second = new ModelLoader().load(modelDir);
        ModelHandle handle = new ModelHandle(modelDir.toString(), first);
        try {
            FrameInspector inspector = new FrameInspector("s", null, handle, null, false, "jpg", null);
            Frame f = new Frame("cam", 1, Instant.now(), null, jpeg(5), null);
            FrameInspector.Prepared p = inspector.prepare(f);
            assertThat(p.error()).isNull();
            assertThat(p.decoded()).isNotNull();
            assertThat(p.decodedFor()).isSameAs(first);
            assertThat(p.input()).as("the model's input filled ahead too").isNotNull();
            InspectionEvent ahead = inspector.inspect(f, p);
            assertThat(ahead.latency().decodeMs()).isEqualTo(Math.max(0, Math.round(p.decodeMs() * 1000) / 1000.0));
            assertThat(ahead.latency().preprocessMs())
                    .as("the pre-processing done ahead is the one used")
                    .isEqualTo(Math.round(p.input().preprocessMs() * 1000) / 1000.0);
            assertThat(ahead.anomalyScore()).isEqualTo(inspector.inspect(f).anomalyScore());

            // the decode ahead is what the model sees: given another frame's pixels, it judges those
            Frame other = new Frame("cam", 2, Instant.now(), null, jpeg(6), null);
            double otherScore = inspector.inspect(other).anomalyScore();
            assertThat(otherScore).isNotEqualTo(ahead.anomalyScore());
            FrameInspector.Prepared swapped = new FrameInspector.Prepared(
                    f, first, inspector.prepare(other).decoded(), 1.0, null);
            assertThat(inspector.inspect(f, swapped).anomalyScore()).isEqualTo(otherScore);
            // another frame's decode is not used
            assertThat(inspector.inspect(other, p).anomalyScore()).isEqualTo(otherScore);

            // swapped model: a decode made for the old one is not used (the frame is decoded again)
            handle.swap(second);
            assertThat(inspector.inspect(f, swapped).anomalyScore()).isEqualTo(ahead.anomalyScore());

            // bad data: the refusal travels with the frame and is thrown where it is inspected
            byte[] cut = jpeg(7);
            Frame truncated = new Frame("cam", 3, Instant.now(), null, Arrays.copyOf(cut, cut.length - 40), null);
            FrameInspector.Prepared bad = inspector.prepare(truncated);
            assertThat(bad.error()).isInstanceOf(FrameRefusedException.class);
            assertThat(bad.decoded()).isNull();
            assertThatThrownBy(() -> inspector.inspect(truncated, bad))
                    .isInstanceOfSatisfying(
                            FrameRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(FrameRefusedException.Reason.CORRUPT));
            Frame empty = new Frame("cam", 4, Instant.now(), null, new byte[0], null);
            assertThatThrownBy(() -> inspector.inspect(empty, inspector.prepare(empty)))
                    .isInstanceOfSatisfying(
                            FrameRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(FrameRefusedException.Reason.EMPTY));

            // a frame that came as pixels passes through undecoded
            Frame pixels = new Frame("cam", 5, Instant.now(), PARTS.generate(5).image(), null, null);
            FrameInspector.Prepared px = inspector.prepare(pixels);
            assertThat(px.decoded()).isNull();
            assertThat(px.error()).isNull();
            assertThat(inspector.inspect(pixels, px).latency().decodeMs()).isZero();
        } finally {
            handle.close(); // the first model was closed by the swap
        }
    }

    @Test
    void theDecodedSlotHoldsOneFrameAndRefusesASecond() throws Exception {
        DecodedFrameSlot slot = new DecodedFrameSlot();
        assertThat(slot.awaitEmpty(1, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(slot.awaitFilled(1, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(slot.poll()).isNull();
        Frame f = new Frame("cam", 1, Instant.now(), null, new byte[] {1}, null);
        FrameInspector.Prepared p = new FrameInspector.Prepared(f, null, null, 0, null);
        slot.put(p);
        assertThat(slot.pending()).isOne();
        assertThat(slot.awaitEmpty(1, TimeUnit.MILLISECONDS)).isFalse();
        assertThatThrownBy(() -> slot.put(p)).isInstanceOf(IllegalStateException.class);
        assertThat(slot.awaitFilled(1, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(slot.poll()).isSameAs(p);
        assertThat(slot.pending()).isZero();
    }
}
