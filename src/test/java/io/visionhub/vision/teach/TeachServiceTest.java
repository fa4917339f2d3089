package io.visionhub.vision.teach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeachServiceTest {

    @TempDir
    Path dir;

    @Test
    void teachesFromAFolderOfGoodImagesAndReportsTheHeldOutSet() throws Exception {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(12, 0);
        Path good = Files.createDirectories(dir.resolve("good"));
        Path heldGood = Files.createDirectories(dir.resolve("held-good"));
        Path heldBad = Files.createDirectories(dir.resolve("held-bad"));
        for (int i = 0; i < 20; i++) {
            Files.write(
                    good.resolve("g" + i + ".png"),
                    FrameInspector.encode(gen.good(i).image(), "png"));
        }
        String[] kinds = {SimulatedPart.SCRATCH, SimulatedPart.SPOT, SimulatedPart.MISSING_FEATURE};
        for (int i = 0; i < 9; i++) {
            Files.write(
                    heldGood.resolve("h" + i + ".png"),
                    FrameInspector.encode(gen.good(100 + i).image(), "png"));
            Files.write(
                    heldBad.resolve("d" + i + ".png"),
                    FrameInspector.encode(gen.defective(200 + i, kinds[i % 3]).image(), "png"));
        }
        TeachService.Response r = new TeachService(dir.resolve("models"))
                .teach(new TeachService.Request(
                        "widget", "3", good.toString(), heldGood.toString(), heldBad.toString(), null, null));
        System.out.println("TeachServiceTest " + r.report());
        assertThat(r.goodImages()).isEqualTo(20);
        assertThat(r.report().auroc()).isGreaterThan(0.95);
        assertThat(r.report().recall()).isGreaterThan(0.8);
        try (InspectionModel m = new ModelLoader().load(dir.resolve("models/widget"))) {
            assertThat(m.ref().version()).isEqualTo("3");
            assertThat(m.ref().sha256()).isEqualTo(r.sha256());
        }
    }

    @Test
    void simulatedTeachingReportsAurocOnSimulatedHeldOutParts() {
        TeachService.Response r =
                new TeachService(dir).teach(new TeachService.Request("sim", null, null, null, null, true, 20));
        System.out.println("TeachServiceTest simulated " + r.report());
        assertThat(r.report().good()).isEqualTo(30);
        assertThat(r.report().auroc()).isGreaterThan(0.95);
    }

    @Test
    void badInputIsRefusedNamingTheProblem() throws Exception {
        TeachService svc = new TeachService(dir.resolve("models"));
        assertThatThrownBy(() ->
                        svc.teach(new TeachService.Request("../escape", "1", dir.toString(), null, null, null, null)))
                .hasMessageContaining("name must be");
        assertThatThrownBy(() -> svc.teach(
                        new TeachService.Request("x", "1", dir.resolve("nope").toString(), null, null, null, null)))
                .hasMessageContaining("does not exist");
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("broken.jpg"), "no jpeg");
        assertThatThrownBy(() -> svc.teach(new TeachService.Request("x", "1", bad.toString(), null, null, null, null)))
                .hasMessageContaining("broken.jpg");
        assertThatThrownBy(() -> svc.teach(new TeachService.Request("x", "1", null, null, null, null, null)))
                .hasMessageContaining("goodDir");
    }
}
