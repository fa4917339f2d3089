package io.visionhub.vision.teach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.vision.model.AnomalyModel;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.onnx.OnnxGraphWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PatchCore teaching end to end in ONNX Runtime with a small convolutional backbone the test writes itself (two
 * seeded random conv layers, stride 2 and 4), so it runs on a fresh clone; {@link PatchCoreRealBackboneTest} does
 * the same with the real YOLOv8n export.
 */
class PatchCoreTeacherTest {

    static final int SIZE = 96;

    @TempDir
    static Path shared;

    static Path backbone;
    static Path model;
    static AnomalyTeacher.Result taught;

    /** A backbone with two feature layers: l1 (8 channels, stride 2) and l2 (16 channels, stride 4). */
    static Path tinyBackbone(Path file) {
        Random rnd = new Random(21);
        OnnxGraphWriter g = new OnnxGraphWriter("tiny-backbone");
        g.input("images", new long[] {1, 3, SIZE, SIZE});
        g.initializer("w1", new long[] {8, 3, 3, 3}, gaussian(rnd, 8 * 3 * 9, 0.4));
        g.initializer("w2", new long[] {16, 8, 3, 3}, gaussian(rnd, 16 * 8 * 9, 0.2));
        java.util.Map<String, Object> conv = java.util.Map.of(
                "kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1});
        g.node("Conv", List.of("images", "w1"), List.of("c1"), conv);
        g.node("Relu", List.of("c1"), List.of("l1"));
        g.node("Conv", List.of("l1", "w2"), List.of("c2"), conv);
        g.node("Relu", List.of("c2"), List.of("l2"));
        g.node("ReduceMean", List.of("l2"), List.of("head"), java.util.Map.of("keepdims", 0L));
        g.output("head", new long[] {});
        g.write(file);
        return file;
    }

    private static float[] gaussian(Random rnd, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (rnd.nextGaussian() * scale);
        }
        return f;
    }

