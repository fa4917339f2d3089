package io.visionhub.vision.pixel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.visionhub.vision.model.ImagePreprocessor;
import io.visionhub.vision.model.ModelCard;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Packed mono (Mono10p, Mono12p: GenICam PFNC, LSB-first bit stream) and 16-bit colour (RGB16, BGR16, Bayer*16)
 * against hand-made byte patterns. The expected values are written out by hand or computed here by an independent
 * route (bits set one by one in a {@link BitSet}, flat colours that a bilinear demosaic must give back exactly,
 * means of named neighbours), never by calling the converter; then through the models' pre-processing, and bad
 * input (short buffers, odd widths of packed formats, unknown codes).
 */
class PackedAndDeepPixelFormatTest {

    static BufferedImage convert(GenicamPixelFormat f, byte[] bytes, int w, int h) {
        return PixelConverter.toImage(f, ByteBuffer.wrap(bytes), w, h, "cam-test");
    }

    static int[] samples(BufferedImage img, int band) {
        Raster r = img.getRaster();
        return r.getSamples(0, 0, img.getWidth(), img.getHeight(), band, (int[]) null);
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /** PFNC packing done bit by bit: pixel i's bit k is stream bit i * bits + k; stream bit j is bit j % 8 of byte j / 8. */
    static byte[] packBitByBit(int[] values, int bits) {
        BitSet stream = new BitSet();
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < bits; k++) {
                if (((values[i] >> k) & 1) != 0) {
                    stream.set(i * bits + k);
                }
            }
        }
        byte[] out = new byte[(values.length * bits + 7) / 8];
        for (int j = stream.nextSetBit(0); j >= 0; j = stream.nextSetBit(j + 1)) {
            out[j / 8] |= (byte) (1 << (j % 8));
        }
        return out;
    }

    // ---- Mono10p / Mono12p ------------------------------------------------------------------------------------

    @Test
    void mono12pTwoPixelsInThreeBytesLowBitsFirst() {
        // p0 = 0x123, p1 = 0xABC: byte0 = p0[7:0], byte1 = p1[3:0] << 4 | p0[11:8], byte2 = p1[11:4]
        byte[] b = bytes(0x23, 0xC1, 0xAB, 0xFF, 0x1F, 0x00);
        BufferedImage img = convert(GenicamPixelFormat.MONO12P, b, 2, 2);
        assertThat(samples(img, 0)).containsExactly(0x123, 0xABC, 0xFFF, 0x001);
        assertThat(img.getColorModel().getComponentSize(0))
                .as("12 significant bits")
                .isEqualTo(12);
    }

    @Test
    void mono10pFourPixelsInFiveBytesLowBitsFirst() {
        // byte0 = p0[7:0], byte1 = p1[5:0] << 2 | p0[9:8], byte2 = p2[3:0] << 4 | p1[9:6],
        // byte3 = p3[1:0] << 6 | p2[9:4], byte4 = p3[9:2]; p = 0x3FF, 0x000, 0x155, 0x2AA
        byte[] b = bytes(0xFF, 0x03, 0x50, 0x95, 0xAA);
        BufferedImage img = convert(GenicamPixelFormat.MONO10P, b, 4, 1);
        assertThat(samples(img, 0)).containsExactly(0x3FF, 0x000, 0x155, 0x2AA);
        assertThat(img.getColorModel().getComponentSize(0)).isEqualTo(10);
    }

    @Test
    void packedFramesOfOddWidthContinueTheBitStreamAcrossLines() {
        Random rnd = new Random(18);
        for (int bits : new int[] {10, 12}) {
            GenicamPixelFormat f = bits == 10 ? GenicamPixelFormat.MONO10P : GenicamPixelFormat.MONO12P;
            for (int[] size : new int[][] {{3, 3}, {5, 3}, {7, 5}, {1, 7}}) {
                int n = size[0] * size[1];
                int[] values = new int[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rnd.nextInt(1 << bits);
                }
                values[n - 1] = (1 << bits) - 1; // the last pixel, in a partly used last byte
                byte[] packed = packBitByBit(values, bits);
                assertThat(packed).hasSize((n * bits + 7) / 8);
                assertThat(samples(convert(f, packed, size[0], size[1]), 0))
                        .as("%s %dx%d", f.genicamName(), size[0], size[1])
                        .containsExactly(values);
            }
        }
    }

    @Test
    void aMono12pFrameOneByteShortIsRefusedNamingBothSizes() {
        // 3x3 Mono12p = 9 pixels x 12 bits = 108 bits = 14 bytes (the last one half used)
        assertThatThrownBy(() -> convert(GenicamPixelFormat.MONO12P, new byte[13], 3, 3))
                .isInstanceOf(UnsupportedPixelFormatException.class)
                .hasMessageContaining("cam-test: Mono12p frame of 3x3 needs 14 bytes but the buffer holds 13");
        assertThatThrownBy(() -> convert(GenicamPixelFormat.MONO10P, new byte[4], 4, 1))
                .hasMessageContaining("Mono10p frame of 4x1 needs 5 bytes but the buffer holds 4");
        assertThatThrownBy(() -> convert(GenicamPixelFormat.MONO10P, new byte[5], 0, 1))
                .hasMessageContaining("is empty");
    }

    @Test
    void mono12pReachesTheModelWithItsTwelveBits() {
        // 2048 and 2049 are one Mono12 level apart: 1/4095 apart in the model's input (scale 1/255 of 0..255)
        byte[] b = packBitByBit(new int[] {2048, 2049, 0, 4095}, 12);
        ImagePreprocessor p =
                new ImagePreprocessor(new ModelCard.Input(null, 4, 1, 1, "RGB", false, 0, null, null, null), false);
        FloatBuffer out = FloatBuffer.allocate(p.size());
        p.apply(convert(GenicamPixelFormat.MONO12P, b, 4, 1), out);
        assertThat(out.get(0)).isCloseTo(2048 / 4095f, within(1e-6f));
        assertThat(out.get(1)).isCloseTo(2049 / 4095f, within(1e-6f));
        assertThat(out.get(2)).isZero();
        assertThat(out.get(3)).isCloseTo(1f, within(1e-6f));
    }

    // ---- RGB16 / BGR16 ----------------------------------------------------------------------------------------

    @Test
    void rgb16AndBgr16AreLittleEndianWordsInTheirOrder() {
        // one pixel R=0x1234 G=0xABCD B=0xFFFF, one R=0x0001 G=0x8000 B=0x0000
        byte[] rgb = bytes(0x34, 0x12, 0xCD, 0xAB, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x80, 0x00, 0x00);
        byte[] bgr = bytes(0xFF, 0xFF, 0xCD, 0xAB, 0x34, 0x12, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00);
        for (BufferedImage img : new BufferedImage[] {
            convert(GenicamPixelFormat.RGB16, rgb, 2, 1), convert(GenicamPixelFormat.BGR16, bgr, 2, 1)
        }) {
            assertThat(samples(img, 0)).containsExactly(0x1234, 0x0001);
            assertThat(samples(img, 1)).containsExactly(0xABCD, 0x8000);
            assertThat(samples(img, 2)).containsExactly(0xFFFF, 0x0000);
        }
        assertThat(GenicamPixelFormat.fromName("RGB16Packed")).isEqualTo(GenicamPixelFormat.RGB16);
        assertThat(GenicamPixelFormat.fromCode(0x0230004B)).isEqualTo(GenicamPixelFormat.BGR16);
    }

    @Test
    void rgb16ReachesAnRgbModelAtEightBitsPerChannelRounded() {
        byte[] rgb = bytes(0x34, 0x12, 0xCD, 0xAB, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x80, 0x00, 0x00);
        ImagePreprocessor p =
                new ImagePreprocessor(new ModelCard.Input(null, 2, 1, 3, "RGB", false, 0, null, null, null), false);
        FloatBuffer out = FloatBuffer.allocate(p.size());
        p.apply(convert(GenicamPixelFormat.RGB16, rgb, 2, 1), out);
        // planes R, G, B of 2 pixels; each 16-bit v becomes round(v * 255 / 65535), then / 255
        float[] expected = {
            Math.round(0x1234 * 255 / 65535.0) / 255f,
            Math.round(0x0001 * 255 / 65535.0) / 255f,
            Math.round(0xABCD * 255 / 65535.0) / 255f,
            Math.round(0x8000 * 255 / 65535.0) / 255f,
            1f,
            0f
        };
        for (int i = 0; i < expected.length; i++) {
            assertThat(out.get(i)).as("input %d", i).isCloseTo(expected[i], within(1e-6f));
        }
    }

    @Test
    void a16BitColourFrameShortOfOneWordIsRefused() {
        assertThatThrownBy(() -> convert(GenicamPixelFormat.RGB16, new byte[11], 2, 1))
                .hasMessageContaining("RGB16 frame of 2x1 needs 12 bytes but the buffer holds 11");
        assertThatThrownBy(() -> convert(GenicamPixelFormat.BAYER_RG16, new byte[31], 4, 4))
                .hasMessageContaining("BayerRG16 frame of 4x4 needs 32 bytes but the buffer holds 31");
    }

    // ---- Bayer 16 ---------------------------------------------------------------------------------------------

    /** A flat colour seen through the pattern (2x2 tile, row by row: e.g. "RGGB"), as 16-bit little-endian. */
    static byte[] mosaic(String tile, int w, int h, int r, int g, int b) {
        ByteBuffer out = ByteBuffer.allocate(w * h * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                char c = tile.charAt((y % 2) * 2 + (x % 2));
                out.putShort((short) (c == 'R' ? r : c == 'G' ? g : b));
            }
        }
        return out.array();
    }

    @Test
    void eachBayer16PatternGivesAFlatColourBackExactlyWithItsFullSixteenBits() {
        int r = 60000;
        int g = 30000;
        int b = 1000;
        String[][] patterns = {
            {"BayerRG16", "RGGB"}, {"BayerGR16", "GRBG"}, {"BayerGB16", "GBRG"}, {"BayerBG16", "BGGR"}
        };
        for (String[] p : patterns) {
            BufferedImage img = convert(GenicamPixelFormat.fromName(p[0]), mosaic(p[1], 6, 4, r, g, b), 6, 4);
            assertThat(samples(img, 0)).as(p[0] + " red").containsOnly(r);
            assertThat(samples(img, 1)).as(p[0] + " green").containsOnly(g);
            assertThat(samples(img, 2)).as(p[0] + " blue").containsOnly(b);
        }
    }

    @Test
    void bayerRg16InterpolatesTheMissingColoursFromTheNamedNeighbours() {
        // 4x4 RGGB; v(x, y) = 1000 * (y * 4 + x) + 17 so that every neighbour is different and above 8 bits
        int w = 4;
        int h = 4;
        ByteBuffer buf = ByteBuffer.allocate(w * h * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < w * h; i++) {
            buf.putShort((short) (1000 * i + 17));
        }
        BufferedImage img = convert(GenicamPixelFormat.BAYER_RG16, buf.array(), w, h);
        int[] red = samples(img, 0);
        int[] green = samples(img, 1);
        int[] blue = samples(img, 2);
        // (1,1) is a blue site in RGGB: red from the 4 diagonals (0,0) (2,0) (0,2) (2,2), green from the 4 sides
        int at11 = 1 * w + 1;
        assertThat(blue[at11]).isEqualTo(5017);
        assertThat(red[at11]).isEqualTo((17 + 2017 + 8017 + 10017 + 2) / 4);
        assertThat(green[at11]).isEqualTo((4017 + 6017 + 1017 + 9017 + 2) / 4);
        // (1,0) is a green site on a red row: red from left and right, blue from above (mirrored: the row below) and
        // below
        int at10 = 1;
        assertThat(green[at10]).isEqualTo(1017);
        assertThat(red[at10]).isEqualTo((17 + 2017 + 1) / 2);
        assertThat(blue[at10]).isEqualTo(5017);
        // (2,2) is a red site
        assertThat(red[2 * w + 2]).isEqualTo(10017);
    }

    @Test
    void unknownCodesAndNamesAreRefusedListingTheSupportedOnes() {
        assertThatThrownBy(() -> GenicamPixelFormat.fromName("BayerRG12p"))
                .isInstanceOf(UnsupportedPixelFormatException.class)
                .hasMessageContaining("pixel format BayerRG12p is not supported")
                .hasMessageContaining("Mono10p, Mono12p")
                .hasMessageContaining("BayerRG16")
                .hasMessageContaining("RGB16, BGR16");
        assertThatThrownBy(() -> GenicamPixelFormat.fromCode(0x010C0006)) // GigE Vision 1.x Mono12Packed
                .hasMessageContaining("pixel format 0x10C0006 is not supported");
        assertThat(GenicamPixelFormat.fromCode(0x010C0047)).isEqualTo(GenicamPixelFormat.MONO12P);
        assertThat(GenicamPixelFormat.fromCode(0x0110002F)).isEqualTo(GenicamPixelFormat.BAYER_RG16);
    }
}
