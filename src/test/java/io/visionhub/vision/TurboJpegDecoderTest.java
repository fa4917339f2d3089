package io.visionhub.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visionhub.event.Defect;
import io.visionhub.vision.FrameRefusedException.Reason;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.model.SessionTuning;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.awt.image.BufferedImage;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libjpeg-turbo decoding at a reduced DCT scale for models that resize the frame down anyway: the scale chosen, the
 * pixels against a full decode resized down, the real YOLOv8n's detections against the full-resolution path, bad
 * JPEGs, and the fallback when the library is absent.
 */
class TurboJpegDecoderTest {

    @TempDir
    Path dir;

    @Test
    void libjpegTurboIsInstalledHere() {
        // Debian libturbojpeg0 (.ci/run installs it); without it every JPEG is decoded at full size by FFmpeg
        assertThat(TurboJpegDecoder.available())
                .as("libturbojpeg.so.0 (apt-get install libturbojpeg0)")
                .isTrue();
    }

    @Test
    void theSmallestScaleThatStillCoversTheModelsResizedFrameIsChosen() {
        // 1080p into a 640x640 letterbox: resized to 640x360; 3/8 = 720x405 covers it, 2/8 = 480x270 does not
        assertThat(TurboJpegDecoder.eighths(1920, 1080, 640, 360)).isEqualTo(3);
        // 720p: exactly 1/2
        assertThat(TurboJpegDecoder.eighths(1280, 720, 640, 360)).isEqualTo(4);
        // 4K: 1/8 is 480x270, 2/8 = 960x540
        assertThat(TurboJpegDecoder.eighths(3840, 2160, 640, 360)).isEqualTo(2);
        // a frame at or under the model's size is never reduced (no upsampling from a smaller decode)
        assertThat(TurboJpegDecoder.eighths(640, 480, 640, 480)).isEqualTo(8);
        assertThat(TurboJpegDecoder.eighths(320, 240, 640, 480)).isEqualTo(8);
        // rounded up as the decoder does: 1001 * 3/8 = 375.4 -> 376
        assertThat(TurboJpegDecoder.scaled(1001, 3)).isEqualTo(376);
    }

