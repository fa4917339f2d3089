package io.visionhub.vision.pixel;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A picture as a JPEG decoder holds it before colour conversion: a luma plane and, unless the JPEG is grey, two
 * chroma planes subsampled {@code hSub x vSub} (4:2:0 = 2 x 2). Values are JFIF's full-range YCbCr (BT.601); chroma
 * samples sit centred between the luma samples they cover, as libjpeg's upsampling assumes. Handing these planes to
 * the pre-processing lets it upsample chroma, convert to RGB, resize and normalise in one pass instead of the decoder
 * converting every pixel first. Planes may be padded to whole MCUs: only {@code width x height} luma and {@code
 * chromaWidth x chromaHeight} chroma samples are meaningful.
 *
 * @param width        luma width in pixels (the picture's width)
 * @param height       luma height in pixels
 * @param y            luma samples, row {@code r} at {@code r * yStride}
 * @param yStride      bytes per luma row
 * @param cb           blue-difference chroma, or null for a grey picture
 * @param cr           red-difference chroma, or null for a grey picture
 * @param chromaStride bytes per chroma row
 * @param hSub         horizontal chroma subsampling (1, 2 or 4)
 * @param vSub         vertical chroma subsampling (1 or 2)
 */
public record YCbCrPlanes(
        int width, int height, byte[] y, int yStride, byte[] cb, byte[] cr, int chromaStride, int hSub, int vSub) {

    public YCbCrPlanes {
        if (width <= 0 || height <= 0 || yStride < width || y == null || y.length < (long) yStride * height) {
            throw new IllegalArgumentException("luma plane of " + (y == null ? 0 : y.length) + " bytes, stride "
                    + yStride + ", does not hold " + width + "x" + height + " samples");
        }
        if ((cb == null) != (cr == null)) {
            throw new IllegalArgumentException("both chroma planes or none (grey)");
        }
        if (cb != null) {
            if (hSub < 1 || hSub > 4 || vSub < 1 || vSub > 2) {
                throw new IllegalArgumentException("chroma subsampling " + hSub + "x" + vSub + " (1..4 x 1..2)");
            }
            long need = (long) chromaStride * ((height + vSub - 1) / vSub);
            if (chromaStride < (width + hSub - 1) / hSub || cb.length < need || cr.length < need) {
                throw new IllegalArgumentException("chroma planes of " + cb.length + "/" + cr.length
                        + " bytes, stride " + chromaStride + ", do not cover " + width + "x" + height + " at "
                        + hSub + "x" + vSub);
            }
        }
    }

    public boolean grey() {
        return cb == null;
    }

    /** Meaningful chroma samples per row: {@code ceil(width / hSub)}. */
    public int chromaWidth() {
        return (width + hSub - 1) / hSub;
    }

    /** Meaningful chroma rows: {@code ceil(height / vSub)}. */
    public int chromaHeight() {
        return (height + vSub - 1) / vSub;
    }

    /** JFIF YCbCr to R, unclamped (chroma values centred: 128 subtracted). */
    public static float red(float y, float crc) {
        return y + 1.402f * crc;
    }

    public static float green(float y, float cbc, float crc) {
        return y - 0.344136f * cbc - 0.714136f * crc;
    }

    public static float blue(float y, float cbc) {
        return y + 1.772f * cbc;
    }

    /**
     * The picture as an 8-bit image ({@code TYPE_BYTE_GRAY} for grey, else {@code TYPE_3BYTE_BGR}), chroma
     * upsampled bilinearly with centred siting (libjpeg's "fancy" upsampling): for code that needs a BufferedImage.
     */
    public BufferedImage toImage() {
        if (grey()) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int r = 0; r < height; r++) {
                System.arraycopy(y, r * yStride, dst, r * width, width);
            }
            return img;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int cw = chromaWidth();
        int ch = chromaHeight();
        for (int r = 0; r < height; r++) {
            float fc = Math.max(0, (r + 0.5f) / vSub - 0.5f);
            int c0 = Math.min(ch - 1, (int) fc);
            int c1 = Math.min(ch - 1, c0 + 1);
            float wy = fc - c0;
            for (int x = 0; x < width; x++) {
                float fx = Math.max(0, (x + 0.5f) / hSub - 0.5f);
                int x0 = Math.min(cw - 1, (int) fx);
                int x1 = Math.min(cw - 1, x0 + 1);
                float wx = fx - x0;
                float cbv = lerp(cb, c0, c1, x0, x1, wx, wy) - 128;
                float crv = lerp(cr, c0, c1, x0, x1, wx, wy) - 128;
                float yv = y[r * yStride + x] & 0xff;
                int o = (r * width + x) * 3;
                dst[o] = clampByte(blue(yv, cbv));
                dst[o + 1] = clampByte(green(yv, cbv, crv));
                dst[o + 2] = clampByte(red(yv, crv));
            }
        }
        return img;
    }

    private float lerp(byte[] p, int r0, int r1, int x0, int x1, float wx, float wy) {
        float top = (p[r0 * chromaStride + x0] & 0xff) * (1 - wx) + (p[r0 * chromaStride + x1] & 0xff) * wx;
        float bottom = (p[r1 * chromaStride + x0] & 0xff) * (1 - wx) + (p[r1 * chromaStride + x1] & 0xff) * wx;
        return top * (1 - wy) + bottom * wy;
    }

    private static byte clampByte(float v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
}