    /** A woven surface seen at a random offset and brightness: never aligned, never the same light. */
    static BufferedImage surface(long seed) {
        Random rnd = new Random(seed);
        double ox = rnd.nextDouble() * 50;
        double oy = rnd.nextDouble() * 50;
        double gain = 0.85 + 0.3 * rnd.nextDouble();
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double v = 128
                        + 40 * Math.sin((x + ox) * 0.7) * Math.sin((y + oy) * 0.7)
                        + 20 * Math.sin((x + ox + y + oy) * 0.25)
                        + rnd.nextGaussian() * 6;
                int g = (int) Math.max(0, Math.min(255, v * gain));
                img.setRGB(x, y, (g << 16) | (g << 8) | g);
            }
        }
        return img;
    }

    /** The surface with a dark round blot of radius 6 centred at (cx, cy). */
    static BufferedImage blotted(long seed, int cx, int cy) {
        BufferedImage img = surface(seed);
        for (int y = cy - 6; y <= cy + 6; y++) {
            for (int x = cx - 6; x <= cx + 6; x++) {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 36) {
                    img.setRGB(x, y, 0x202020);
                }
            }
        }
        return img;
    }

    static PatchCoreTeacher.Spec spec(String name, Path backbone) {
        return PatchCoreTeacher.Spec.of(name, "1", backbone)
                .withLayers(List.of("l1", "l2"))
                .sized(SIZE, SIZE)
                .withBorder(3);
    }

    @BeforeAll
    static void teach() {
        backbone = tinyBackbone(shared.resolve("tiny-backbone.onnx"));
        model = shared.resolve("models/woven");
        List<BufferedImage> good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            good.add(surface(100 + i));
        }
        taught = new PatchCoreTeacher().teach(good, spec("woven", backbone), model);
    }

    @Test
    void teachingWritesTheCutBackboneTheMemoryBankAndACardThatNamesItsHash() throws Exception {
        assertThat(model.resolve("model.onnx")).exists();
        assertThat(model.resolve(PatchCoreTeacher.MEMORY_BANK_FILE)).exists();
        ModelCard card = ModelCard.read(model.resolve(ModelCard.CARD_FILE));
        assertThat(card.anomaly().method()).isEqualTo("patchcore");
        assertThat(card.patchcore().layers()).containsExactly("l1", "l2");
        assertThat(card.patchcore().featureDims()).isEqualTo(24);
        // 12 good images, every 5th held out: 10 in the bank, 48x48 patches less a border of 3, 10% kept
        assertThat(card.patchcore().bankSize()).isEqualTo(Math.round(0.1f * 10 * 42 * 42));
        io.visionhub.vision.model.MemoryBank bank = io.visionhub.vision.model.MemoryBank.read(
                model.resolve(PatchCoreTeacher.MEMORY_BANK_FILE),
                card.patchcore().memoryBankSha256(),
                "woven");
        assertThat(bank.rows()).isEqualTo(card.patchcore().bankSize());
        assertThat(bank.dims()).isEqualTo(24);
        assertThat(taught.goodScores()).hasSize(2);
        assertThat(java.util.Arrays.stream(taught.goodScores()).max().orElseThrow())
                .isLessThan(taught.threshold());
        assertThat(Files.size(model.resolve("model.onnx"))).isLessThan(Files.size(backbone) + 20_000);
    }

    @Test
    void defectScoresAboveEveryGoodPartAndTheMapPeaksOnTheDefect() {
        try (InspectionModel m = new ModelLoader().load(model)) {
            AnomalyModel am = (AnomalyModel) m;
            double maxGood = 0;
            for (int i = 0; i < 8; i++) {
                ModelVerdict v = m.inspect(surface(5000 + i));
                maxGood = Math.max(maxGood, v.anomalyScore());
            }
            int[][] spots = {{30, 30}, {70, 40}, {50, 75}};
            for (int k = 0; k < spots.length; k++) {
                int cx = spots[k][0];
                int cy = spots[k][1];
                BufferedImage bad = blotted(7000 + k, cx, cy);
                AnomalyModel.AnomalyMap map = am.anomalyMap(bad);
                assertThat(map.width()).isEqualTo(SIZE);
                assertThat(map.score()).isGreaterThan(maxGood * 1.2);
                int peak = 0;
                for (int i = 1; i < map.values().length; i++) {
                    if (map.values()[i] > map.values()[peak]) {
                        peak = i;
                    }
                }
                // the peak of the upsampled map lies on the blot (radius 6), give or take one patch (2 px)
                assertThat(Math.hypot(peak % SIZE - cx, peak / SIZE - cy)).isLessThan(8);
                ModelVerdict v = m.inspect(bad);
                assertThat(v.result()).isEqualTo(Verdict.NG);
                assertThat(v.defects())
                        .anySatisfy(d -> assertThat(contains(d, cx, cy)).isTrue());
            }
        }
    }

    private static boolean contains(Defect d, int x, int y) {
        Defect.Box b = d.box();
        return x >= b.x() && x <= b.x() + b.width() && y >= b.y() && y <= b.y() + b.height();
    }

    @Test
    void reweightedScoreIsTheSameMapsMaxTimesAWeightBetweenOneLessOneOverBAndOne(@TempDir Path dir) {
        List<BufferedImage> good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            good.add(surface(100 + i));
        }
        Path rw = dir.resolve("woven-rw");
        new PatchCoreTeacher().teach(good, spec("woven", backbone).withReweight(9), rw);
        assertThat(ModelCard.read(rw.resolve(ModelCard.CARD_FILE)).taught())
                .containsEntry("scoreReweightNeighbours", 9);
        try (InspectionModel plain = new ModelLoader().load(model);
                InspectionModel weighted = new ModelLoader().load(rw)) {
            int lowered = 0;
            for (int i = 0; i < 6; i++) {
                BufferedImage img = i < 3 ? surface(5000 + i) : blotted(7000 + i, 30 + 8 * i, 40);
                AnomalyModel.AnomalyMap a = ((AnomalyModel) plain).anomalyMap(img);
                AnomalyModel.AnomalyMap b = ((AnomalyModel) weighted).anomalyMap(img);
                // same seed, same memory bank: the map is untouched, only the image score is weighted
                assertThat(b.values()).containsExactly(a.values());
                assertThat(b.score()).isLessThanOrEqualTo(a.score() * 1.0001);
                assertThat(b.score()).isGreaterThanOrEqualTo(a.score() * (1 - 1.0 / 9) * 0.9999);
                if (b.score() < a.score() * 0.999) {
                    lowered++;
                }
            }
            assertThat(lowered).as("images whose score the weighting lowered").isPositive();
        }
    }

    @Test
    void savedModelLoadsAgainAndGivesIdenticalScores() {
        BufferedImage img = blotted(8000, 40, 40);
        float[] first;
        try (InspectionModel m = new ModelLoader().load(model)) {
            first = ((AnomalyModel) m).anomalyMap(img).values();
        }
        try (InspectionModel m = new ModelLoader().load(model)) {
            assertThat(((AnomalyModel) m).anomalyMap(img).values()).containsExactly(first);
        }
    }

    @Test
    void tooFewGoodImagesAreRefusedNamingTheCount(@TempDir Path dir) {
        List<BufferedImage> four = List.of(surface(1), surface(2), surface(3), surface(4));
        assertThatThrownBy(() -> new PatchCoreTeacher().teach(four, spec("few", backbone), dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("needs at least 5 good images")
                .hasMessageContaining("got 4");
    }

    @Test
    void backboneWithoutTheNamedLayerIsRefusedNamingIt(@TempDir Path dir) {
        List<BufferedImage> good = List.of(surface(1), surface(2), surface(3), surface(4), surface(5));
        assertThatThrownBy(() -> new PatchCoreTeacher()
                        .teach(good, spec("x", backbone).withLayers(List.of("l1", "/model.4/nope")), dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("has no tensor named '/model.4/nope'")
                .hasMessageContaining("patchcore.layers");
    }

    @Test
    void aFileThatIsNotAnOnnxModelIsRefusedAsBackbone(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("backbone.onnx"), "<html>not found</html>");
        List<BufferedImage> good = List.of(surface(1), surface(2), surface(3), surface(4), surface(5));
        assertThatThrownBy(() -> new PatchCoreTeacher().teach(good, spec("x", junk), dir.resolve("m")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("backbone " + junk)
                .hasMessageContaining("ONNX model");
        assertThatThrownBy(() -> new PatchCoreTeacher().teach(good, spec("x", dir.resolve("absent.onnx")), dir))
                .hasMessageContaining("absent.onnx does not exist");
    }

    private static Path copyModel(Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(model)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    @Test
    void changedMemoryBankIsRefusedForItsHash(@TempDir Path dir) throws Exception {
        Path m = copyModel(dir.resolve("m"));
        Path bank = m.resolve(PatchCoreTeacher.MEMORY_BANK_FILE);
        byte[] b = Files.readAllBytes(bank);
        b[100] ^= 0x40;
        Files.write(bank, b);
        assertThatThrownBy(() -> new ModelLoader().load(m))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("memory bank " + bank.toAbsolutePath())
                .hasMessageContaining("but the card says");
        Files.delete(bank);
        assertThatThrownBy(() -> new ModelLoader().load(m)).hasMessageContaining("does not exist");
    }

    @Test
    void truncatedMemoryBankIsRefusedEvenWhenTheCardHashMatchesIt(@TempDir Path dir) throws Exception {
        Path m = copyModel(dir.resolve("m"));
        Path bank = m.resolve(PatchCoreTeacher.MEMORY_BANK_FILE);
        byte[] b = Files.readAllBytes(bank);
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 7);
        Files.write(bank, cut);
        ModelCard card = ModelCard.read(m.resolve(ModelCard.CARD_FILE));
        ModelCard.PatchCore pc = card.patchcore();
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cut));
        String yaml = Files.readString(m.resolve(ModelCard.CARD_FILE)).replace(pc.memoryBankSha256(), sha);
        Files.writeString(m.resolve(ModelCard.CARD_FILE), yaml);
        assertThatThrownBy(() -> new ModelLoader().load(m))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("truncated or corrupt");
    }

    @Test
    void patchCoreGraphLoadedWithoutItsMemoryBankIsRefused(@TempDir Path dir) throws Exception {
        Path m = copyModel(dir.resolve("m"));
        String yaml =
                Files.readString(m.resolve(ModelCard.CARD_FILE)).replace("method: patchcore", "method: grey-cells");
        Files.writeString(m.resolve(ModelCard.CARD_FILE), yaml);
        assertThatThrownBy(() -> new ModelLoader().load(m))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("also needs input 'memory_bank'");
        Files.writeString(m.resolve(ModelCard.CARD_FILE), yaml.replace("method: grey-cells", "method: patchcore-v9"));
        assertThatThrownBy(() -> new ModelLoader().load(m))
                .hasMessageContaining("anomaly.method must be grey-cells or patchcore");
    }
}
