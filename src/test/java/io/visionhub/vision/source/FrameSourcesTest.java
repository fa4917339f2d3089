package io.visionhub.vision.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.vision.FfmpegEncoders;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.component.VisionConsumer;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameSourcesTest {

    @TempDir
    static Path modelDir;

    @TempDir
    Path dir;

    CamelContext camel;
    SimpleMeterRegistry meters;
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void teach() {
        new AnomalyTeacher().teach(TestModels.goodParts(4, 20), AnomalyTeacher.Spec.of("sources-test", "1"), modelDir);
    }

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        meters = new SimpleMeterRegistry();
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(new FileImageStore(dir.resolve("images")));
        vision.setMeterRegistry(meters);
        camel.addComponent("vision", vision);
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        camel.stop();
    }

    private MockEndpoint route(String id, String uri) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(id).to("mock:" + id);
            }
        });
        return camel.getEndpoint("mock:" + id, MockEndpoint.class);
    }

    @Test
    void imageFolderFilesAreInspectedOnceAndACorruptFileIsCountedRecordedAndNotFatal() throws Exception {
        Path drop = Files.createDirectories(dir.resolve("drop"));
        SimulatedPartGenerator gen = new SimulatedPartGenerator(8, 0);
        Files.write(
                drop.resolve("part-1.png"), FrameInspector.encode(gen.good(1).image(), "png"));
        Files.write(
                drop.resolve("part-2.png"),
                FrameInspector.encode(gen.defective(2, SimulatedPart.SPOT).image(), "png"));
        Files.write(drop.resolve("part-3.jpg"), "this is not a jpeg".getBytes());
        for (Path p : List.of(drop.resolve("part-1.png"), drop.resolve("part-2.png"), drop.resolve("part-3.jpg"))) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 5000));
        }
        MockEndpoint out = route(
                "folder", "vision:folder-station?camera=smartcam&source=folder:" + drop + "&fps=20&model=" + modelDir);
        out.expectedMessageCount(3);
        camel.start();
        out.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        VisionConsumer c = (VisionConsumer) camel.getRoute("folder").getConsumer();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.health().inspectionErrors() == 1);
        List<InspectionEvent> evs = out.getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(InspectionEvent.class))
                .toList();
        assertThat(evs).extracting(InspectionEvent::partId).containsExactlyInAnyOrder("part-1", "part-2", "part-3");
        // the corrupt file's part is recorded, not lost (RefusedFrameTest covers the ledger and oversized frames)
        assertThat(evs)
                .filteredOn(e -> e.partId().equals("part-3"))
                .singleElement()
                .satisfies(e -> assertThat(e.result()).isEqualTo(InspectionEvent.Verdict.UNCERTAIN));
        // filed once recorded, just after the route completes
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(drop.resolve(".rejected/part-3.jpg")));
        assertThat(evs)
                .filteredOn(e -> e.partId().equals("part-2"))
                .singleElement()
                .satisfies(e -> assertThat(e.result()).isEqualTo(InspectionEvent.Verdict.NG));
        assertThat(evs).allSatisfy(e -> assertThat(EventSchema.problems(e)).isEmpty());
        // a folder camera's files are decoded by the source (to sort bad ones into .rejected/), not in the latency
        assertThat(evs).allSatisfy(e -> assertThat(e.latency().decodeMs()).isNotNegative());
        assertThat(c.health().lastError()).contains("smartcam").contains("not a readable image");
        assertThat(meters.get("visionhub.vision.errors")
                        .tag("kind", "inspection")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(drop.resolve(".inspected/part-1.png")));
        assertThat(drop.resolve("part-1.png")).doesNotExist();

        // still running after the bad file
        Path late = drop.resolve("part-4.png");
        Files.write(late, FrameInspector.encode(gen.good(4).image(), "png"));
        Files.setLastModifiedTime(late, FileTime.fromMillis(System.currentTimeMillis() - 5000));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.getReceivedCounter() == 4);
    }

    @Test
    void aFolderFileWhoseRecordFailedStaysInTheFolderAndIsReadAgainAtTheNextStart() throws Exception {
        Path drop = Files.createDirectories(dir.resolve("drop"));
        SimulatedPartGenerator gen = new SimulatedPartGenerator(8, 0);
        for (int i = 1; i <= 2; i++) {
            Path p = drop.resolve("part-" + i + ".png");
            Files.write(p, FrameInspector.encode(gen.good(i).image(), "png"));
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 5000));
        }
        java.util.concurrent.atomic.AtomicBoolean ledgerDown = new java.util.concurrent.atomic.AtomicBoolean(true);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("vision:folder-station?camera=smartcam&source=folder:" + drop + "&fps=20&model=" + modelDir)
                        .routeId("folder")
                        .process(e -> {
                            // the record of part-1 fails (a ledger that refuses), part-2's goes through
                            String part =
                                    e.getIn().getBody(InspectionEvent.class).partId();
                            if (ledgerDown.get() && part.equals("part-1")) {
                                throw new IllegalStateException("ledger refused the record of " + part);
                            }
                        })
                        .to("mock:recorded");
            }
        });
        MockEndpoint recorded = camel.getEndpoint("mock:recorded", MockEndpoint.class);
        camel.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(drop.resolve(".inspected/part-2.png")));
        VisionConsumer c = (VisionConsumer) camel.getRoute("folder").getConsumer();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.health().inspected() >= 2);
        // not recorded: not filed as inspected (FolderFrameSource offers it again a few seconds later)
        Thread.sleep(500);
        assertThat(drop.resolve("part-1.png")).exists();
        assertThat(drop.resolve(".inspected/part-1.png")).doesNotExist();
        assertThat(recorded.getReceivedExchanges())
                .extracting(e -> e.getIn().getBody(InspectionEvent.class).partId())
                .containsExactly("part-2");

        // the camera starts again (hub restarted) with the ledger back: part-1 is read again and recorded
        ledgerDown.set(false);
        camel.getRouteController().stopRoute("folder");
        camel.getRouteController().startRoute("folder");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(drop.resolve(".inspected/part-1.png")));
        assertThat(recorded.getReceivedExchanges())
                .extracting(e -> e.getIn().getBody(InspectionEvent.class).partId())
                .containsExactly("part-2", "part-1");
    }

    @Test
    void streamThatNeverOpensIsRetriedWithBackoffCountedAndReported() throws Exception {
        int port = RtspReconnectTest.freePort();
        MockEndpoint out = route(
                "dead",
                "vision:dead-station?camera=cam-dead&source=rtsp://127.0.0.1:" + port
                        + "/nothing&readTimeout=500&reconnectDelay=50&reconnectMaxDelay=200&model=" + modelDir);
        camel.start();
        VisionConsumer c = (VisionConsumer) camel.getRoute("dead").getConsumer();
        await().atMost(Duration.ofSeconds(30)).until(() -> c.health().sourceErrors() >= 3);
        assertThat(c.health().connected()).isFalse();
        assertThat(c.health().lastError()).contains("cam-dead").contains("cannot open");
        assertThat(meters.get("visionhub.vision.errors")
                        .tag("kind", "source")
                        .tag("camera", "cam-dead")
                        .functionCounter()
                        .count())
                .isGreaterThanOrEqualTo(3);
        assertThat(camel.getRouteController().getRouteStatus("dead").isStarted())
                .isTrue();
        assertThat(out.getReceivedCounter()).isZero();
    }

    @Test
    void httpMjpegStreamFromARealFfmpegServerIsInspected() throws Exception {
        Assumptions.assumeTrue(FfmpegEncoders.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        int port = RtspReconnectTest.freePort();
        String url = "http://127.0.0.1:" + port + "/cam.mjpg";
        List<String> server = FfmpegEncoders.testPattern("640x480", 10);
        server.addAll(List.of("-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1", url));
        processes.add(new ProcessBuilder(server)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ffmpeg.log").toFile())
                .start());
        MockEndpoint out = route(
                "mjpeg",
                "vision:mjpeg-station?source=" + url
                        + "&readTimeout=3000&reconnectDelay=100&reconnectMaxDelay=300&storeImages=false&model="
                        + modelDir);
        camel.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> out.getReceivedCounter() >= 5);
        InspectionEvent ev = out.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
        assertThat(EventSchema.problems(ev)).isEmpty();
    }

    @Test
    void videoFileIsPlayedToTheEndAtItsFrameRate() throws Exception {
        Assumptions.assumeTrue(FfmpegEncoders.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        Path video = dir.resolve("parts.mp4");
        Process p = new ProcessBuilder(
                        "ffmpeg",
                        "-hide_banner",
                        "-loglevel",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=640x480:rate=10:duration=2",
                        "-c:v",
                        "mpeg4",
                        "-q:v",
                        "5",
                        video.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ffmpeg.log").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        MockEndpoint out =
                route("video", "vision:video-station?source=" + video + "&storeImages=false&model=" + modelDir);
        camel.start();
        VisionConsumer c = (VisionConsumer) camel.getRoute("video").getConsumer();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> c.health().framesRead() == 20 && !c.health().connected());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> out.getReceivedCounter() + c.health().dropped() == 20);
        assertThat(out.getReceivedCounter()).isGreaterThan(10);
    }
}
