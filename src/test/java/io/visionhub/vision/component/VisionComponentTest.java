package io.visionhub.vision.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.Defect;
import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionComponentTest {

    @TempDir
    static Path modelDir;

    @TempDir
    Path imagesDir;

    CamelContext camel;
    FileImageStore store;

    @BeforeAll
    static void teach() {
        TestModels.anomalyModel(modelDir, "component-test");
    }

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        store = new FileImageStore(imagesDir);
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(store);
        camel.addComponent("vision", vision);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void consumerEmitsSchemaValidEventsThatFlagTheSimulatorsDefectiveParts() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:station-1?source=sim&model=" + modelDir + "&line=line-1&fps=50&seed=11&defectRate=0.5")
                        .routeId("inspect")
                        .to("mock:events");
            }
        });
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        events.expectedMinimumMessageCount(12);
        camel.start();
        events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));

        SimulatedPartGenerator truth = new SimulatedPartGenerator(11, 0.5);
        int agree = 0;
        int defective = 0;
        List<InspectionEvent> received = events.getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(InspectionEvent.class))
                .toList();
        for (InspectionEvent ev : received) {
            assertThat(EventSchema.problems(ev))
                    .as("schema problems of %s", ev.id())
                    .isEmpty();
            assertThat(ev.station()).isEqualTo("station-1");
            assertThat(ev.camera()).isEqualTo("station-1");
            assertThat(ev.line()).isEqualTo("line-1");
            assertThat(ev.model().name()).isEqualTo("component-test");
            assertThat(ev.model().sha256()).matches("[0-9a-f]{64}");
            assertThat(ev.anomalyScore()).isNotNull();
            assertThat(ev.latency().totalMs()).isPositive();
            assertThat(store.get(ev.image().sha256())).isPresent();
            SimulatedPart part = truth.generate(Long.parseLong(ev.partId().substring(4)));
            boolean ng = ev.result() == InspectionEvent.Verdict.NG;
            if (!part.good()) {
                defective++;
                assertThat(ev.image().annotatedSha256())
                        .as("annotated copy of NG part %s", ev.partId())
                        .isNotNull();
            }
            if (ng == !part.good()) {
                agree++;
            }
        }
        assertThat(defective).isPositive();
        assertThat(agree)
                .as("verdicts agreeing with the ground truth of %d parts", received.size())
                .isGreaterThanOrEqualTo(received.size() - 1);
        assertThat(events.getReceivedExchanges().get(0).getIn().getHeader(VisionConstants.VERDICT))
                .isNotNull();
    }

    @Test
    void yamlRouteWithTheDemoUriEmitsEvents() throws Exception {
        String yaml = """
                - route:
                    id: demo-yaml
                    from:
                      uri: "vision:station-1?source=sim&model=%s&line=line-1&fps=20"
                      steps:
                        - to: "mock:yaml"
                """.formatted(modelDir);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("demo.yaml", yaml));
        MockEndpoint out = camel.getEndpoint("mock:yaml", MockEndpoint.class);
        out.expectedMinimumMessageCount(2);
        camel.start();
        out.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
        InspectionEvent ev = out.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
        assertThat(EventSchema.problems(ev)).isEmpty();
        assertThat(ev.partId()).startsWith("SIM-");
    }

    @Test
    void changedModelFilesAreSwappedInWithoutDroppingFrames(@TempDir Path swapDir) throws Exception {
        List<BufferedImage> good = TestModels.goodParts(3, 20);
        new AnomalyTeacher().teach(good, new AnomalyTeacher.Spec("swap", "1", 640, 480, 4, 0.03, 1.5), swapDir);
        ((VisionComponent) camel.getComponent("vision")).setModelWatchSeconds(1);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:station-5?source=sim&lossless=true&storeImages=false&fps=10&model=" + swapDir)
                        .routeId("swap")
                        .to("mock:swap");
            }
        });
        MockEndpoint out = camel.getEndpoint("mock:swap", MockEndpoint.class);
        camel.start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> out.getReceivedCounter() >= 5);
        new AnomalyTeacher().teach(good, new AnomalyTeacher.Spec("swap", "2", 640, 480, 4, 0.03, 1.6), swapDir);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> out.getReceivedExchanges().stream()
                                .filter(e -> "2"
                                        .equals(e.getIn()
                                                .getBody(InspectionEvent.class)
                                                .model()
                                                .version()))
                                .count()
                        >= 3);
        camel.getRouteController().stopRoute("swap");
        List<InspectionEvent> evs = out.getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(InspectionEvent.class))
                .toList();
        for (int i = 1; i < evs.size(); i++) {
            long prev = Long.parseLong(evs.get(i - 1).partId().substring(4));
            assertThat(Long.parseLong(evs.get(i).partId().substring(4)))
                    .as("frame after %s", prev)
                    .isEqualTo(prev + 1);
        }
        assertThat(evs.get(0).model().version()).isEqualTo("1");
        assertThat(evs.get(evs.size() - 1).model().sha256())
                .isNotEqualTo(evs.get(0).model().sha256());
    }

    @Test
    void producerInspectsImageBytesAndBoxesTheDefect() throws Exception {
        camel.start();
        ProducerTemplate template = camel.createProducerTemplate();
        SimulatedPart part = new SimulatedPartGenerator(5, 0).defective(77, SimulatedPart.SPOT);
        byte[] png = FrameInspector.encode(part.image(), "png");
        InspectionEvent ev = template.requestBodyAndHeader(
                "vision:station-2?model=" + modelDir, png, VisionConstants.PART_ID, "P-77", InspectionEvent.class);
        assertThat(EventSchema.problems(ev)).isEmpty();
        assertThat(ev.result()).isEqualTo(InspectionEvent.Verdict.NG);
        assertThat(ev.partId()).isEqualTo("P-77");
        assertThat(ev.image().sha256()).isEqualTo(FileImageStore.sha256(png));
        Defect.Box truth = part.defectBox();
        assertThat(ev.defects())
                .anySatisfy(d -> assertThat(overlap(d.box(), truth)).isTrue());

        SimulatedPart good = new SimulatedPartGenerator(5, 0).good(78);
        InspectionEvent ok = template.requestBody(
                "vision:station-2?model=" + modelDir,
                FrameInspector.encode(good.image(), "png"),
                InspectionEvent.class);
        assertThat(ok.result()).isEqualTo(InspectionEvent.Verdict.OK);
        assertThat(ok.defects()).isEmpty();
        assertThat(EventSchema.problems(ok)).isEmpty();
    }

    @Test
    void producerRejectsCorruptAndTruncatedImagesNamingTheCamera() throws Exception {
        camel.start();
        ProducerTemplate template = camel.createProducerTemplate();
        String uri = "vision:station-3?camera=cam-7&model=" + modelDir;
        assertThatThrownBy(() -> template.requestBody(uri, "not an image".getBytes()))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseInstanceOf(ModelException.class)
                .rootCause()
                .hasMessageContaining("cam-7")
                .hasMessageContaining("not a readable image");
        byte[] png =
                FrameInspector.encode(new SimulatedPartGenerator(1, 0).good(1).image(), "png");
        byte[] truncated = Arrays.copyOf(png, png.length / 3);
        assertThatThrownBy(() -> template.requestBody(uri, truncated))
                .cause()
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("cam-7");
        byte[] jpg =
                FrameInspector.encode(new SimulatedPartGenerator(1, 0).good(2).image(), "jpg");
        assertThatThrownBy(() -> template.requestBody(uri, Arrays.copyOf(jpg, jpg.length / 2)))
                .rootCause()
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("cam-7")
                .hasMessageContaining("truncated");
        assertThat(template.requestBody(uri, jpg, InspectionEvent.class).image().height())
                .isEqualTo(480);
        assertThatThrownBy(() -> template.requestBody(uri, new byte[0]))
                .rootCause()
                .hasMessageContaining("empty image");
        // still serving after bad input
        InspectionEvent ev = template.requestBody(uri, png, InspectionEvent.class);
        assertThat(ev.camera()).isEqualTo("cam-7");
    }

    @Test
    void missingModelFolderFailsWithAClearError() throws Exception {
        camel.start();
        ProducerTemplate template = camel.createProducerTemplate();
        assertThatThrownBy(
                        () -> template.requestBody("vision:station-4?model=" + modelDir.resolve("nope"), new byte[1]))
                .rootCause()
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("model card")
                .hasMessageContaining("does not exist");
    }

    static boolean overlap(Defect.Box a, Defect.Box b) {
        return a != null
                && b != null
                && a.x() < b.x() + b.width()
                && b.x() < a.x() + a.width()
                && a.y() < b.y() + b.height()
                && b.y() < a.y() + a.height();
    }
}