    @Test
    void aReducedDecodeShowsTheSamePictureAsTheFullDecodeResizedDown() throws Exception {
        assumeTrue(TurboJpegDecoder.available(), "apt-get install libturbojpeg0");
        byte[] jpeg = ImageDecoderTest.jpeg(
                ImageDecoderTest.scaled(
                        new SimulatedPartGenerator(5, 0.5).generate(2).image(), 1920, 1080),
                0.9f);
        BufferedImage half = TurboJpegDecoder.decode(jpeg, 4);
        assertThat(half.getWidth()).isEqualTo(960);
        assertThat(half.getHeight()).isEqualTo(540);
        assertThat(half.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage full = ImageDecoder.decodeWithImageIO(jpeg, "cam-1", Long.MAX_VALUE);
        // the full decode averaged 2x2 is what a 1/2 DCT decode approximates (both low-pass the same picture)
        BufferedImage averaged = new BufferedImage(960, 540, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 540; y++) {
            for (int x = 0; x < 960; x++) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int k = 0; k < 4; k++) {
                    int p = full.getRGB(2 * x + (k & 1), 2 * y + (k >> 1));
                    r += (p >> 16) & 0xff;
                    g += (p >> 8) & 0xff;
                    b += p & 0xff;
                }
                averaged.setRGB(x, y, ((r + 2) / 4) << 16 | ((g + 2) / 4) << 8 | ((b + 2) / 4));
            }
        }
        ImageDecoderTest.assertSamePixels(half, averaged, "1/2 DCT decode vs full decode averaged 2x2");
    }

    @Test
    void planesAtAReducedScaleShowTheSamePictureAsTheDecodersOwnColourConversion() throws Exception {
        assumeTrue(TurboJpegDecoder.available(), "apt-get install libturbojpeg0");
        BufferedImage src = ImageDecoderTest.scaled(
                new SimulatedPartGenerator(7, 0.5).generate(3).image(), 1920, 1080);
        byte[] jpeg = ImageDecoderTest.jpeg(src, 0.9f); // ImageIO writes 4:2:0
        for (int m : new int[] {3, 4, 8}) {
            io.visionhub.vision.pixel.YCbCrPlanes planes = TurboJpegDecoder.decodePlanes(jpeg, m);
            assertThat(planes.width()).isEqualTo(TurboJpegDecoder.scaled(1920, m));
            assertThat(planes.height()).isEqualTo(TurboJpegDecoder.scaled(1080, m));
            assertThat(planes.hSub()).isEqualTo(2);
            assertThat(planes.vSub()).isEqualTo(2);
            ImageDecoderTest.assertSamePixels(
                    planes.toImage(), TurboJpegDecoder.decode(jpeg, m), "planes at " + m + "/8 vs BGR at " + m + "/8");
        }
    }

    @Test
    void theInputFromPlanesIsTheInputFromTheDecodedImageAndPaddingFollowsTheFrameShape() throws Exception {
        assumeTrue(TurboJpegDecoder.available(), "apt-get install libturbojpeg0");
        io.visionhub.vision.model.ImagePreprocessor pre = new io.visionhub.vision.model.ImagePreprocessor(
                new io.visionhub.vision.model.ModelCard.Input(null, 640, 640, 3, "RGB", true, 114, null, null, null),
                true);
        java.nio.FloatBuffer reused = java.nio.FloatBuffer.allocate(pre.size());
        int[][] frames = {{1920, 1080}, {1600, 1200}, {1080, 1920}, {1920, 1080}};
        for (int[] f : frames) {
            byte[] jpeg = ImageDecoderTest.jpeg(
                    ImageDecoderTest.scaled(
                            new SimulatedPartGenerator(9, 0.5).generate(f[0]).image(), f[0], f[1]),
                    0.9f);
            int[] need = pre.resizedSize(f[0], f[1]);
            int m = TurboJpegDecoder.eighths(f[0], f[1], need[0], need[1]);
            io.visionhub.vision.pixel.YCbCrPlanes planes = TurboJpegDecoder.decodePlanes(jpeg, m);
            // the same buffer across frames of other shapes: the padding must be rewritten where the picture was
            var geoPlanes = pre.apply(planes, reused, f[0], f[1]);
            java.nio.FloatBuffer viaImage = java.nio.FloatBuffer.allocate(pre.size());
            var geoImage = pre.apply(TurboJpegDecoder.decode(jpeg, m), viaImage, f[0], f[1]);
            assertThat(geoPlanes).isEqualTo(geoImage);
            double sum = 0;
            double worst = 0;
            for (int i = 0; i < pre.size(); i++) {
                double d = Math.abs(reused.get(i) - viaImage.get(i));
                sum += d;
                worst = Math.max(worst, d);
            }
            String what = f[0] + "x" + f[1] + " at " + m + "/8";
            // normalised 0..1: a mean of half a grey level, single pixels up to ~10 levels (colour edges)
            assertThat(sum / pre.size()).as(what + " mean difference").isLessThan(2.0 / 255);
            assertThat(worst).as(what + " largest difference").isLessThan(40.0 / 255);
            // every padding value exactly as the image path writes it (grey 114), whatever the frame before left
            int dx = (640 - need[0]) / 2;
            int dy = (640 - need[1]) / 2;
            int padded = 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 640; y++) {
                    for (int x = 0; x < 640; x++) {
                        if (x < dx || x >= dx + need[0] || y < dy || y >= dy + need[1]) {
                            int i = c * 640 * 640 + y * 640 + x;
                            assertThat(reused.get(i))
                                    .as(what + " padding at " + x + "," + y)
                                    .isEqualTo(viaImage.get(i));
                            padded++;
                        }
                    }
                }
            }
            assertThat(padded).as(what + " padded values").isGreaterThan(0);
        }
    }

    @Test
    void inconsistentPlanesAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> new io.visionhub.vision.pixel.YCbCrPlanes(
                        720, 405, new byte[720 * 404], 720, null, null, 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("luma plane of 290880 bytes")
                .hasMessageContaining("720x405");
        assertThatThrownBy(() -> new io.visionhub.vision.pixel.YCbCrPlanes(
                        720, 405, new byte[720 * 405], 720, new byte[360 * 203], null, 360, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both chroma planes or none");
        assertThatThrownBy(() -> new io.visionhub.vision.pixel.YCbCrPlanes(
                        720, 405, new byte[720 * 405], 720, new byte[360 * 202], new byte[360 * 202], 360, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not cover 720x405 at 2x2");
    }

    @Test
    void aGreyJpegDecodesReducedToGreySamples() throws Exception {
        assumeTrue(TurboJpegDecoder.available(), "apt-get install libturbojpeg0");
        BufferedImage grey = new BufferedImage(1920, 1080, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = grey.createGraphics();
        g.setColor(new java.awt.Color(100, 100, 100));
        g.fillRect(0, 0, 1920, 1080);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(960, 0, 960, 1080);
        g.dispose();
        BufferedImage small = TurboJpegDecoder.decode(ImageDecoderTest.jpeg(grey, 0.95f), 3);
        assertThat(small.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(small.getWidth()).isEqualTo(720);
        assertThat(small.getHeight()).isEqualTo(405);
        assertThat(small.getRaster().getSample(100, 200, 0)).isBetween(98, 102);
        assertThat(small.getRaster().getSample(600, 200, 0)).isBetween(250, 255);
        io.visionhub.vision.pixel.YCbCrPlanes planes =
                TurboJpegDecoder.decodePlanes(ImageDecoderTest.jpeg(grey, 0.95f), 3);
        assertThat(planes.grey()).isTrue();
        assertThat(planes.y()[200 * planes.yStride() + 100] & 0xff).isBetween(98, 102);
        assertThat(planes.y()[200 * planes.yStride() + 600] & 0xff).isBetween(250, 255);
    }

    @Test
    void realPhotosGiveTheSameDetectionsReducedAsAtFullResolution() throws Exception {
        assumeTrue(TurboJpegDecoder.available(), "apt-get install libturbojpeg0");
        Path onnx = RealFixtures.yolov8n();
        int compared = 0;
        List<String> report = new ArrayList<>();
        try (InspectionModel model = new ModelLoader(new SessionTuning(2, 1, false, "all", 0, false, 0))
                .load(Yolov8nCard.write(dir, onnx))) {
            for (String name : new String[] {"dog.jpg", "horses.jpg", "person.jpg", "eagle.jpg", "giraffe.jpg"}) {
                Path photo = RealFixtures.darknetPhoto(name);
                byte[] original = Files.readAllBytes(photo);
                BufferedImage src = ImageDecoder.decodeWithImageIO(original, name, Long.MAX_VALUE);
                byte[] hd = ImageDecoderTest.jpeg(ImageDecoderTest.scaled(src, 1920, 1080), 0.9f);
                // the photo as Debian ships it (e.g. 768x576: 7/8) and as a 1080p frame (3/8)
                for (byte[] jpeg : List.of(original, hd)) {
                    ImageDecoder.Decoded reduced = ImageDecoder.decodeFor(jpeg, name, Long.MAX_VALUE, model);
                    if (jpeg == original && !reduced.reduced()) {
                        // a photo no larger than 640 on its long side: the model takes it as it is
                        continue;
                    }
                    assertThat(reduced.reduced())
                            .as(name + " is decoded reduced")
                            .isTrue();
                    // what the hub does: YCbCr planes at M/8, converted, resized and normalised in one pass
                    assertThat(reduced.planes()).as(name + " decoded to planes").isNotNull();
                    List<Defect> fast = reduced.inspectWith(model).defects();
                    ModelVerdict fullVerdict = model.inspect(ImageDecoder.decode(jpeg, name));
                    String what = name + " " + reduced.frameWidth() + "x" + reduced.frameHeight() + " (decoded "
                            + reduced.planes().width() + "x" + reduced.planes().height() + " planes)";
                    report.add(what + ": full " + fullVerdict.defects() + " reduced " + fast);
                    compared += compare(what, fullVerdict.defects(), fast);
                    // and the other way round: nothing confident appears only in the reduced decode
                    compare(what + " (reverse)", fast, fullVerdict.defects());
                }
            }
        }
        System.out.println(String.join("\n", report));
        assertThat(compared).isGreaterThanOrEqualTo(10);
    }

    @Test
    void aReducedFrameIsStoredAsItCameAndAnnotatedAtFullSize() throws Exception {
        assumeTrue(TurboJpegDecoder.available(), "apt-get install libturbojpeg0");
        Path onnx = RealFixtures.yolov8n();
        byte[] original = Files.readAllBytes(RealFixtures.darknetPhoto("dog.jpg"));
        byte[] hd = ImageDecoderTest.jpeg(
                ImageDecoderTest.scaled(ImageDecoder.decodeWithImageIO(original, "dog", Long.MAX_VALUE), 1920, 1080),
                0.9f);
        java.util.Map<String, byte[]> stored = new java.util.LinkedHashMap<>();
        FrameStore store = bytes -> {
            String sha = Integer.toHexString(java.util.Arrays.hashCode(bytes)) + "-" + bytes.length;
            stored.put(sha, bytes);
            return sha;
        };
        try (InspectionModel model = new ModelLoader(new SessionTuning(2, 1, false, "all", 0, false, 0))
                .load(Yolov8nCard.write(dir, onnx))) {
            assertThat(ImageDecoder.decodeFor(hd, "cam-1", Long.MAX_VALUE, model)
                            .reduced())
                    .isTrue();
            FrameInspector inspector = new FrameInspector(
                    "st-1", "line-1", new io.visionhub.vision.model.ModelHandle("m", model), store, true, "png", "/i/");
            io.visionhub.event.InspectionEvent e =
                    inspector.inspect(new Frame("cam-1", 1, java.time.Instant.now(), null, hd, null));
            // every COCO class is a defect for this card: NG with boxes, in 1920x1080 frame pixels
            assertThat(e.result()).isEqualTo(io.visionhub.event.InspectionEvent.Verdict.NG);
            assertThat(e.latency().decodeMs()).isPositive();
            Defect dog = e.defects().stream()
                    .filter(d -> d.defectClass().equals("dog"))
                    .findFirst()
                    .orElseThrow();
            // dog.jpg (768x576) has the dog at about x 130-310, y 218-541: x 2.5, y 1.875 at 1080p
            assertThat(dog.box().x()).isBetween(290, 360);
            assertThat(dog.box().y()).isBetween(380, 440);
            assertThat(dog.box().x() + dog.box().width()).isBetween(720, 810);
            // the frame is stored as it came; its size is the frame's, not the reduced decode's
            assertThat(stored.get(e.image().sha256())).isEqualTo(hd);
            assertThat(e.image().width()).isEqualTo(1920);
            assertThat(e.image().height()).isEqualTo(1080);
            // the annotated copy is drawn on the full-size image
            BufferedImage annotated = ImageDecoder.decode(stored.get(e.image().annotatedSha256()), "annotated");
            assertThat(annotated.getWidth()).isEqualTo(1920);
            assertThat(annotated.getHeight()).isEqualTo(1080);
        }
    }

    /**
     * Every detection of {@code expected} scoring at least {@value #CONFIDENT} is found in {@code actual}: same class,
     * IoU > 0.85, score within 0.08. Weaker ones may fall either side of the 0.25 threshold when the resampling
     * changes (the full path's bilinear 3:1 resize aliases; the DCT decode low-passes), so they are not required.
     */
    private static int compare(String what, List<Defect> expected, List<Defect> actual) {
        int n = 0;
        for (Defect s : expected) {
            if (s.confidence() < CONFIDENT) {
                continue;
            }
            Defect best = actual.stream()
                    .filter(f -> f.defectClass().equals(s.defectClass()))
                    .max((a, b) -> Double.compare(iou(a.box(), s.box()), iou(b.box(), s.box())))
                    .orElseThrow(() -> new AssertionError(what + ": no " + s.defectClass() + " in " + actual));
            assertThat(iou(best.box(), s.box()))
                    .as(what + " " + s + " IoU with " + best)
                    .isGreaterThan(0.85);
            double d = Math.abs(best.confidence() - s.confidence());
            System.out.printf(
                    "%s %s %.3f -> %.3f IoU %.3f%n",
                    what, s.defectClass(), s.confidence(), best.confidence(), iou(best.box(), s.box()));
            assertThat(d).as(what + " " + s + " score against " + best).isLessThan(0.08);
            n++;
        }
        return n;
    }

    private static final double CONFIDENT = 0.4;

    @Test
    void badJpegsAreRefusedClearlyOnTheReducedPath() throws Exception {
        assumeTrue(TurboJpegDecoder.available(), "apt-get install libturbojpeg0");
        // a model that letterboxes into 640x640, as YOLO does: a 1080p frame is resized to 640x360
        try (InspectionModel model = new InspectionModel() {
            @Override
            public io.visionhub.event.ModelRef ref() {
                return null;
            }

            @Override
            public ModelVerdict inspect(BufferedImage image) {
                throw new AssertionError("not run here");
            }

            @Override
            public int[] reducedInputSize(int w, int h) {
                return new int[] {640, 360};
            }

            @Override
            public void close() {}
        }) {
            byte[] good = ImageDecoderTest.jpeg(
                    ImageDecoderTest.scaled(
                            new SimulatedPartGenerator(3, 0.5).generate(1).image(), 1920, 1080),
                    0.9f);
            assertThat(ImageDecoder.decodeFor(good, "cam-3", Long.MAX_VALUE, model)
                            .reduced())
                    .isTrue();

            byte[] truncated = Arrays.copyOf(good, good.length / 2);
            assertThatThrownBy(() -> ImageDecoder.decodeFor(truncated, "cam-3", Long.MAX_VALUE, model))
                    .isInstanceOf(FrameRefusedException.class)
                    .hasMessageContaining("cam-3")
                    .hasMessageContaining("truncated JPEG")
                    .satisfies(e ->
                            assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.CORRUPT));

            // damaged entropy-coded data with the end marker intact: libjpeg-turbo stops on its warning (null),
            // and the frame is refused, never inspected from a patched-up image
            byte[] damaged = good.clone();
            java.util.Random r = new java.util.Random(5);
            for (int i = damaged.length / 3; i < damaged.length / 3 + 4000; i++) {
                damaged[i] = (byte) r.nextInt(256);
            }
            assertThat(TurboJpegDecoder.decode(damaged, 3)).isNull();
            assertThatThrownBy(() -> ImageDecoder.decodeFor(damaged, "cam-3", Long.MAX_VALUE, model))
                    .isInstanceOf(FrameRefusedException.class)
                    .hasMessageContaining("cam-3")
                    .satisfies(e ->
                            assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.CORRUPT));

            byte[] png = "\u0089PNG\r\n\u001a\n not really".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThatThrownBy(() -> ImageDecoder.decodeFor(png, "cam-3", Long.MAX_VALUE, model))
                    .isInstanceOf(FrameRefusedException.class)
                    .hasMessageContaining("cam-3")
                    .hasMessageContaining("PNG")
                    .satisfies(e ->
                            assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.CORRUPT));
            byte[] random = new byte[5000];
            r.nextBytes(random);
            assertThatThrownBy(() -> ImageDecoder.decodeFor(random, "cam-3", Long.MAX_VALUE, model))
                    .isInstanceOf(FrameRefusedException.class)
                    .hasMessageContaining("not a readable image");
            assertThatThrownBy(() -> ImageDecoder.decodeFor(new byte[0], "cam-3", Long.MAX_VALUE, model))
                    .isInstanceOf(FrameRefusedException.class)
                    .satisfies(e ->
                            assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.EMPTY));
            // above the pixel limit: refused from the header, before any decoding
            assertThatThrownBy(() -> ImageDecoder.decodeFor(good, "cam-3", 1_000_000, model))
                    .isInstanceOf(FrameRefusedException.class)
                    .satisfies(e ->
                            assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.TOO_LARGE));
            // the thread's handle still decodes a good frame after the bad ones
            assertThat(TurboJpegDecoder.decode(good, 3).getWidth()).isEqualTo(720);
        }
    }

    @Test
    void withoutTheLibraryJpegsAreDecodedAtFullSizeByFfmpeg() throws Exception {
        // a class loader of its own, where the library name points nowhere (as on a box without libturbojpeg0)
        String old = System.getProperty("visionhub.vision.turbojpeg-library");
        System.setProperty(
                "visionhub.vision.turbojpeg-library",
                dir.resolve("libturbojpeg-absent.so").toString());
        URL[] urls = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> {
                    try {
                        return Path.of(p).toUri().toURL();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toArray(URL[]::new);
        try (URLClassLoader isolated = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> turbo = isolated.loadClass(TurboJpegDecoder.class.getName());
            var available = turbo.getDeclaredMethod("available");
            available.setAccessible(true);
            assertThat((Boolean) available.invoke(null)).isFalse();
            byte[] jpeg = ImageDecoderTest.jpeg(
                    ImageDecoderTest.scaled(
                            new SimulatedPartGenerator(3, 0.5).generate(1).image(), 1280, 720),
                    0.9f);
            var decode = turbo.getDeclaredMethod("decode", byte[].class, int.class);
            decode.setAccessible(true);
            assertThat(decode.invoke(null, jpeg, 4)).isNull();
            Class<?> decoder = isolated.loadClass(ImageDecoder.class.getName());
            BufferedImage img = (BufferedImage)
                    decoder.getMethod("decode", byte[].class, String.class).invoke(null, jpeg, "cam-4");
            assertThat(img.getWidth()).isEqualTo(1280);
            assertThat(img.getHeight()).isEqualTo(720);
        } finally {
            if (old == null) {
                System.clearProperty("visionhub.vision.turbojpeg-library");
            } else {
                System.setProperty("visionhub.vision.turbojpeg-library", old);
            }
        }
    }

    private static double iou(Defect.Box a, Defect.Box b) {
        double ix = Math.max(0, Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x()));
        double iy = Math.max(0, Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y()));
        double inter = ix * iy;
        return inter / ((double) a.width() * a.height() + (double) b.width() * b.height() - inter);
    }
}
