package io.visionhub.vision.model;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Brings every decoded image to one pixel layout (8-bit sRGB) before pre-processing, so that the same scene gives
 * the same tensor whatever the camera or file format: grey 8/16-bit, palette, RGB, BGR, with or without alpha.
 *
 * <p>Why grey needs its own path: ImageIO gives grey PNG/JPEG images a <em>linear</em> grey colour space, and Java2D
 * ({@code getRGB}, {@code drawImage}) then "corrects" the values to sRGB gamma, which turns grey 128 into ~186. The
 * camera's grey value is already what it would put into each of R, G and B, so the samples are copied unchanged
 * (16-bit ones scaled to 8 bits). Alpha is ignored: a camera frame's pixels are the colour channels.
 */
public final class RgbNormaliser {

    private RgbNormaliser() {}

    /** True for the layouts {@link ImagePreprocessor} reads straight from the raster array. */
    static boolean plainRgb(BufferedImage img) {
        int t = img.getType();
        return t == BufferedImage.TYPE_INT_RGB || t == BufferedImage.TYPE_INT_ARGB || t == BufferedImage.TYPE_3BYTE_BGR;
    }

    /** The image itself where its layout is already plain 8-bit RGB/BGR, else a TYPE_INT_RGB copy. */
    public static BufferedImage normalise(BufferedImage img) {
        if (plainRgb(img)) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        ColorModel cm = img.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            greyToRgb(img.getRaster(), cm.getComponentSize(0), dst, w, h);
        } else {
            // palette, 4-byte ABGR, 16-bit RGB, custom sRGB layouts: getRGB converts these correctly
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, dst, y * w, w);
            }
        }
        return out;
    }

    /** Grey samples (band 0; band 1 of grey+alpha is ignored) of any bit depth, scaled to 0..255, as R=G=B. */
    private static void greyToRgb(Raster raster, int bits, int[] dst, int w, int h) {
        int max = (1 << bits) - 1;
        int[] row = new int[w];
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        for (int y = 0; y < h; y++) {
            raster.getSamples(minX, minY + y, w, 1, 0, row);
            int off = y * w;
            for (int x = 0; x < w; x++) {
                int v = bits == 8 ? row[x] & 0xff : (int) ((row[x] * 255L + max / 2) / max);
                dst[off + x] = (v << 16) | (v << 8) | v;
            }
        }
    }
}
