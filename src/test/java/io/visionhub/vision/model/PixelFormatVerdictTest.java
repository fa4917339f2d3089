package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.visionhub.event.Defect;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.YoloShapedDetector;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same grey scene (most industrial cameras are mono) in every pixel layout a camera or file gives: grey 8 and
 * 16 bit, grey + alpha, palette, RGB, BGR, ARGB, and JPEG, through every model kind. Lossless layouts must give the same verdict
 * and scores within 1 % of the RGB PNG; JPEG (lossy at quality 0.95) the same verdict and scores within 10 %.
 */
class PixelFormatVerdictTest {

    @TempDir
    static Path dir;

    static List<BufferedImage> good;
    static Path detector;
    static Path classifier;
    static Path anomaly;
    static Path yoloShaped;

    @BeforeAll
    static void models() throws IOException {
        good = TestModels.goodParts(21, 20).stream()
                .map(PixelFormatVerdictTest::greyScene)
                .toList();
        detector = TestModels.detector(Files.createDirectories(dir.resolve("detector")), "yolov8", good);
        classifier = TestModels.classifier(Files.createDirectories(dir.resolve("classifier")), good);
        anomaly = Files.createDirectories(dir.resolve("anomaly"));
        new AnomalyTeacher().teach(good, AnomalyTeacher.Spec.of("grey-anomaly", "1"), anomaly);
        yoloShaped = YoloShapedDetector.write(Files.createDirectories(dir.resolve("yolo-shaped")));
    }

