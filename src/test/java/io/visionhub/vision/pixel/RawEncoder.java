package io.visionhub.vision.pixel;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Test side: writes an RGB scene as a camera would send it in each GenICam pixel format (the inverse of
 * {@link PixelConverter}, written independently from the format definitions).
 */
final class RawEncoder {

    private RawEncoder() {}

    /** Luma (BT.601) of an RGB pixel, as a mono sensor sees the scene. */
    static int luma(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        return (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }

    /** The scene as a mono camera sees it, as RGB with R=G=B (the reference for the mono formats). */
    static BufferedImage grey(BufferedImage scene) {
        BufferedImage out = new BufferedImage(scene.getWidth(), scene.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < scene.getHeight(); y++) {
            for (int x = 0; x < scene.getWidth(); x++) {
                int v = luma(scene.getRGB(x, y));
                out.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return out;
    }

    static ByteBuffer encode(GenicamPixelFormat f, BufferedImage scene) {
        int w = scene.getWidth();
        int h = scene.getHeight();
        ByteBuffer out = ByteBuffer.allocateDirect((int) f.frameBytes(w, h)).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = scene.getRGB(x, y);
                int r = (p >> 16) & 0xff;
                int g = (p >> 8) & 0xff;
                int b = p & 0xff;
                int i = y * w + x;
                switch (f) {
                    case MONO8 -> out.put(i, (byte) luma(p));
                    case MONO10, MONO12, MONO16 -> {
                        int max = (1 << f.bits()) - 1;
                        // a deep sensor resolves more than 8 bits: spread the 8-bit scene over the full scale
                        out.putShort(i * 2, (short) Math.round(luma(p) * max / 255.0));
                    }
                    case RGB8 -> {
                        out.put(i * 3, (byte) r);
                        out.put(i * 3 + 1, (byte) g);
                        out.put(i * 3 + 2, (byte) b);
                    }
                    case BGR8 -> {
                        out.put(i * 3, (byte) b);
                        out.put(i * 3 + 1, (byte) g);
                        out.put(i * 3 + 2, (byte) r);
                    }
                    case BAYER_RG8 -> out.put(i, (byte) cfa("RGGB", x, y, r, g, b));
                    case BAYER_GR8 -> out.put(i, (byte) cfa("GRBG", x, y, r, g, b));
                    case BAYER_GB8 -> out.put(i, (byte) cfa("GBRG", x, y, r, g, b));
                    case BAYER_BG8 -> out.put(i, (byte) cfa("BGGR", x, y, r, g, b));
                    case MONO10P, MONO12P -> {
                        // the PFNC bit stream, bit by bit: pixel i's bit k is stream bit i * bits + k
                        int v = (int) Math.round(luma(p) * ((1 << f.bits()) - 1) / 255.0);
                        for (int k = 0; k < f.bits(); k++) {
                            if (((v >> k) & 1) != 0) {
                                int bit = i * f.bits() + k;
                                out.put(bit / 8, (byte) (out.get(bit / 8) | (1 << (bit % 8))));
                            }
                        }
                    }
                    // 8-bit scene values spread over 16 bits: v * 257 maps 0..255 onto 0..65535 exactly
                    case RGB16 -> {
                        out.putShort(i * 6, (short) (r * 257));
                        out.putShort(i * 6 + 2, (short) (g * 257));
                        out.putShort(i * 6 + 4, (short) (b * 257));
                    }
                    case BGR16 -> {
                        out.putShort(i * 6, (short) (b * 257));
                        out.putShort(i * 6 + 2, (short) (g * 257));
                        out.putShort(i * 6 + 4, (short) (r * 257));
                    }
                    case BAYER_RG16 -> out.putShort(i * 2, (short) (cfa("RGGB", x, y, r, g, b) * 257));
                    case BAYER_GR16 -> out.putShort(i * 2, (short) (cfa("GRBG", x, y, r, g, b) * 257));
                    case BAYER_GB16 -> out.putShort(i * 2, (short) (cfa("GBRG", x, y, r, g, b) * 257));
                    case BAYER_BG16 -> out.putShort(i * 2, (short) (cfa("BGGR", x, y, r, g, b) * 257));
                    case YUV422_8, YUV422_8_UYVY -> {
                        if (x % 2 == 0) {
                            yuvPair(f == GenicamPixelFormat.YUV422_8_UYVY, out, i * 2, p, scene.getRGB(x + 1, y));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The sample a Bayer sensor of this 2x2 pattern (row 0 then row 1) records at (x, y). */
    private static int cfa(String pattern, int x, int y, int r, int g, int b) {
        char c = pattern.charAt((y % 2) * 2 + (x % 2));
        return c == 'R' ? r : c == 'G' ? g : b;
    }

    /** Two pixels in 4:2:2: a luma each, the chroma of their mean (BT.601 full range). */
    private static void yuvPair(boolean uyvy, ByteBuffer out, int at, int p0, int p1) {
        double r = (((p0 >> 16) & 0xff) + ((p1 >> 16) & 0xff)) / 2.0;
        double g = (((p0 >> 8) & 0xff) + ((p1 >> 8) & 0xff)) / 2.0;
        double b = ((p0 & 0xff) + (p1 & 0xff)) / 2.0;
        int u = clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
        int v = clamp(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
        int y0 = clamp(0.299 * ((p0 >> 16) & 0xff) + 0.587 * ((p0 >> 8) & 0xff) + 0.114 * (p0 & 0xff));
        int y1 = clamp(0.299 * ((p1 >> 16) & 0xff) + 0.587 * ((p1 >> 8) & 0xff) + 0.114 * (p1 & 0xff));
        byte[] bytes = uyvy
                ? new byte[] {(byte) u, (byte) y0, (byte) v, (byte) y1}
                : new byte[] {(byte) y0, (byte) u, (byte) y1, (byte) v};
        out.put(at, bytes);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
