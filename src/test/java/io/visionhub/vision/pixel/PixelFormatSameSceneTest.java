package io.visionhub.vision.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.visionhub.vision.TestModels;
import io.visionhub.vision.model.ImagePreprocessor;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.model.RgbNormaliser;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One synthetic scene (a simulated part, good and with a spot) encoded in every GenICam pixel format the hub takes,
 * converted back by {@link PixelConverter}: the pixels match the scene within the format's tolerance, and a grey
 * anomaly model and an RGB detector give the same verdict (and scores within a few percent) as on the scene itself.
 * Mono formats are compared with the scene as a mono sensor sees it (its luma).
 */
class PixelFormatSameSceneTest {

    @TempDir
    static Path dir;

    static List<InspectionModel> models = new ArrayList<>();
    static List<BufferedImage> scenes;

    @BeforeAll
    static void models() throws Exception {
        List<BufferedImage> good = TestModels.goodParts(31, 16);
        Path anomaly = Files.createDirectories(dir.resolve("anomaly"));
        new AnomalyTeacher().teach(good, AnomalyTeacher.Spec.of("grey-anomaly", "1"), anomaly);
        Path detector = TestModels.detector(Files.createDirectories(dir.resolve("detector")), "yolov8", good);
        models.add(new ModelLoader().load(anomaly));
        models.add(new ModelLoader().load(detector));
        SimulatedPartGenerator gen = new SimulatedPartGenerator(77, 0);
        scenes = List.of(
                tinted(gen.good(901).image()),
                tinted(gen.defective(502, SimulatedPart.SPOT).image()));
    }

