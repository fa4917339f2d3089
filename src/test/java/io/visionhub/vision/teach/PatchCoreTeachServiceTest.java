package io.visionhub.vision.teach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teach request with {@code method: patchcore}: from folders, backbone inside the models folder only. */
class PatchCoreTeachServiceTest {

    @TempDir
    Path dir;

    private TeachService.Request request(String method, String backbone, String good, String heldGood, String heldBad) {
        return new TeachService.Request(
                "woven",
                "3",
                good,
                heldGood,
                heldBad,
                null,
                null,
                method,
                backbone,
                List.of("l1", "l2"),
                96,
                null,
                null);
    }

    private Path folder(String name, long seed0, int n, boolean blot) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        for (int i = 0; i < n; i++) {
            ImageIO.write(
                    blot
                            ? PatchCoreTeacherTest.blotted(seed0 + i, 30 + 7 * i, 40 + 5 * i)
                            : PatchCoreTeacherTest.surface(seed0 + i),
                    "png",
                    d.resolve(String.format("%03d.png", i)).toFile());
        }
        return d;
    }

    @Test
    void teachesPatchCoreFromFoldersAndReportsTheHeldOutSet() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        PatchCoreTeacherTest.tinyBackbone(
                Files.createDirectories(models.resolve("backbones")).resolve("tiny.onnx"));
        Path good = folder("good", 100, 10, false);
        Path heldGood = folder("held-good", 3000, 5, false);
        Path heldBad = folder("held-bad", 4000, 5, true);
        TeachService.Response r = new TeachService(models)
                .teach(request(
                        "patchcore", "backbones/tiny.onnx", good.toString(), heldGood.toString(), heldBad.toString()));
        assertThat(r.sha256()).matches("[0-9a-f]{64}");
        assertThat(models.resolve("woven/memory-bank.bin")).exists();
        assertThat(Files.readString(models.resolve("woven/model.yaml"))).contains("method: patchcore");
        assertThat(r.report().auroc()).isEqualTo(1.0);
        assertThat(r.report().recall()).isEqualTo(1.0);
    }

    @Test
    void backboneOutsideTheModelsFolderOrUnknownMethodIsRefused() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        PatchCoreTeacherTest.tinyBackbone(dir.resolve("outside.onnx"));
        Path good = folder("good", 100, 5, false);
        TeachService teach = new TeachService(models);
        assertThatThrownBy(() -> teach.teach(request("patchcore", "../outside.onnx", good.toString(), null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the models folder");
        assertThatThrownBy(() -> teach.teach(request("patchcore", null, good.toString(), null, null)))
                .hasMessageContaining("method patchcore needs a backbone");
        assertThatThrownBy(() -> teach.teach(request("padim", "x.onnx", good.toString(), null, null)))
                .hasMessageContaining("method must be grey-cells or patchcore, got padim");
        assertThat(models.resolve("woven")).doesNotExist();
    }
}
