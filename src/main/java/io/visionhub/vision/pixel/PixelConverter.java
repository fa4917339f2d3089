package io.visionhub.vision.pixel;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.WritableRaster;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns one raw camera buffer (GenICam pixel format, rows packed without padding) into the image the models' path
 * reads, in one pass straight from the buffer (which may be a view of the camera library's native memory):
 * <ul>
 *   <li>Mono8: 8-bit grey ({@code TYPE_BYTE_GRAY});</li>
 *   <li>Mono10/12/16 (unpacked, little-endian) and Mono10p/Mono12p (PFNC packed: one LSB-first bit stream, 4
 *       pixels in 5 bytes, 2 in 3): 16-bit grey samples whose colour model has the format's bit depth, so that
 *       pre-processing scales {@code v / (2^bits - 1)} and keeps every bit until the card's normalisation;</li>
 *   <li>RGB16/BGR16 (16-bit little-endian words) and Bayer RG/GB/GR/BG 16 (the same bilinear demosaic as the 8-bit
 *       ones, in 16 bits): 16-bit RGB ({@link #deepRgb}), every sample kept; the models' pre-processing reads them
 *       at 8 bits per channel ({@code round(v * 255 / 65535)});</li>
 *   <li>BGR8: {@code TYPE_3BYTE_BGR} (the same byte order: a bulk copy); RGB8: {@code TYPE_INT_RGB};</li>
 *   <li>Bayer RG/GB/GR/BG 8: bilinear demosaic to {@code TYPE_INT_RGB} (edges mirrored, keeping the colour
 *       pattern);</li>
 *   <li>YUV 4:2:2 (YUYV and UYVY): BT.601 full-range YUV to RGB, the chroma of a pixel pair shared by both.</li>
 * </ul>
 * A buffer too small for width x height in its format is refused with the sizes named.
 */
public final class PixelConverter {

    private PixelConverter() {}

    /**
     * @param data   the frame, from position 0 (native or heap; not modified, not kept)
     * @param source who sent it, for error messages (camera id)
     */
    public static BufferedImage toImage(
            GenicamPixelFormat format, ByteBuffer data, int width, int height, String source) {
        if (width <= 0 || height <= 0) {
            throw new UnsupportedPixelFormatException(
                    source + ": frame of " + width + "x" + height + " pixels in " + format.genicamName() + " is empty");
        }
        long need = format.frameBytes(width, height);
        if (data.capacity() < need) {
            throw new UnsupportedPixelFormatException(source + ": " + format.genicamName() + " frame of " + width + "x"
                    + height + " needs " + need + " bytes but the buffer holds " + data.capacity()
                    + " (wrong PixelFormat, or a truncated buffer)");
        }
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.clear();
        return switch (format) {
            case MONO8 -> mono8(b, width, height);
            case MONO10, MONO12, MONO16 -> mono16(b, width, height, format.bits());
            case MONO10P, MONO12P -> monoPacked(b, width, height, format.bits());
            case RGB8 -> rgb8(b, width, height);
            case BGR8 -> bgr8(b, width, height);
            case RGB16 -> rgb16(b, width, height, false);
            case BGR16 -> rgb16(b, width, height, true);
            case BAYER_RG8 -> bayer(b, width, height, 0, 0);
            case BAYER_GR8 -> bayer(b, width, height, 1, 0);
            case BAYER_GB8 -> bayer(b, width, height, 0, 1);
            case BAYER_BG8 -> bayer(b, width, height, 1, 1);
            case BAYER_RG16 -> bayer16(b, width, height, 0, 0);
            case BAYER_GR16 -> bayer16(b, width, height, 1, 0);
            case BAYER_GB16 -> bayer16(b, width, height, 0, 1);
            case BAYER_BG16 -> bayer16(b, width, height, 1, 1);
            case YUV422_8 -> yuv422(b, width, height, false);
            case YUV422_8_UYVY -> yuv422(b, width, height, true);
        };
    }

    /** A grey image of {@code bits} significant bits in 16-bit samples (Mono10/12/16). */
    public static BufferedImage deepGrey(int width, int height, int bits) {
        return deep(ColorSpace.CS_GRAY, new int[] {bits}, width, height);
    }

    /** An RGB image of 16-bit samples (R, G, B interleaved per pixel in a short array). */
    public static BufferedImage deepRgb(int width, int height) {
        return deep(ColorSpace.CS_sRGB, new int[] {16, 16, 16}, width, height);
    }

    /** An opaque image of 16-bit samples in this colour space, {@code bits} significant bits per component. */
    private static BufferedImage deep(int colorSpace, int[] bits, int width, int height) {
        ComponentColorModel cm = new ComponentColorModel(
                ColorSpace.getInstance(colorSpace), bits, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(width, height);
        return new BufferedImage(cm, r, false, null);
    }

    /**
     * PFNC packed mono (Mono10p, Mono12p): the frame is one bit stream, least significant bit first: pixel i takes
     * bits [i * bits, (i + 1) * bits) of it, byte k holding stream bits 8k..8k+7 with bit 8k as its bit 0. Lines are
     * not padded (a line of an odd width in Mono12p ends in the middle of a byte and the next line begins there).
     */
    private static BufferedImage monoPacked(ByteBuffer b, int w, int h, int bits) {
        BufferedImage img = deepGrey(w, h, bits);
        short[] dst = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        int n = w * h;
        int mask = (1 << bits) - 1;
        long acc = 0; // bits not used yet, the oldest in the low end
        int have = 0;
        int pos = 0;
        for (int i = 0; i < n; i++) {
            while (have < bits) {
                acc |= (long) (b.get(pos++) & 0xff) << have;
                have += 8;
            }
            dst[i] = (short) (acc & mask);
            acc >>>= bits;
            have -= bits;
        }
        return img;
    }

    private static BufferedImage rgb16(ByteBuffer b, int w, int h, boolean bgrOrder) {
        BufferedImage img = deepRgb(w, h);
        short[] dst = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        b.asShortBuffer().get(dst, 0, w * h * 3);
        if (bgrOrder) {
            for (int i = 0; i < dst.length; i += 3) {
                short t = dst[i];
                dst[i] = dst[i + 2];
                dst[i + 2] = t;
            }
        }
        return img;
    }

    private static BufferedImage mono8(ByteBuffer b, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        b.get(dst, 0, w * h);
        return img;
    }

    private static BufferedImage mono16(ByteBuffer b, int w, int h, int bits) {
        BufferedImage img = deepGrey(w, h, bits);
        short[] dst = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        b.asShortBuffer().get(dst, 0, w * h);
        if (bits < 16) {
            // unpacked MonoN keeps the high bits zero; a camera that sets them is clamped to full scale, not wrapped
            int max = (1 << bits) - 1;
            for (int i = 0; i < dst.length; i++) {
                if ((dst[i] & 0xffff) > max) {
                    dst[i] = (short) max;
                }
            }
        }
        return img;
    }

    private static BufferedImage bgr8(ByteBuffer b, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        b.get(dst, 0, w * h * 3);
        return img;
    }

    private static BufferedImage rgb8(ByteBuffer b, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int n = w * h;
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            dst[i] = ((b.get(j) & 0xff) << 16) | ((b.get(j + 1) & 0xff) << 8) | (b.get(j + 2) & 0xff);
        }
        return img;
    }

    /** Samples of a Bayer mosaic, by pixel index. */
    private interface Mosaic {
        int at(int i);
    }

    /** Where the demosaic puts each pixel's R, G, B. */
    private interface RgbSink {
        void put(int i, int r, int g, int b);
    }

    private static BufferedImage bayer(ByteBuffer b, int w, int h, int rx, int ry) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        demosaic(i -> b.get(i) & 0xff, w, h, rx, ry, (i, r, g, bl) -> dst[i] = (r << 16) | (g << 8) | bl);
        return img;
    }

    /** Bayer 16: the same demosaic on 16-bit little-endian samples, into 16-bit RGB. */
    private static BufferedImage bayer16(ByteBuffer b, int w, int h, int rx, int ry) {
        BufferedImage img = deepRgb(w, h);
        short[] dst = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        demosaic(i -> b.getShort(i * 2) & 0xffff, w, h, rx, ry, (i, r, g, bl) -> {
            dst[i * 3] = (short) r;
            dst[i * 3 + 1] = (short) g;
            dst[i * 3 + 2] = (short) bl;
        });
        return img;
    }

    /**
     * Bilinear demosaic. (rx, ry): where the red site sits in the 2x2 tile (RG: 0,0; GR: 1,0; GB: 0,1; BG: 1,1).
     * Red site: G from the 4 side neighbours, B from the 4 diagonals; blue site alike; green site: the colour of
     * its row from left and right, the other from above and below. Means are rounded half up.
     */
    private static void demosaic(Mosaic m, int w, int h, int rx, int ry, RgbSink out) {
        for (int y = 0; y < h; y++) {
            int yn = mirror(y - 1, h);
            int ys = mirror(y + 1, h);
            boolean redRow = ((y & 1) == ry);
            for (int x = 0; x < w; x++) {
                int xw = mirror(x - 1, w);
                int xe = mirror(x + 1, w);
                int c = m.at(y * w + x);
                int west = m.at(y * w + xw);
                int east = m.at(y * w + xe);
                int north = m.at(yn * w + x);
                int south = m.at(ys * w + x);
                int sides = (west + east + north + south + 2) >> 2;
                int diag = (m.at(yn * w + xw) + m.at(yn * w + xe) + m.at(ys * w + xw) + m.at(ys * w + xe) + 2) >> 2;
                int horiz = (west + east + 1) >> 1;
                int vert = (north + south + 1) >> 1;
                boolean redCol = ((x & 1) == rx);
                int i = y * w + x;
                if (redRow && redCol) {
                    out.put(i, c, sides, diag);
                } else if (!redRow && !redCol) {
                    out.put(i, diag, sides, c);
                } else if (redRow) {
                    out.put(i, horiz, c, vert);
                } else {
                    out.put(i, vert, c, horiz);
                }
            }
        }
    }

    /** Index reflected at the border without repeating the edge (-1 -> 1), so the Bayer colour parity holds. */
    private static int mirror(int i, int n) {
        if (n == 1) {
            return 0;
        }
        if (i < 0) {
            return -i;
        }
        return i >= n ? 2 * n - 2 - i : i;
    }

    private static BufferedImage yuv422(ByteBuffer b, int w, int h, boolean uyvy) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            int row = y * w * 2;
            for (int x = 0; x < w; x += 2) {
                int p = row + x * 2;
                int y0;
                int u;
                int y1;
                int v;
                if (uyvy) {
                    u = b.get(p) & 0xff;
                    y0 = b.get(p + 1) & 0xff;
                    v = b.get(p + 2) & 0xff;
                    y1 = b.get(p + 3) & 0xff;
                } else {
                    y0 = b.get(p) & 0xff;
                    u = b.get(p + 1) & 0xff;
                    y1 = b.get(p + 2) & 0xff;
                    v = b.get(p + 3) & 0xff;
                }
                dst[y * w + x] = yuvToRgb(y0, u, v);
                if (x + 1 < w) {
                    dst[y * w + x + 1] = yuvToRgb(y1, u, v);
                }
            }
        }
        return img;
    }

    /** BT.601 full range (as JFIF): U and V centred on 128. */
    static int yuvToRgb(int y, int u, int v) {
        double cb = u - 128;
        double cr = v - 128;
        int r = clamp(y + 1.402 * cr);
        int g = clamp(y - 0.344136 * cb - 0.714136 * cr);
        int b = clamp(y + 1.772 * cb);
        return (r << 16) | (g << 8) | b;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