    @Test
    void everyPixelLayoutOfOneGreySceneGetsTheSameVerdictAndScoresFromEveryModelKind() throws Exception {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(77, 0);
        List<BufferedImage> scenes = List.of(
                greyScene(gen.good(901).image()),
                greyScene(gen.defective(502, SimulatedPart.SPOT).image()),
                greyScene(gen.defective(503, SimulatedPart.SCRATCH).image()));
        for (Path modelDir : List.of(detector, classifier, anomaly, yoloShaped)) {
            try (InspectionModel model = new ModelLoader().load(modelDir)) {
                for (int s = 0; s < scenes.size(); s++) {
                    Map<String, BufferedImage> layouts = layouts(scenes.get(s));
                    // the decoder really gives the layouts this test is about
                    assertThat(layouts.get("grey8-png").getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
                    assertThat(layouts.get("grey16-png").getType()).isEqualTo(BufferedImage.TYPE_USHORT_GRAY);
                    assertThat(layouts.get("palette-png").getType()).isEqualTo(BufferedImage.TYPE_BYTE_INDEXED);
                    assertThat(layouts.get("grey-alpha-png").getColorModel().getNumComponents())
                            .isEqualTo(2);
                    assertThat(layouts.get("argb-png").getType()).isEqualTo(BufferedImage.TYPE_4BYTE_ABGR);
                    assertThat(layouts.get("jpeg-grey8").getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
                    ModelVerdict reference = model.inspect(layouts.get("rgb-png"));
                    for (Map.Entry<String, BufferedImage> e : layouts.entrySet()) {
                        String what = model.ref().kind() + " " + model.ref().name() + ", scene " + s + ", " + e.getKey()
                                + " (decoded as BufferedImage type "
                                + e.getValue().getType() + ")";
                        // 16-bit grey keeps its precision through the resize (ImagePreprocessor's deep path), where
                        // the 8-bit layouts round each resized pixel to a grey level: up to half a level apart
                        double tolerance = e.getKey().startsWith("jpeg")
                                ? 0.10
                                : e.getKey().startsWith("grey16") ? 0.03 : 0.01;
                        assertSame(reference, model.inspect(e.getValue()), tolerance, what);
                    }
                }
            }
        }
    }

    private static void assertSame(ModelVerdict ref, ModelVerdict v, double tolerance, String what) {
        assertThat(v.result()).as(what + ": verdict").isEqualTo(ref.result());
        if (ref.anomalyScore() != null) {
            assertThat(v.anomalyScore())
                    .as(what + ": anomaly score")
                    .isCloseTo(ref.anomalyScore(), within(Math.max(1e-3, Math.abs(ref.anomalyScore()) * tolerance)));
        }
        assertThat(v.defects()).as(what + ": defects").hasSameSizeAs(ref.defects());
        for (int i = 0; i < ref.defects().size(); i++) {
            Defect a = ref.defects().get(i);
            Defect b = v.defects().get(i);
            assertThat(b.defectClass()).as(what + ": defect class").isEqualTo(a.defectClass());
            assertThat(b.confidence())
                    .as(what + ": confidence of " + a.defectClass())
                    .isCloseTo(a.confidence(), within(Math.max(1e-3, a.confidence() * tolerance)));
        }
    }

    /** The scene as a mono camera sees it: one grey value per pixel (the green channel of the simulated part). */
    static BufferedImage greyScene(BufferedImage colour) {
        BufferedImage out = new BufferedImage(colour.getWidth(), colour.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < colour.getHeight(); y++) {
            for (int x = 0; x < colour.getWidth(); x++) {
                int g = (colour.getRGB(x, y) >> 8) & 0xff;
                out.setRGB(x, y, (g << 16) | (g << 8) | g);
            }
        }
        return out;
    }

    /** One grey scene in each layout, decoded as the hub decodes camera bytes where it has an encoding. */
    static Map<String, BufferedImage> layouts(BufferedImage scene) throws IOException {
        int w = scene.getWidth();
        int h = scene.getHeight();
        BufferedImage grey8 = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage grey16 = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        // a palette of the grey levels the scene uses plus one colour entry: an all-grey palette would be written
        // as a grey PNG, not a palette one
        TreeSet<Integer> used = new TreeSet<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                used.add(scene.getRGB(x, y) & 0xff);
            }
        }
        assertThat(used).hasSizeLessThan(256);
        int[] indexOf = new int[256];
        byte[] r = new byte[used.size() + 1];
        byte[] g = new byte[used.size() + 1];
        byte[] b = new byte[used.size() + 1];
        int k = 0;
        for (int v : used) {
            indexOf[v] = k;
            r[k] = g[k] = b[k] = (byte) v;
            k++;
        }
        r[k] = (byte) 255; // the colour entry, used by no pixel
        BufferedImage palette =
                new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, k + 1, r, g, b));
        BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        // grey + alpha (PNG colour type 4): a layout of its own (two bands, grey colour space)
        ComponentColorModel greyAlphaModel = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_GRAY),
                true,
                false,
                Transparency.TRANSLUCENT,
                DataBuffer.TYPE_BYTE);
        BufferedImage greyAlpha =
                new BufferedImage(greyAlphaModel, greyAlphaModel.createCompatibleWritableRaster(w, h), false, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = scene.getRGB(x, y) & 0xff;
                // raster samples, not setRGB: setRGB on a grey image would apply the linear-grey conversion
                grey8.getRaster().setSample(x, y, 0, v);
                grey16.getRaster().setSample(x, y, 0, v * 257);
                palette.getRaster().setSample(x, y, 0, indexOf[v]);
                greyAlpha.getRaster().setSample(x, y, 0, v);
                greyAlpha.getRaster().setSample(x, y, 1, 255);
                bgr.setRGB(x, y, scene.getRGB(x, y));
                argb.setRGB(x, y, 0xff000000 | scene.getRGB(x, y));
            }
        }
        Map<String, BufferedImage> m = new LinkedHashMap<>();
        m.put("rgb-png", decode(encode(scene, "png")));
        m.put("rgb-in-memory", scene);
        m.put("grey8-png", decode(encode(grey8, "png")));
        m.put("grey8-in-memory", grey8);
        m.put("grey16-png", decode(encode(grey16, "png")));
        m.put("palette-png", decode(encode(palette, "png")));
        m.put("grey-alpha-png", decode(encode(greyAlpha, "png")));
        m.put("bgr-in-memory", bgr);
        m.put("bgr-bmp", decode(encode(bgr, "bmp")));
        m.put("argb-png", decode(encode(argb, "png")));
        m.put("argb-in-memory", argb);
        m.put("jpeg-rgb", decode(encode(scene, "jpeg")));
        m.put("jpeg-grey8", decode(encode(grey8, "jpeg")));
        return m;
    }

    private static BufferedImage decode(byte[] bytes) {
        return ImageDecoder.decode(bytes, "test-camera");
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            if ("jpeg".equals(format)) {
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(0.95f);
            }
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
