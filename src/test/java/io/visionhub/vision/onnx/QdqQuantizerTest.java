package io.visionhub.vision.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionhub.event.Defect;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.RealFixtures;
import io.visionhub.vision.Yolov8nCard;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.SessionTuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INT8 QDQ quantisation of the real YOLOv8n: the quantised file loads through a model card like any model, ONNX
 * Runtime fuses it into integer convolutions (QLinearConv), and on real photos it finds what the float model finds.
 * Calibrated on opencv-doc photos, checked on darknet photos (other images). Skipped without the fixtures.
 */
class QdqQuantizerTest {

    @TempDir
    Path dir;

    @Test
    void quantisedYolov8nRunsAsIntegerConvolutionsAndFindsWhatTheFloatModelFinds() throws Exception {
        Path fp32 = RealFixtures.yolov8n();
        RealFixtures.opencvSample("board.jpg");
        List<Path> calibration;
        try (Stream<Path> s = Files.list(RealFixtures.OPENCV_DATA)) {
            calibration = s.filter(p -> p.toString().endsWith(".jpg"))
                    .sorted()
                    .limit(8)
                    .toList();
        }
        ModelCard.Input input = new ModelCard.Input("images", 640, 640, 3, "RGB", true, 114, null, null, null);
        byte[] int8 = Yolov8Int8.quantise(fp32, calibration, input);
        Path int8File = dir.resolve("yolov8n-int8.onnx");
        Files.write(int8File, int8);
        // about a quarter of the float file: int8 weights
        assertThat((double) int8.length).isLessThan(Files.size(fp32) * 0.4);

        // ONNX Runtime fuses the Q/DQ pairs around each Conv into QLinearConv
        Path optimised = dir.resolve("optimised.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setOptimizedModelFilePath(optimised.toString());
            OrtEnvironment.getEnvironment()
                    .createSession(int8File.toString(), o)
                    .close();
        }
        long qlinear = OnnxGraphReader.read(Files.readAllBytes(optimised), "optimised").nodes().stream()
                .filter(n -> n.opType().equals("QLinearConv"))
                .count();
        // every Conv followed by its SiLU (57 of YOLOv8n's 64; the head's 6 last ones and the DFL stay float)
        OnnxGraphReader g = OnnxGraphReader.read(Files.readAllBytes(fp32), "fp32");
        java.util.Set<String> activated = new java.util.HashSet<>();
        g.nodes().stream().filter(n -> n.opType().equals("Sigmoid")).forEach(n -> activated.addAll(n.inputs()));
        long withActivation = g.nodes().stream()
                .filter(n -> n.opType().equals("Conv")
                        && activated.contains(n.outputs().get(0)))
                .count();
        assertThat(withActivation).isEqualTo(57);
        assertThat(qlinear).as("QLinearConv nodes after ONNX Runtime's fusion").isEqualTo(withActivation);

        SessionTuning tuning = new SessionTuning(2, 1, false, "all", 0, false, 0);
        int compared = 0;
        try (InspectionModel f32 = new ModelLoader(tuning).load(Yolov8nCard.write(dir.resolve("fp32"), fp32));
                InspectionModel i8 = new ModelLoader(tuning).load(Yolov8nCard.write(dir.resolve("int8"), int8File))) {
            // the card's model file is all that differs: same classes (from the export's metadata), same kind
            assertThat(i8.ref().name()).isEqualTo(f32.ref().name());
            assertThat(i8.ref().sha256()).isNotEqualTo(f32.ref().sha256());
            FrameInspector inspector =
                    new FrameInspector("st-1", "line-1", new ModelHandle("int8", i8), null, false, "png", null);
            for (String name : new String[] {"dog.jpg", "horses.jpg", "person.jpg", "giraffe.jpg"}) {
                byte[] jpeg = Files.readAllBytes(RealFixtures.darknetPhoto(name));
                List<Defect> expected =
                        f32.inspect(ImageDecoder.decode(jpeg, name)).defects();
                // the INT8 model through the whole inspection step, JPEG in
                List<Defect> actual = inspector
                        .inspect(new Frame("cam-1", 1, Instant.now(), null, jpeg, null))
                        .defects();
                for (Defect e : expected) {
                    if (e.confidence() < 0.5) {
                        continue;
                    }
                    Defect best = actual.stream()
                            .filter(a -> a.defectClass().equals(e.defectClass()))
                            .max((a, b) -> Double.compare(iou(a.box(), e.box()), iou(b.box(), e.box())))
                            .orElseThrow(
                                    () -> new AssertionError(name + ": INT8 misses " + e + "; it found " + actual));
                    assertThat(iou(best.box(), e.box()))
                            .as(name + " " + e + " vs " + best)
                            .isGreaterThan(0.8);
                    assertThat(Math.abs(best.confidence() - e.confidence()))
                            .as(name + " " + e + " vs " + best)
                            .isLessThan(0.15);
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(8);
    }

    @Test
    void badInputsAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> new QdqQuantizer("not onnx".getBytes(), t -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a readable ONNX model");
        // a graph without Conv has nothing to quantise; quantising before calibrating is refused
        OnnxGraphWriter g = new OnnxGraphWriter("relu");
        g.input("x", new long[] {1, 3, 8, 8});
        g.node("Relu", List.of("x"), List.of("y"));
        g.output("y", new long[] {1, 3, 8, 8});
        QdqQuantizer q = new QdqQuantizer(g.toBytes(), t -> false);
        assertThat(q.convs()).isZero();
        assertThatThrownBy(() -> q.quantise(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("calibrate");
        assertThatThrownBy(() -> Yolov8Int8.quantise(dir.resolve("absent.onnx"), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no calibration images");
    }

    private static double iou(Defect.Box a, Defect.Box b) {
        double ix = Math.max(0, Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x()));
        double iy = Math.max(0, Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y()));
        double inter = ix * iy;
        return inter / ((double) a.width() * a.height() + (double) b.width() * b.height() - inter);
    }
}
