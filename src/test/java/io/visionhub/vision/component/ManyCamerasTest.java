package io.visionhub.vision.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.FfmpegEncoders;
import io.visionhub.vision.VisionHealthIndicator;
import io.visionhub.vision.YoloShapedDetector;
import io.visionhub.vision.gige.Aravis;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight cameras on one hub with a deliberately slow model (a YOLO-shaped detector, tens of ms per frame on a small
 * box) and one inspection slot, so that the CPU cannot keep up: two RTSP streams pushed by real FFmpeg encoders,
 * two of Aravis' in-process fake GigE cameras (simulated ones where Aravis is not installed), three simulated
 * cameras at 10 fps and one image folder. Deterministic: the test holds the only slot itself while
 * the cameras read (every camera's drops pile up and are reported, each camera holds at most its newest frame), then
 * lets go with all eight cameras waiting: the first eight inspections go to eight different cameras, every camera
 * is inspected again, and per camera the frames read add up to inspected + dropped + in flight.
 */
class ManyCamerasTest {

    static final int SIM = 5;
    /** Aravis' in-process fake GigE cameras (640x480 Mono8 at 10 fps), in place of as many simulated ones. */
    static final int GIGE = 2;

    static final String GIGE_SOURCE =
            "source=RAW(gige://Fake_1?PixelFormat=Mono8&Width=640&Height=480&AcquisitionFrameRate=10)"
                    + "&reconnectDelay=100";
    static final int RTSP = 2;
    static final int FOLDER_IMAGES = 6;

    @TempDir
    Path dir;

    CamelContext camel;
    FfmpegEncoders encoders;

    @AfterEach
    void stop() {
        if (encoders != null) {
            encoders.close();
        }
        if (camel != null) {
            camel.stop();
        }
    }

    record Inspected(String camera, Instant at) {}

    @Test
    void eightCamerasWithASlowModelTakeTurnsReportTheirDropsAndHoldAtMostTheirNewestFrame() throws Exception {
        Assumptions.assumeTrue(FfmpegEncoders.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        encoders = new FfmpegEncoders(dir);
        Path model = YoloShapedDetector.write(dir.resolve("slow-model"));
        Path folder = Files.createDirectories(dir.resolve("drop"));
        SimulatedPartGenerator parts = new SimulatedPartGenerator(5, 0.3);
        for (int i = 0; i < FOLDER_IMAGES; i++) {
            Path f = folder.resolve("part-" + i + ".png");
            ImageIO.write(parts.generate(i).image(), "png", f.toFile());
            // older than the folder source's half-second settling time, so it is taken at once
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
        }

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        VisionComponent vision = new VisionComponent();
        vision.setMeterRegistry(registry);
        vision.setMaxConcurrentInspections(1);
        vision.setWarmupRuns(0);
        vision.setModelWatchSeconds(0);
        camel = new DefaultCamelContext();
        camel.addComponent("vision", vision);

        Map<String, String> sources = new LinkedHashMap<>();
        // where Aravis is installed (.ci/run installs it) two of the cameras are fake GigE Vision cameras
        int gige = Aravis.available() ? GIGE : 0;
        for (int i = 0; i < SIM - gige; i++) {
            sources.put("sim-" + i, "source=sim&fps=10&seed=" + (100 + i));
        }
        for (int i = 0; i < gige; i++) {
            sources.put("gige-" + i, GIGE_SOURCE);
        }
        List<String> rtspUrls = new ArrayList<>();
        for (int i = 0; i < RTSP; i++) {
            String url = "rtsp://127.0.0.1:" + FfmpegEncoders.freePort() + "/cam" + i;
            rtspUrls.add(url);
            sources.put(
                    "rtsp-" + i,
                    "source=" + url + "&rtspListen=true&readTimeout=5000&reconnectDelay=100&reconnectMaxDelay=500");
        }
        sources.put("folder-0", "source=folder:" + folder + "&fps=10");
        List<Inspected> inspected = new CopyOnWriteArrayList<>();
        Map<String, AtomicLong> events = new ConcurrentHashMap<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                sources.forEach((camera, source) -> from("vision:" + camera + "?" + source + "&storeImages=false&model="
                                + model)
                        .routeId(camera)
                        .process(e -> {
                            InspectionEvent ev = e.getIn().getBody(InspectionEvent.class);
                            inspected.add(new Inspected(ev.camera(), ev.inferenceTime()));
                            events.computeIfAbsent(ev.camera(), k -> new AtomicLong())
                                    .incrementAndGet();
                        }));
            }
        });

        // the test takes the only inspection slot: the cameras read, nobody inspects
        InspectionGate gate = vision.inspectionGate();
        gate.acquire();
        camel.start();
        Map<String, VisionConsumer> cams = new LinkedHashMap<>();
        sources.keySet()
                .forEach(c -> cams.put(c, (VisionConsumer) camel.getRoute(c).getConsumer()));
        Process[] pushing = new Process[RTSP];
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    for (int i = 0; i < RTSP; i++) {
                        // the hub may not be listening yet: an encoder that gave up is started again
                        if (pushing[i] == null || !pushing[i].isAlive()) {
                            pushing[i] = encoders.push(rtspUrls.get(i), "640x480", 10, "mpeg4");
                        }
                    }
                    return cams.entrySet().stream()
                                    .allMatch(c -> c.getValue().health().framesRead()
                                            >= (c.getKey().startsWith("folder") ? 2 : 5))
                            && gate.waiting() == cams.size();
                });

        for (var c : cams.entrySet()) {
            CameraHealth h = c.getValue().health();
            assertThat(h.inspected()).as(c.getKey()).isZero();
            assertThat(h.inFlightMax()).as(c.getKey() + " frames held at once").isLessThanOrEqualTo(3);
            double droppedMetric = registry.get("visionhub.vision.frames.dropped")
                    .tag("camera", c.getKey())
                    .functionCounter()
                    .count();
            if (c.getKey().startsWith("folder")) {
                // every file is a part: the folder waits instead of dropping
                assertThat(h.dropped()).as(c.getKey()).isZero();
                assertThat(droppedMetric).isZero();
            } else {
                // read >= 5 with nothing inspected: all but the newest one or two were dropped, and counted
                assertThat(h.dropped()).as(c.getKey()).isGreaterThanOrEqualTo(3);
                assertThat(droppedMetric).as(c.getKey()).isGreaterThanOrEqualTo(3);
            }
        }
        // health (the REST view of /actuator/health) reports drops and frames in flight per camera
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> health = (Map<String, Map<String, Object>>)
                new VisionHealthIndicator(() -> camel).health().getDetails().get("cameras");
        assertThat(health).containsOnlyKeys(cams.keySet());
        assertThat(((Number) health.get("sim-0").get("dropped")).longValue()).isGreaterThanOrEqualTo(3);
        assertThat(((Number) health.get("sim-0").get("inFlight")).intValue()).isBetween(1, 3);
        // let go with all eight waiting: first come, first served
        gate.release();
        await().atMost(Duration.ofSeconds(180))
                .until(() -> cams.keySet().stream()
                        .allMatch(c -> events.getOrDefault(c, new AtomicLong()).get() >= 2));
        // one slot: inspections ran one after another, in the order of their inference times
        List<String> firstRound = inspected.stream()
                .sorted(Comparator.comparing(Inspected::at))
                .limit(cams.size())
                .map(Inspected::camera)
                .toList();
        assertThat(firstRound).as("the first eight inspections").containsExactlyInAnyOrderElementsOf(cams.keySet());
        assertThat(gate.activeMax()).isEqualTo(1);

        // stop the cameras; then per camera every frame read is accounted for
        for (VisionConsumer c : cams.values()) {
            c.stop();
        }
        for (var c : cams.entrySet()) {
            CameraHealth h = c.getValue().health();
            String name = c.getKey();
            assertThat(h.inspectionErrors()).as(name).isZero();
            assertThat(h.inspected()).as(name).isEqualTo(events.get(name).get());
            assertThat(h.inFlightMax()).as(name + " frames held at once").isLessThanOrEqualTo(3);
            // after stop only the frame left in the handoff (and, for the folder, one waiting to be put) remains
            assertThat(h.inFlight()).as(name).isBetween(0, name.startsWith("folder") ? 2 : 1);
            assertThat(h.framesRead())
                    .as(name + ": read = inspected + dropped + in flight")
                    .isEqualTo(events.get(name).get() + h.dropped() + h.inFlight());
        }
        assertThat(events.get("folder-0").get() + cams.get("folder-0").health().inFlight())
                .as("every file of the folder is inspected or still held")
                .isLessThanOrEqualTo(FOLDER_IMAGES);
    }
}