    /**
     * The simulated part is grey; a colour camera's scene is not: smooth red/green and blue/yellow tints that keep
     * each pixel's luma (so the grey models see the same part) make a wrong channel order or Bayer phase visible.
     */
    static BufferedImage tinted(BufferedImage grey) {
        int w = grey.getWidth();
        int h = grey.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = grey.getRGB(x, y) & 0xff;
                double d = 30 * Math.sin(x / 40.0);
                double e = 25 * Math.cos(y / 35.0);
                // luma 0.299 r + 0.587 g + 0.114 b stays v
                int r = clamp(v + d);
                int b = clamp(v + e);
                int g = clamp(v - (0.299 * d + 0.114 * e) / 0.587);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    @AfterAll
    static void close() {
        models.forEach(InspectionModel::close);
    }

    @ParameterizedTest
    @EnumSource(GenicamPixelFormat.class)
    void theSameSceneInEveryPixelFormatGivesTheSamePixelsAndVerdict(GenicamPixelFormat format) {
        boolean mono = format.genicamName().startsWith("Mono");
        for (int s = 0; s < scenes.size(); s++) {
            BufferedImage reference = mono ? RawEncoder.grey(scenes.get(s)) : scenes.get(s);
            BufferedImage converted = PixelConverter.toImage(
                    format,
                    RawEncoder.encode(format, scenes.get(s)),
                    reference.getWidth(),
                    reference.getHeight(),
                    "test");
            String what = format.genicamName() + ", scene " + s;
            // demosaic and 4:2:2 chroma blur edges a little; the others are exact (deep mono: to 0.5 of a grey level)
            double meanTolerance = switch (format) {
                case BAYER_RG8, BAYER_GB8, BAYER_GR8, BAYER_BG8 -> 3.0;
                case BAYER_RG16, BAYER_GB16, BAYER_GR16, BAYER_BG16 -> 3.0;
                case YUV422_8, YUV422_8_UYVY -> 1.5;
                default -> 0.0;
            };
            if (!mono) {
                // the tint is there: a swapped channel order would be far off
                BufferedImage swapped = RgbNormaliser.normalise(converted);
                assertThat(meanAbsDiff(reference, swapRedBlue(swapped)))
                        .as(what + ": R/B swapped")
                        .isGreaterThan(10);
            }
            assertThat(meanAbsDiff(reference, RgbNormaliser.normalise(converted)))
                    .as(what + ": mean absolute pixel difference")
                    .isLessThanOrEqualTo(meanTolerance);
            for (InspectionModel m : models) {
                ModelVerdict ref = m.inspect(reference);
                ModelVerdict got = m.inspect(converted);
                String w = what + ", model " + m.ref().name();
                assertThat(got.result()).as(w + ": verdict").isEqualTo(ref.result());
                boolean exact = meanTolerance == 0;
                // demosaic and 4:2:2 move scores by a few percent: boxes scored near the threshold (this test
                // detector has many at 0.5) may come and go; the clearly found ones (0.65 and above) must stay
                double floor = exact ? 0 : 0.65;
                assertThat(boxes(got, floor))
                        .as(w + ": defects " + got.defects())
                        .isEqualTo(boxes(ref, floor));
                double tol = exact ? 0.01 : 0.10;
                if (ref.anomalyScore() != null) {
                    assertThat(got.anomalyScore())
                            .as(w + ": anomaly score")
                            .isCloseTo(ref.anomalyScore(), within(Math.max(1e-3, ref.anomalyScore() * tol)));
                }
            }
        }
        // the defective scene is really judged differently from the good one (the verdicts above could fail)
        assertThat(models.get(0).inspect(scenes.get(1)).result())
                .isNotEqualTo(models.get(0).inspect(scenes.get(0)).result());
    }

    @Test
    void deepMonoKeepsItsPrecisionUntilTheModelsNormalisation() {
        // two Mono12 frames one grey level of 4095 apart: the model input differs by exactly that step, where an
        // 8-bit image could not tell them apart
        ImagePreprocessor pre =
                new ImagePreprocessor(new ModelCard.Input(null, 8, 8, 1, "RGB", false, null, null, null, null), false);
        float[] a = input(pre, mono12(8, 8, 2048));
        float[] b = input(pre, mono12(8, 8, 2049));
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(2048f / 4095f, within(1e-6f));
            assertThat(b[i] - a[i]).isCloseTo(1f / 4095f, within(1e-6f));
        }
        // and resized (bilinear), the mean still keeps the fraction
        ImagePreprocessor small = new ImagePreprocessor(
                new ModelCard.Input(
                        null, 4, 4, 3, "RGB", false, null, null, List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25)),
                false);
        float[] c = input(small, mono12(8, 8, 2049));
        assertThat(c[0]).isCloseTo((float) ((2049 / 4095.0 - 0.5) / 0.25), within(1e-5f));
        assertThat(c[16]).isEqualTo(c[0]); // grey into all three channels
    }

    @Test
    void anUnsupportedOrTruncatedFormatIsAClearErrorNamingIt() {
        assertThatThrownBy(() -> GenicamPixelFormat.fromName("BayerRG12p"))
                .isInstanceOf(UnsupportedPixelFormatException.class)
                .hasMessageContaining("BayerRG12p")
                .hasMessageContaining("Mono8");
        assertThatThrownBy(() -> GenicamPixelFormat.fromCode(0x010C0006)) // GigE Vision 1.x Mono12Packed
                .isInstanceOf(UnsupportedPixelFormatException.class)
                .hasMessageContaining("0x10C0006");
        assertThat(GenicamPixelFormat.fromName("YUV422Packed")).isEqualTo(GenicamPixelFormat.YUV422_8_UYVY);
        assertThat(GenicamPixelFormat.fromName("rgb8packed")).isEqualTo(GenicamPixelFormat.RGB8);
        assertThatThrownBy(() ->
                        PixelConverter.toImage(GenicamPixelFormat.MONO16, ByteBuffer.allocate(100), 10, 10, "cam-7"))
                .isInstanceOf(UnsupportedPixelFormatException.class)
                .hasMessageContaining("cam-7")
                .hasMessageContaining("Mono16")
                .hasMessageContaining("needs 200 bytes but the buffer holds 100");
    }

    private static BufferedImage mono12(int w, int h, int v) {
        ByteBuffer b = ByteBuffer.allocate(w * h * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < w * h; i++) {
            b.putShort((short) v);
        }
        return PixelConverter.toImage(GenicamPixelFormat.MONO12, b, w, h, "test");
    }

    private static float[] input(ImagePreprocessor pre, BufferedImage img) {
        FloatBuffer fb = ByteBuffer.allocateDirect(pre.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        pre.apply(img, fb);
        float[] out = new float[pre.size()];
        fb.get(0, out);
        return out;
    }

    private static List<String> boxes(ModelVerdict v, double floor) {
        return v.defects().stream()
                .filter(d -> d.confidence() >= floor)
                .map(d -> d.defectClass() + "@" + d.box())
                .sorted()
                .toList();
    }

    private static BufferedImage swapRedBlue(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                out.setRGB(x, y, ((p & 0xff) << 16) | (p & 0xff00) | ((p >> 16) & 0xff));
            }
        }
        return out;
    }

    private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        long sum = 0;
        int w = a.getWidth();
        int h = a.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int sh = 0; sh <= 16; sh += 8) {
                    sum += Math.abs(((p >> sh) & 0xff) - ((q >> sh) & 0xff));
                }
            }
        }
        return sum / (3.0 * w * h);
    }
}
