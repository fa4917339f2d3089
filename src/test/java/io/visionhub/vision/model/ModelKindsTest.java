package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each model kind with a real ONNX Runtime session on graphs built by the project's ONNX writer. */
class ModelKindsTest {

    static final String[] DEFECTS = {SimulatedPart.SCRATCH, SimulatedPart.SPOT, SimulatedPart.MISSING_FEATURE};

    @TempDir
    static Path dir;

    static List<BufferedImage> good;

    @BeforeAll
    static void goodParts() {
        good = TestModels.goodParts(21, 20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yolov8", "yolov5"})
    void detectorBoxesLandOnTheDefectsTheGeneratorDrew(String layout) throws Exception {
        Path d = TestModels.detector(Files.createDirectories(dir.resolve(layout)), layout, good);
        SimulatedPartGenerator gen = new SimulatedPartGenerator(77, 0);
        int hits = 0;
        int falseNg = 0;
        try (InspectionModel model = new ModelLoader().load(d)) {
            assertThat(model.ref().kind()).isEqualTo("detect");
            for (int i = 0; i < 15; i++) {
                SimulatedPart part = gen.defective(500 + i, DEFECTS[i % 3]);
                ModelVerdict v = model.inspect(part.image());
                if (v.result() == Verdict.NG
                        && v.defects().stream()
                                .anyMatch(
                                        x -> x.defectClass().equals("defect") && overlaps(x.box(), part.defectBox()))) {
                    hits++;
                }
                for (Defect x : v.defects()) {
                    assertThat(x.box().x() + x.box().width()).isLessThanOrEqualTo(640);
                    assertThat(x.box().y() + x.box().height()).isLessThanOrEqualTo(480);
                }
            }
            for (int i = 0; i < 10; i++) {
                if (model.inspect(gen.good(900 + i).image()).result() == Verdict.NG) {
                    falseNg++;
                }
            }
        }
        System.out.printf(
                "ModelKindsTest %s detector: %d/15 defects boxed, %d/10 good parts called NG%n", layout, hits, falseNg);
        assertThat(hits).isGreaterThanOrEqualTo(13);
        assertThat(falseNg).isLessThanOrEqualTo(1);
    }

    @Test
    void detectionsOutsideTheRegionsOfInterestAreIgnored() throws Exception {
        Path d = TestModels.detector(Files.createDirectories(dir.resolve("roi")), "yolov8", good);
        SimulatedPart part = new SimulatedPartGenerator(77, 0).defective(501, SimulatedPart.SPOT);
        Defect.Box b = part.defectBox();
        String card = Files.readString(d.resolve("model.yaml"));
        // a region far from the defect: nothing left, part OK
        int farX = b.x() < 320 ? 500 : 0;
        Files.writeString(
                d.resolve("model.yaml"), card + "roi:\n- {name: far, x: " + farX + ", y: 0, width: 100, height: 60}\n");
        try (InspectionModel model = new ModelLoader().load(d)) {
            ModelVerdict v = model.inspect(part.image());
            assertThat(v.result()).isEqualTo(Verdict.OK);
            assertThat(v.defects()).isEmpty();
        }
        // a region around the defect: found
        Files.writeString(
                d.resolve("model.yaml"),
                card + "roi:\n- {name: plate, x: " + (b.x() - 30) + ", y: " + (b.y() - 30) + ", width: "
                        + (b.width() + 60) + ", height: " + (b.height() + 60) + "}\n");
        try (InspectionModel model = new ModelLoader().load(d)) {
            assertThat(model.inspect(part.image()).result()).isEqualTo(Verdict.NG);
        }
    }

    @Test
    void classNamesComeFromTheExportsMetadataWhenTheCardHasNone() throws Exception {
        Path d = TestModels.detector(Files.createDirectories(dir.resolve("names")), "yolov8", good);
        String card = Files.readString(d.resolve("model.yaml")).replaceAll("(?m)^classes:\\n(- .*\\n)+", "");
        assertThat(card).doesNotContain("- dust");
        Files.writeString(d.resolve("model.yaml"), card);
        SimulatedPart part = new SimulatedPartGenerator(77, 0).defective(503, SimulatedPart.SCRATCH);
        try (InspectionModel model = new ModelLoader().load(d)) {
            assertThat(model.inspect(part.image()).defects())
                    .isNotEmpty()
                    .allSatisfy(x -> assertThat(x.defectClass()).isEqualTo("defect"));
        }
        // the minimal card of an Ultralytics export
        Files.writeString(
                d.resolve("model.yaml"), "name: minimal\nversion: 1\nkind: detect\ninput: {width: 640, height: 640}\n");
        try (InspectionModel model = new ModelLoader().load(d)) {
            ModelVerdict v = model.inspect(part.image());
            assertThat(v.result()).isEqualTo(Verdict.NG);
            assertThat(v.defects())
                    .anySatisfy(
                            x -> assertThat(overlaps(x.box(), part.defectBox())).isTrue());
        }
        // no names anywhere: a clear error
        Path c = TestModels.classifier(Files.createDirectories(dir.resolve("nonames")), good);
        Files.writeString(
                c.resolve("model.yaml"),
                Files.readString(c.resolve("model.yaml")).replaceAll("(?m)^classes:\\n(- .*\\n)+", ""));
        assertThatThrownBy(() -> new ModelLoader().load(c))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no 'names' metadata");
    }

    @Test
    void classifierSeparatesDefectiveFromGoodParts() throws Exception {
        Path d = TestModels.classifier(Files.createDirectories(dir.resolve("cls")), good);
        SimulatedPartGenerator gen = new SimulatedPartGenerator(78, 0);
        int right = 0;
        try (InspectionModel model = new ModelLoader().load(d)) {
            for (int i = 0; i < 12; i++) {
                ModelVerdict v = model.inspect(gen.defective(i, DEFECTS[i % 3]).image());
                if (v.result() == Verdict.NG) {
                    right++;
                    assertThat(v.defects())
                            .singleElement()
                            .satisfies(x -> assertThat(x.defectClass()).isEqualTo("defect"));
                }
                if (model.inspect(gen.good(100 + i).image()).result() == Verdict.OK) {
                    right++;
                }
            }
        }
        System.out.printf("ModelKindsTest classifier: %d/24 right%n", right);
        assertThat(right).isGreaterThanOrEqualTo(21);
    }

    @Test
    void resultsCloseBelowTheThresholdAreUncertainWhenTheCardHasABand() throws Exception {
        SimulatedPart part = new SimulatedPartGenerator(77, 0).defective(502, SimulatedPart.SPOT);
        // detector: the spot scores ~1; a class threshold above it with a wide band makes it UNCERTAIN
        Path d = TestModels.detector(Files.createDirectories(dir.resolve("band")), "yolov8", good);
        String card = Files.readString(d.resolve("model.yaml")).replace("default: 0.5", "default: 0.9999999");
        Files.writeString(d.resolve("model.yaml"), card + "uncertainBand: 0.5\n");
        try (InspectionModel model = new ModelLoader().load(d)) {
            ModelVerdict v = model.inspect(part.image());
            assertThat(v.result()).isEqualTo(Verdict.UNCERTAIN);
            assertThat(v.defects())
                    .anySatisfy(
                            x -> assertThat(overlaps(x.box(), part.defectBox())).isTrue());
            assertThat(model.inspect(good.get(0)).result()).isEqualTo(Verdict.OK);
        }
        // anomaly: a threshold just above the part's score, band 30%
        Path a = Files.createDirectories(dir.resolve("band-anomaly"));
        AnomalyTeacher.Result taught = new AnomalyTeacher().teach(good, AnomalyTeacher.Spec.of("band", "1"), a);
        double score;
        try (InspectionModel model = new ModelLoader().load(a)) {
            score = model.inspect(part.image()).anomalyScore();
        }
        String yaml = Files.readString(a.resolve("model.yaml"))
                .replace("threshold: " + taught.threshold(), "threshold: " + score * 1.1);
        Files.writeString(a.resolve("model.yaml"), yaml + "uncertainBand: 0.3\n");
        try (InspectionModel model = new ModelLoader().load(a)) {
            ModelVerdict v = model.inspect(part.image());
            assertThat(v.result()).isEqualTo(Verdict.UNCERTAIN);
            assertThat(v.defects())
                    .anySatisfy(
                            x -> assertThat(overlaps(x.box(), part.defectBox())).isTrue());
        }
    }

    @Test
    void cudaAskedForWithoutTheGpuBuildFallsBackToCpuAndStillInspects() throws Exception {
        Path d = TestModels.classifier(Files.createDirectories(dir.resolve("cuda")), good);
        SessionTuning cuda = new SessionTuning(2, 1, false, "extended", 1, true, 0);
        try (InspectionModel m = new ModelLoader(cuda).load(d)) {
            assertThat(m.inspect(good.get(0)).result()).isEqualTo(Verdict.OK);
        }
    }

    @Test
    void nanOutputsAreRefusedNamingTheModel() throws Exception {
        Path d = TestModels.nanClassifier(Files.createDirectories(dir.resolve("nan")));
        assertThatThrownBy(() -> new ModelLoader().load(d))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("nan-classifier")
                .hasMessageContaining("NaN");
        ModelLoader noWarmup = new ModelLoader(new SessionTuning(1, 1, false, "all", 0, false, 0));
        try (InspectionModel m = noWarmup.load(d)) {
            assertThatThrownBy(() -> m.inspect(good.get(0)))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("NaN");
        }
    }

    @Test
    void outputsNotMatchingTheCardAreRefusedAtLoad() throws Exception {
        Path d = TestModels.detector(Files.createDirectories(dir.resolve("mismatch")), "yolov8", good);
        String card = Files.readString(d.resolve("model.yaml")).replace("- dust", "- dust\n- burr");
        Files.writeString(d.resolve("model.yaml"), card);
        assertThatThrownBy(() -> new ModelLoader().load(d))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("does not match layout yolov8 with 3 classes");
    }

    @Test
    void inputChannelsNotMatchingTheCardAreRefusedAtLoad() throws Exception {
        Path d = TestModels.detector(Files.createDirectories(dir.resolve("channels")), "yolov8", good);
        String card = Files.readString(d.resolve("model.yaml")).replace("channels: 3", "channels: 1");
        Files.writeString(d.resolve("model.yaml"), card);
        assertThatThrownBy(() -> new ModelLoader().load(d))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("but the card says [1, 1, 640, 640]");
    }

    @Test
    void corruptOrMissingModelFilesGetClearErrors() throws Exception {
        Path d = TestModels.classifier(Files.createDirectories(dir.resolve("corrupt")), good);
        byte[] onnx = Files.readAllBytes(d.resolve("model.onnx"));
        Files.write(d.resolve("model.onnx"), Arrays.copyOf(onnx, onnx.length / 2));
        assertThatThrownBy(() -> new ModelLoader().load(d))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("test-classifier")
                .hasMessageContaining("ONNX Runtime cannot load");
        Files.delete(d.resolve("model.onnx"));
        assertThatThrownBy(() -> new ModelLoader().load(d))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("does not exist");
        Files.writeString(
                d.resolve("model.yaml"), "name: x\nversion: 1\nkind: segment\ninput: {width: 1, height: 1}\n");
        assertThatThrownBy(() -> new ModelLoader().load(d))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("'kind' must be anomaly, detect or classify");
        Files.writeString(d.resolve("model.yaml"), "name: x\nversion: 1\nkind: anomaly\nimput: {}\n");
        assertThatThrownBy(() -> new ModelLoader().load(d))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("imput");
    }

    @Test
    void framesOfAnotherSizeOrGreyFramesAreResizedAndConverted() throws Exception {
        Path d = TestModels.classifier(Files.createDirectories(dir.resolve("sizes")), good);
        try (InspectionModel model = new ModelLoader().load(d)) {
            BufferedImage grey = new BufferedImage(200, 100, BufferedImage.TYPE_BYTE_GRAY);
            assertThat(model.inspect(grey).result()).isNotNull();
            assertThatThrownBy(() -> model.inspect(null))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("test-classifier");
            assertThatThrownBy(() -> model.inspect(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("1x1 pixels");
        }
    }

    static boolean overlaps(Defect.Box a, Defect.Box b) {
        return a != null
                && b != null
                && a.x() < b.x() + b.width()
                && b.x() < a.x() + a.width()
                && a.y() < b.y() + b.height()
                && b.y() < a.y() + a.height();
    }
}
