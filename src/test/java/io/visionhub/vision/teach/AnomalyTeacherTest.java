package io.visionhub.vision.teach;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnomalyTeacherTest {

    @TempDir
    Path dir;

    @Test
    void taughtModelSeparatesHeldOutDefectivePartsFromGoodOnesInRealOnnxRuntime() {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(7, 0.0);
        List<BufferedImage> good =
                LongStream.range(0, 20).mapToObj(i -> gen.good(i).image()).toList();
        AnomalyTeacher.Result taught = new AnomalyTeacher().teach(good, AnomalyTeacher.Spec.of("teach-test", "1"), dir);
        assertThat(dir.resolve("model.onnx")).exists();
        assertThat(dir.resolve("model.yaml")).exists();

        SimulatedPartGenerator heldOut = new SimulatedPartGenerator(99, 0.0);
        List<Double> goodScores = new ArrayList<>();
        List<Double> badScores = new ArrayList<>();
        int boxesOnDefect = 0;
        try (InspectionModel model = new ModelLoader().load(dir)) {
            assertThat(model.ref().sha256()).matches("[0-9a-f]{64}");
            assertThat(model.ref().kind()).isEqualTo("anomaly");
            for (long i = 1000; i < 1040; i++) {
                goodScores.add(model.inspect(heldOut.good(i).image()).anomalyScore());
            }
            String[] classes = {SimulatedPart.SCRATCH, SimulatedPart.SPOT, SimulatedPart.MISSING_FEATURE};
            for (long i = 2000; i < 2030; i++) {
                SimulatedPart part = heldOut.defective(i, classes[(int) (i % 3)]);
                ModelVerdict v = model.inspect(part.image());
                badScores.add(v.anomalyScore());
                if (v.result() == Verdict.NG
                        && v.defects().stream().anyMatch(d -> overlaps(d.box(), part.defectBox()))) {
                    boxesOnDefect++;
                }
            }
        }
        HeldOutReport report = HeldOutReport.of(
                goodScores.stream().mapToDouble(d -> d).toArray(),
                badScores.stream().mapToDouble(d -> d).toArray(),
                taught.threshold());
        System.out.println("AnomalyTeacherTest " + report + ", lowest defective score "
                + badScores.stream().mapToDouble(d -> d).min().orElse(0) + ", highest good "
                + goodScores.stream().mapToDouble(d -> d).max().orElse(0) + ", defect regions on the drawn defect: "
                + boxesOnDefect + "/30");
        assertThat(report.auroc()).isGreaterThan(0.95);
        for (double severity : new double[] {0.5, 0.3, 0.2}) {
            SimulatedPartGenerator faint = heldOut.withSeverity(severity);
            double[] faintScores = new double[30];
            try (InspectionModel model = new ModelLoader().load(dir)) {
                for (int i = 0; i < 30; i++) {
                    String kind = i % 2 == 0 ? SimulatedPart.SCRATCH : SimulatedPart.SPOT;
                    faintScores[i] = model.inspect(
                                    faint.defective(3000 + i, kind).image())
                            .anomalyScore();
                }
            }
            System.out.println("AnomalyTeacherTest faint defects (severity " + severity + ", scratches and spots) "
                    + HeldOutReport.of(
                            goodScores.stream().mapToDouble(d -> d).toArray(), faintScores, taught.threshold()));
        }
        assertThat(report.recall()).isGreaterThan(0.8);
        assertThat(report.falsePositives()).isLessThanOrEqualTo(2);
        assertThat(boxesOnDefect).isGreaterThan(20);
    }

    @Test
    void teachingIsDeterministic(@TempDir Path other) throws Exception {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(42, 0.0);
        List<BufferedImage> good =
                LongStream.range(0, 5).mapToObj(i -> gen.good(i).image()).toList();
        new AnomalyTeacher().teach(good, AnomalyTeacher.Spec.of("same", "1"), dir);
        List<BufferedImage> again = LongStream.range(0, 5)
                .mapToObj(i -> new SimulatedPartGenerator(42, 0.0).good(i).image())
                .toList();
        new AnomalyTeacher().teach(again, AnomalyTeacher.Spec.of("same", "1"), other);
        assertThat(Files.readAllBytes(other.resolve("model.onnx")))
                .isEqualTo(Files.readAllBytes(dir.resolve("model.onnx")));
    }

    @Test
    void teachingRefusesTooFewImages() {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(7, 0.0);
        Assertions.assertThatThrownBy(() ->
                        new AnomalyTeacher().teach(List.of(gen.good(0).image()), AnomalyTeacher.Spec.of("x", "1"), dir))
                .hasMessageContaining("at least 3 good images");
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
