package io.visionhub.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visionhub.vision.FrameRefusedException.Reason;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The native JPEG path of {@link ImageDecoder} (FFmpeg's decoder) against ImageIO's, which it replaces for JPEG:
 * the same pixels within what two JPEG decoders differ by, and the same refusals for bad data.
 *
 * <p>Tolerance: the two decoders' IDCTs differ by about one level, and FFmpeg's converter repeats each chroma
 * sample where libjpeg interpolates ("fancy upsampling"), which moves pixels on sharp colour edges: mean absolute
 * difference per channel under 2 levels and the 99th percentile under 12 on real photographs (measured: 0.9-1.8 and
 * 4-9 on the darknet photos).
 */
class ImageDecoderTest {

    @Test
    void nativeDecoderIsAvailableOnThisPlatform() {
        // linux-x86_64 is the platform the jar ships natives for; if this fails every JPEG falls back to ImageIO
        assertThat(NativeJpegDecoder.available()).isTrue();
    }

    @Test
    void aColourJpegDecodesToTheSamePixelsAsImageIoWithinDecoderTolerance() throws Exception {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(7, 0.5);
        for (int i = 0; i < 4; i++) {
            byte[] jpeg = jpeg(scaled(gen.generate(i).image(), 1920, 1080), 0.9f);
            BufferedImage fast = ImageDecoder.decode(jpeg, "cam-1");
            assertThat(fast.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
            assertSamePixels(fast, ImageDecoder.decodeWithImageIO(jpeg, "cam-1", Long.MAX_VALUE), "part " + i);
        }
    }

    @Test
    void realPhotosDecodeToTheSamePixelsAsImageIo() throws Exception {
        assumeTrue(Files.isDirectory(RealFixtures.DARKNET_DATA), "apt-get install darknet (sample photos)");
        List<Path> photos;
        try (Stream<Path> s = Files.list(RealFixtures.DARKNET_DATA)) {
            photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        assumeTrue(!photos.isEmpty(), "no JPEG in " + RealFixtures.DARKNET_DATA);
        for (Path p : photos) {
            byte[] jpeg = Files.readAllBytes(p);
            assertSamePixels(
                    ImageDecoder.decode(jpeg, p.toString()),
                    ImageDecoder.decodeWithImageIO(jpeg, p.toString(), Long.MAX_VALUE),
                    p.toString());
        }
    }

    @Test
    void widthsThatAreNotAMultipleOf16KeepTheirLastColumns() throws Exception {
        // swscale's SIMD converter gets the last (width mod 16) columns wrong unless the decoder pads the width
        for (int w : new int[] {259, 548, 1282, 17}) {
            BufferedImage img = new BufferedImage(w, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(30, 160, 220));
            g.fillRect(0, 0, w, 64);
            g.dispose();
            BufferedImage fast = ImageDecoder.decode(jpeg(img, 0.95f), "cam-1");
            assertThat(fast.getWidth()).isEqualTo(w);
            for (int x = w - 3; x < w; x++) {
                Color c = new Color(fast.getRGB(x, 32));
                assertThat(Math.abs(c.getRed() - 30) + Math.abs(c.getGreen() - 160) + Math.abs(c.getBlue() - 220))
                        .as("width %d, column %d: %s", w, x, c)
                        .isLessThan(12);
            }
        }
    }

    @Test
    void aGreyJpegKeepsItsGreySamples() throws Exception {
        BufferedImage grey = new BufferedImage(320, 240, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 320, 240);
        g.setColor(Color.WHITE);
        g.fillOval(60, 40, 150, 120);
        g.dispose();
        byte[] jpeg = jpeg(grey, 0.95f);
        BufferedImage fast = ImageDecoder.decode(jpeg, "cam-1");
        assertThat(fast.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        // the raw sample, not Java2D's gamma-converted getRGB (see RgbNormaliser)
        assertThat(fast.getRaster().getSample(10, 10, 0)).isBetween(126, 130);
        assertSamePixels(fast, ImageDecoder.decodeWithImageIO(jpeg, "cam-1", Long.MAX_VALUE), "grey");
    }

    @Test
    void truncatedGarbageAndRandomBytesAreRefusedNamingTheCamera() throws Exception {
        byte[] good = jpeg(scaled(new SimulatedPartGenerator(3, 0.5).generate(1).image(), 1280, 720), 0.9f);
        Random r = new Random(11);

        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> ImageDecoder.decode(truncated, "cam-7"))
                .isInstanceOf(FrameRefusedException.class)
                .hasMessageContaining("cam-7")
                .hasMessageContaining("truncated JPEG")
                .satisfies(e -> assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.CORRUPT));

        byte[] garbage = good.clone();
        for (int i = 1000; i < garbage.length - 2; i++) {
            garbage[i] = (byte) r.nextInt(256);
        }
        assertThatThrownBy(() -> ImageDecoder.decode(garbage, "cam-7"))
                .isInstanceOf(FrameRefusedException.class)
                .hasMessageContaining("cam-7")
                .hasMessageContaining("corrupt")
                .satisfies(e -> assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.CORRUPT));

        byte[] random = new byte[5000];
        r.nextBytes(random);
        assertThatThrownBy(() -> ImageDecoder.decode(random, "cam-7"))
                .isInstanceOf(FrameRefusedException.class)
                .hasMessageContaining("not a readable image");

        byte[] onlyMarkers = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
        assertThatThrownBy(() -> ImageDecoder.decode(onlyMarkers, "cam-7"))
                .isInstanceOf(FrameRefusedException.class)
                .hasMessageContaining("cam-7");

        // after all that, the pooled decoders still decode a good frame
        assertSamePixels(
                ImageDecoder.decode(good, "cam-7"),
                ImageDecoder.decodeWithImageIO(good, "cam-7", Long.MAX_VALUE),
                "good after bad");
    }

    @Test
    void aJpegHeaderAboveThePixelLimitIsRefusedBeforeDecoding() throws Exception {
        byte[] jpeg = jpeg(new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB), 0.9f);
        assertThatThrownBy(() -> ImageDecoder.decode(jpeg, "cam-2", 100_000))
                .isInstanceOf(FrameRefusedException.class)
                .hasMessageContaining("640x480")
                .satisfies(e -> assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.TOO_LARGE));
        // a forged SOF claiming 60000x60000: refused from the header, nothing allocated
        byte[] forged = jpeg.clone();
        int sof = sofOffset(forged);
        forged[sof + 5] = (byte) 0xEA;
        forged[sof + 6] = (byte) 0x60;
        forged[sof + 7] = (byte) 0xEA;
        forged[sof + 8] = (byte) 0x60;
        assertThatThrownBy(() -> ImageDecoder.decode(forged, "cam-2"))
                .isInstanceOf(FrameRefusedException.class)
                .hasMessageContaining("60000x60000")
                .satisfies(e -> assertThat(((FrameRefusedException) e).reason()).isEqualTo(Reason.TOO_LARGE));
        assertThat(JpegHeader.size(jpeg)).containsExactly(640, 480);
        assertThat(JpegHeader.size(new byte[] {1, 2, 3, 4, 5})).isNull();
    }

    @Test
    void framesDecodedOnSeveralThreadsAtOnceAreEachTheirOwn() throws Exception {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(5, 0.5);
        int n = 6;
        byte[][] jpegs = new byte[n][];
        BufferedImage[] expected = new BufferedImage[n];
        for (int i = 0; i < n; i++) {
            // different sizes too, so a pooled context that kept the last frame's size would show
            jpegs[i] = jpeg(scaled(gen.generate(i).image(), 320 + 64 * i, 240 + 48 * i), 0.9f);
            expected[i] = ImageDecoder.decode(jpegs[i], "cam");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t;
                results.add(pool.submit(() -> {
                    for (int k = 0; k < 30; k++) {
                        int i = (start + k) % n;
                        BufferedImage img = ImageDecoder.decode(jpegs[i], "cam");
                        if (!Arrays.equals(bytes(img), bytes(expected[i]))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertSamePixels(BufferedImage a, BufferedImage b, String what) {
        assertThat(a.getWidth()).as(what).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).as(what).isEqualTo(b.getHeight());
        int[] hist = new int[256];
        long sum = 0;
        long n = 0;
        boolean grey = a.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (grey) {
                    int d = Math.abs(
                            a.getRaster().getSample(x, y, 0) - b.getRaster().getSample(x, y, 0));
                    hist[d]++;
                    sum += d;
                    n++;
                    continue;
                }
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    int d = Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
                    hist[d]++;
                    sum += d;
                    n++;
                }
            }
        }
        long acc = 0;
        int p99 = 0;
        for (int d = 0; d < 256; d++) {
            acc += hist[d];
            if (acc >= 0.99 * n) {
                p99 = d;
                break;
            }
        }
        assertThat((double) sum / n).as(what + ": mean absolute difference").isLessThan(2.0);
        assertThat(p99).as(what + ": 99th percentile of the difference").isLessThan(12);
    }

    private static byte[] bytes(BufferedImage img) {
        return ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
    }

    private static int sofOffset(byte[] b) {
        for (int i = 2; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xC0) {
                return i;
            }
        }
        throw new AssertionError("no SOF0 marker");
    }

    static BufferedImage scaled(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** ImageIO's JPEG writer: baseline, 4:2:0 chroma for colour, as most cameras send. */
    static byte[] jpeg(BufferedImage img, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
