package io.visionhub.vision.gige;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.images.FileImageStore;
import io.visionhub.vision.Frame;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code gige://} source of the vision component against Aravis' in-process fake camera: routes as integrators
 * write them (YAML), GenICam features from the source URI, stream counters as metrics, every pixel format the fake
 * camera streams, and PLC-triggered capture with a software trigger: exactly one exposure per part.
 */
class GigeVisionSourceTest {

    @TempDir
    static Path modelDir;

    @TempDir
    Path imagesDir;

    @TempDir
    Path cardModel;

    CamelContext camel;
    MeterRegistry meters;
    FileImageStore store;

    @BeforeAll
    static void teach() {
        Assumptions.assumeTrue(Aravis.available(), Aravis::unavailableReason);
        SimulatedPartGenerator gen = new SimulatedPartGenerator(3, 0.0);
        new AnomalyTeacher()
                .teach(
                        LongStream.range(0, 8)
                                .mapToObj(i -> gen.good(i).image())
                                .toList(),
                        AnomalyTeacher.Spec.of("gige-test", "1"),
                        modelDir);
    }

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        meters = new SimpleMeterRegistry();
        VisionComponent vision = new VisionComponent();
        vision.setMeterRegistry(meters);
        store = new FileImageStore(imagesDir);
        vision.setImageStore(store);
        camel.addComponent("vision", vision);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void aYamlRouteReadsTheFakeCameraWithFeaturesFromTheSourceAndCountsItsStream() throws Exception {
        String yaml = """
                - route:
                    id: gige-yaml
                    from:
                      uri: vision:gige-1
                      parameters:
                        source: "RAW(gige://Fake_1?PixelFormat=Mono16&Width=320&Height=240&ExposureTime=2000&AcquisitionFrameRate=20)"
                        model: "%s"
                      steps:
                        - to: mock:events
                """.formatted(modelDir);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("gige.yaml", yaml));
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        events.expectedMinimumMessageCount(3);
        camel.start();
        events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(60));
        InspectionEvent ev = events.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
        assertThat(EventSchema.problems(ev)).isEmpty();
        assertThat(ev.camera()).isEqualTo("gige-1");
        assertThat(ev.latency().triggerToExposureMs())
                .as("free running: no trigger")
                .isNull();
        // a 16-bit frame is stored (as JPEG, the default: scaled to 8 bits) and its size recorded
        assertThat(ev.image().width()).isEqualTo(320);
        assertThat(ImageIO.read(
                        new ByteArrayInputStream(store.get(ev.image().sha256()).orElseThrow())))
                .isNotNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> counter("visionhub.vision.gige.buffers", "completed") >= 3);
        assertThat(counter("visionhub.vision.gige.buffers", "failed")).isZero();
        assertThat(meters.find("visionhub.vision.gige.packets")
                        .tag("kind", "resent")
                        .functionCounter())
                .isNotNull();
    }

    @Test
    void featuresFromTheModelCardAreSetAndTheRoutesWinOverThem() throws Exception {
        // the card asks for 16-bit frames of 96x64; the route's source asks for 128 wide: the route wins
        Path model =
                copyOfModel("camera:\n  features: {PixelFormat: Mono16, Width: 96, Height: 64, ExposureTime: 1500}\n");
        String yaml = """
                - route:
                    id: gige-card
                    from:
                      uri: vision:gige-3
                      parameters:
                        source: "RAW(gige://Fake_1?Width=128)"
                        model: "%s"
                      steps:
                        - to: mock:events
                """.formatted(model);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("gige-card.yaml", yaml));
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        events.expectedMinimumMessageCount(1);
        camel.start();
        events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(60));
        InspectionEvent ev = events.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
        assertThat(ev.image().width())
                .as("Width: the route's 128, not the card's 96")
                .isEqualTo(128);
        assertThat(ev.image().height()).as("Height: from the card").isEqualTo(64);

        // the same through the source itself: the card's PixelFormat and ExposureTime reach the camera
        GigeFrameSource source = new GigeFrameSource(
                "fake",
                "gige://Fake_1?Width=128",
                10_000,
                1_000_000,
                null,
                ModelCard.read(model.resolve(ModelCard.CARD_FILE)).cameraFeatures(),
                "card");
        assertThat(source.cardFeatures()).containsOnlyKeys("PixelFormat", "Height", "ExposureTime");
        try (source) {
            source.open();
            Frame f = source.next();
            assertThat(f.image().getWidth()).isEqualTo(128);
            assertThat(f.image().getHeight()).isEqualTo(64);
            assertThat(f.image().getColorModel().getComponentSize(0))
                    .as("Mono16")
                    .isEqualTo(16);
        }
    }

    @Test
    void anUnknownFeatureInTheModelCardIsAClearErrorNamingItAndTheCard() {
        GigeFrameSource source = new GigeFrameSource(
                "fake",
                "gige://Fake_1?Width=64",
                10_000,
                1_000_000,
                null,
                java.util.Map.of("ExposureTimeBogus", "1200"),
                "models/bogus/model.yaml");
        try (source) {
            org.assertj.core.api.Assertions.assertThatThrownBy(source::open)
                    .isInstanceOf(GigeException.class)
                    .hasMessageContaining("ExposureTimeBogus")
                    .hasMessageContaining("model card models/bogus/model.yaml");
        }
    }

    /** The taught model in a folder of its own, with {@code extra} appended to its card. */
    private Path copyOfModel(String extra) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(cardModel.resolve("model"));
        try (var files = java.nio.file.Files.list(modelDir)) {
            for (Path f : files.toList()) {
                if (java.nio.file.Files.isRegularFile(f)) {
                    java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        Path card = dir.resolve(ModelCard.CARD_FILE);
        java.nio.file.Files.writeString(card, java.nio.file.Files.readString(card) + extra);
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mono8", "Mono16", "BayerRG8", "BayerGB8", "BayerGR8", "BayerBG8", "RGB8"})
    void everyPixelFormatTheFakeCameraStreamsIsConverted(String format) {
        GigeFrameSource source = new GigeFrameSource(
                "fake", "gige://Fake_1?PixelFormat=" + format + "&Width=64&Height=48", 10_000, 1_000_000, null);
        try (source) {
            source.open();
            Frame f = source.next();
            assertThat(f.image().getWidth()).isEqualTo(64);
            assertThat(f.image().getHeight()).isEqualTo(48);
            assertThat(f.image().getColorModel().getNumColorComponents()).isEqualTo(format.startsWith("Mono") ? 1 : 3);
            assertThat(f.captureTime()).isBefore(Instant.now().plusSeconds(1));
        }
    }

    @Test
    void triggersAreMatchedToTheirOwnFrames() throws Exception {
        // Aravis 0.8.26's in-process fake camera streams on in TriggerMode=On (GigeFakeGvCameraTest proves one frame
        // per trigger on the GV fake camera); here: each part gets a frame captured after its own trigger, in order
        String yaml = """
                - route:
                    id: gige-triggered
                    from:
                      uri: direct:trigger
                      steps:
                        - to:
                            uri: vision:gige-2
                            parameters:
                              triggered: true
                              source: "RAW(gige://Fake_1?PixelFormat=Mono8&Width=320&Height=240&TriggerSelector=FrameStart&TriggerMode=On&TriggerSource=Software)"
                              model: "%s"
                              storeImages: false
                """.formatted(modelDir);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("gige-triggered.yaml", yaml));
        camel.start();
        // the camera opens on the capture thread: triggers before that would have no camera to fire
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge("visionhub.vision.connected") == 1);
        ProducerTemplate t = camel.createProducerTemplate();
        List<InspectionEvent> got = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Instant at = Instant.now();
            PartTrigger trigger = new PartTrigger("gige-2", "P-" + i, i, at, at.plusSeconds(20));
            InspectionEvent ev = t.requestBody("direct:trigger", trigger, InspectionEvent.class);
            got.add(ev);
            assertThat(ev.partId()).isEqualTo("P-" + i);
            assertThat(EventSchema.problems(ev)).isEmpty();
            assertThat(ev.latency().triggerToExposureMs())
                    .as("trigger to exposure of P-" + i)
                    .isNotNull();
            assertThat(ev.latency().triggerToExposureMs()).isGreaterThanOrEqualTo(0.0);
            assertThat(ev.captureTime()).isAfterOrEqualTo(at);
        }
        assertThat(got).extracting(InspectionEvent::captureTime).isSorted();
    }

    private double counter(String name, String kind) {
        var search = meters.find(name);
        if (kind != null) {
            search = search.tag("kind", kind);
        }
        var c = search.functionCounter();
        return c == null ? -1 : c.count();
    }

    private double gauge(String name) {
        var g = meters.find(name).gauge();
        return g == null ? -1 : g.value();
    }
}
