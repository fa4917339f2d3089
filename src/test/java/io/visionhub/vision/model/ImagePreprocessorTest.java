package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.visionhub.event.Defect;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    static final ModelCard.Input YOLO = new ModelCard.Input(null, 640, 640, 3, "RGB", true, 114, null, null, null);

    static FloatBuffer buffer(ImagePreprocessor p) {
        return ByteBuffer.allocateDirect(p.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    static BufferedImage gradient(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = x * 255 / (w - 1);
                int g = y * 255 / (h - 1);
                img.setRGB(x, y, new Color(r, g, 100).getRGB());
            }
        }
        return img;
    }

    @Test
    void letterboxPadsAroundAScaledFrameAndMapsBoxesBack() {
        ImagePreprocessor p = new ImagePreprocessor(YOLO, true);
        BufferedImage img = new BufferedImage(1920, 1080, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(200, 50, 10));
        g.fillRect(0, 0, 1920, 1080);
        g.dispose();
        FloatBuffer out = buffer(p);
        ImagePreprocessor.Geometry geo = p.apply(img, out);
        int plane = 640 * 640;
        // 1920x1080 -> 640x360, 140 rows of pad above and below
        assertThat(geo.padY()).isEqualTo(140);
        assertThat(out.get(0)).isCloseTo(114 / 255f, within(1e-6f));
        assertThat(out.get(300 * 640 + 320)).isCloseTo(200 / 255f, within(1e-6f));
        assertThat(out.get(plane + 300 * 640 + 320)).isCloseTo(50 / 255f, within(1e-6f));
        assertThat(out.get(2 * plane + 300 * 640 + 320)).isCloseTo(10 / 255f, within(1e-6f));
        assertThat(geo.toOriginal(320, 140, 640, 500)).isEqualTo(new Defect.Box(960, 0, 960, 1080));
    }

    @Test
    void bgrAndRgbRastersGiveTheSameInputAndMatchJava2dScalingClosely() {
        ImagePreprocessor p = new ImagePreprocessor(YOLO, true);
        BufferedImage rgb = gradient(1280, 960, BufferedImage.TYPE_INT_RGB);
        BufferedImage bgr = gradient(1280, 960, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage other = gradient(1280, 960, BufferedImage.TYPE_INT_BGR); // no fast path: Java2D fallback
        FloatBuffer a = buffer(p);
        FloatBuffer b = buffer(p);
        FloatBuffer c = buffer(p);
        p.apply(rgb, a);
        p.apply(bgr, b);
        p.apply(other, c);
        float maxDiff = 0;
        for (int i = 0; i < p.size(); i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i));
            maxDiff = Math.max(maxDiff, Math.abs(a.get(i) - c.get(i)));
        }
        assertThat(maxDiff).isLessThan(3 / 255f);
    }

    @Test
    void everyInputPixelIsPadOrImageWhateverTheFrameBeforeAndBgrCardsGetBluePlaneFirst() {
        // the input array is reused per thread and only the pad bands are filled: a portrait frame (pad left and
        // right) after a landscape one (pad above and below) must leave nothing of the first behind
        ModelCard.Input bgrCard = new ModelCard.Input(null, 640, 640, 3, "BGR", true, 114, null, null, null);
        ImagePreprocessor p = new ImagePreprocessor(bgrCard, true);
        FloatBuffer out = buffer(p);
        p.apply(solid(1920, 1080, new Color(250, 250, 250)), out);
        ImagePreprocessor.Geometry geo = p.apply(solid(1080, 1920, new Color(200, 50, 10)), out);
        int plane = 640 * 640;
        assertThat(geo.padX()).isEqualTo(140);
        for (int y : new int[] {0, 100, 320, 639}) {
            for (int x : new int[] {0, 139, 500, 639}) {
                int i = y * 640 + x;
                boolean image = x >= 140 && x < 500;
                // BGR card: plane 0 is blue, plane 2 red
                assertThat(out.get(i)).as("blue at %d,%d", x, y).isCloseTo((image ? 10 : 114) / 255f, within(1e-6f));
                assertThat(out.get(plane + i)).isCloseTo((image ? 50 : 114) / 255f, within(1e-6f));
                assertThat(out.get(2 * plane + i)).isCloseTo((image ? 200 : 114) / 255f, within(1e-6f));
            }
        }
    }

    private static BufferedImage solid(int w, int h, Color c) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }
}
