package io.visionhub.vision.model;

import io.visionhub.event.Defect;
import io.visionhub.vision.pixel.YCbCrPlanes;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Turns an image into the NCHW float input a card describes: plain resize or letterbox (aspect kept,
 * padded), channel order, {@code (pixel * scale - mean) / std} by lookup table. Thread-safe.
 */
public final class ImagePreprocessor {

    private final int width;
    private final int height;
    private final int channels;
    private final boolean letterbox;
    private final boolean bgr;
    private final Color pad;
    private final float[][] lut;
    /** Per channel: input = sample * deepGain[c] - deepOffset[c] for grey samples of more than 8 bits (per bit 1). */
    private final double[] deepGain;

    private final double[] deepOffset;

    public ImagePreprocessor(ModelCard.Input in, boolean letterboxDefault) {
        this.width = in.width();
        this.height = in.height();
        this.channels = in.channelsOr3();
        this.letterbox = in.letterboxOr(letterboxDefault);
        this.bgr = in.bgr();
        int p = in.pad() == null ? 114 : in.pad();
        this.pad = new Color(p, p, p);
        double scale = in.scaleOr1by255();
        lut = new float[channels][256];
        deepGain = new double[channels];
        deepOffset = new double[channels];
        for (int c = 0; c < channels; c++) {
            double mean = in.mean() == null ? 0 : in.mean().get(c);
            double std = in.std() == null ? 1 : in.std().get(c);
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (float) ((v * scale - mean) / std);
            }
            deepGain[c] = scale / std;
            deepOffset[c] = mean / std;
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    public long[] shape() {
        return new long[] {1, channels, height, width};
    }

    public int size() {
        return channels * height * width;
    }

    /** Fills {@code out} (position 0, capacity {@link #size()}) and returns how to map input pixels back. */
    public Geometry apply(BufferedImage decoded, FloatBuffer out) {
        return apply(decoded, out, decoded.getWidth(), decoded.getHeight());
    }

    /**
     * The size ({@code [width, height]}) that a frame of {@code w x h} is resized to before padding: a copy of the
     * frame at least this large (a JPEG decoded at a reduced DCT scale) gives the model the same view as the full
     * frame, resized down in one step. {@code null} when the frame is used at its own size (it already matches).
     */
    public int[] resizedSize(int w, int h) {
        if (w == width && h == height) {
            return null;
        }
        if (letterbox) {
            double r = Math.min((double) width / w, (double) height / h);
            return new int[] {Math.min(width, (int) Math.round(w * r)), Math.min(height, (int) Math.round(h * r))};
        }
        return new int[] {width, height};
    }

    /**
     * Fills {@code out} from {@code decoded}, which shows a frame of {@code originalWidth x originalHeight} pixels,
     * possibly reduced (a JPEG decoded at 1/2 or 3/8 from its DCT): the layout (letterbox, padding) and the returned
     * geometry are those of the original frame, the pixels are resampled from the reduced copy, so boxes map back to
     * original-frame pixels as for a full-size decode.
     */
    public Geometry apply(BufferedImage decoded, FloatBuffer out, int originalWidth, int originalHeight) {
        // grey of more than 8 bits (Mono10/12/16 cameras, 16-bit PNG) keeps its precision until normalisation
        int deepBits = deepGreyBits(decoded);
        // grey (8/16-bit), palette and alpha layouts first become plain RGB: the same scene, the same tensor
        BufferedImage image = deepBits > 0 ? decoded : RgbNormaliser.normalise(decoded);
        int iw = image.getWidth();
        int ih = image.getHeight();
        Placement p = place(originalWidth, originalHeight);
        int dx = p.dx();
        int dy = p.dy();
        int nw = p.nw();
        int nh = p.nh();
        float[] dst = scratch.get();
        if (nw != width || nh != height) {
            fillPad(dst, dx, dy, nw, nh);
        }
        if (deepBits > 0) {
            resizeDeepGrey(image.getRaster(), deepBits, nw, nh, dx, dy, dst);
        } else if (nw == iw && nh == ih) {
            convert(image, dx, dy, dst);
        } else if (!resizeBilinear(image, nw, nh, dx, dy, dst)) {
            convert(scaled(image, nw, nh), dx, dy, dst);
        }
        out.put(0, dst, 0, size());
        // the whole input was written: its padding is that of this placement
        padded.get().set(out, p);
        return p.geo();
    }

    /** Where a frame of {@code w x h} goes in the input: resized to {@code nw x nh} at {@code (dx, dy)}. */
    private record Placement(Geometry geo, int dx, int dy, int nw, int nh) {}

    private Placement place(int w, int h) {
        if (w == width && h == height) {
            return new Placement(new Geometry(1, 1, 0, 0, w, h), 0, 0, width, height);
        }
        if (letterbox) {
            double r = Math.min((double) width / w, (double) height / h);
            int nw = Math.min(width, (int) Math.round(w * r));
            int nh = Math.min(height, (int) Math.round(h * r));
            int dx = (width - nw) / 2;
            int dy = (height - nh) / 2;
            return new Placement(new Geometry(r, r, dx, dy, w, h), dx, dy, nw, nh);
        }
        return new Placement(new Geometry((double) width / w, (double) height / h, 0, 0, w, h), 0, 0, width, height);
    }

    /**
     * Per thread, the input buffer last written and the placement its padding was written for: frames of one
     * camera keep one placement, so the padding of the reused input buffer (a third of a 640x640 letterbox for
     * 16:9 frames) is written once, not per frame.
     */
    private static final class Padded {
        private FloatBuffer buffer;
        private Placement placement;

        boolean holds(FloatBuffer b, Placement p) {
            return buffer == b
                    && placement != null
                    && placement.dx() == p.dx()
                    && placement.dy() == p.dy()
                    && placement.nw() == p.nw()
                    && placement.nh() == p.nh();
        }

        void set(FloatBuffer b, Placement p) {
            buffer = b;
            placement = p;
        }
    }

    private final ThreadLocal<Padded> padded = ThreadLocal.withInitial(Padded::new);

    /**
     * Makes this thread's next fill write the padding whatever buffer it is given (for buffers that pass between
     * threads, whose padding another thread may have overwritten since).
     */
    void forgetPadding() {
        padded.get().set(null, null);
    }

    /**
     * Fills {@code out} from the YCbCr planes of a frame of {@code originalWidth x originalHeight} (a JPEG decoded
     * at a reduced DCT scale), in one pass straight into {@code out}: chroma upsampled and the picture resized
     * bilinearly (pixel centres aligned as in {@link #resizeBilinear}; chroma sited centred, as libjpeg does),
     * YCbCr converted to RGB (JFIF, clamped to 0..255) and normalised in floating point, with no intermediate image.
     * Separable: each output row first blends its two source rows of each plane, then each pixel its two columns.
     */
    public Geometry apply(YCbCrPlanes src, FloatBuffer out, int originalWidth, int originalHeight) {
        Placement p = place(originalWidth, originalHeight);
        int dx = p.dx();
        int dy = p.dy();
        int nw = p.nw();
        int nh = p.nh();
        Padded pad = padded.get();
        if ((nw != width || nh != height) && !pad.holds(out, p)) {
            fillPad(out, dx, dy, nw, nh);
        }
        pad.set(out, p);
        int sw = src.width();
        int sh = src.height();
        boolean grey = src.grey();
        int cw = grey ? 1 : src.chromaWidth();
        int ch = grey ? 1 : src.chromaHeight();
        float hs = src.hSub();
        float vs = src.vSub();
        RowScratch r = rows.get().fit(sw, cw, nw);
        double sx = (double) sw / nw;
        double sy = (double) sh / nh;
        for (int x = 0; x < nw; x++) {
            float f = (float) Math.max(0, (x + 0.5) * sx - 0.5);
            int i = Math.min(sw - 1, (int) f);
            r.lx0[x] = i;
            r.lx1[x] = Math.min(sw - 1, i + 1);
            r.lwx[x] = f - i;
            float fc = Math.max(0, (f + 0.5f) / hs - 0.5f);
            int c = Math.min(cw - 1, (int) fc);
            r.cx0[x] = c;
            r.cx1[x] = Math.min(cw - 1, c + 1);
            r.cwx[x] = fc - c;
        }
        int plane = width * height;
        // tensor channel of R and B: RGB unless the card says BGR
        int cR = bgr ? 2 : 0;
        int cB = bgr ? 0 : 2;
        float gain0 = (float) deepGain[0];
        float off0 = (float) deepOffset[0];
        float gR = channels == 3 ? (float) deepGain[cR] : 0;
        float oR = channels == 3 ? (float) deepOffset[cR] : 0;
        float gG = channels == 3 ? (float) deepGain[1] : 0;
        float oG = channels == 3 ? (float) deepOffset[1] : 0;
        float gB = channels == 3 ? (float) deepGain[cB] : 0;
        float oB = channels == 3 ? (float) deepOffset[cB] : 0;
        byte[] yp = src.y();
        byte[] cbp = src.cb();
        byte[] crp = src.cr();
        int ys = src.yStride();
        int cs = src.chromaStride();
        float[] yRow = r.yRow;
        float[] cbRow = r.cbRow;
        float[] crRow = r.crRow;
        for (int y = 0; y < nh; y++) {
            float fy = (float) Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min(sh - 1, (int) fy);
            int y1 = Math.min(sh - 1, y0 + 1);
            float wy = fy - y0;
            blendRows(yp, y0 * ys, y1 * ys, wy, yRow, sw);
            if (!grey) {
                float fc = Math.max(0, (fy + 0.5f) / vs - 0.5f);
                int c0 = Math.min(ch - 1, (int) fc);
                int c1 = Math.min(ch - 1, c0 + 1);
                float wc = fc - c0;
                blendRows(cbp, c0 * cs, c1 * cs, wc, cbRow, cw);
                blendRows(crp, c0 * cs, c1 * cs, wc, crRow, cw);
            }
            int base = (y + dy) * width + dx;
            if (channels == 1) {
                for (int x = 0; x < nw; x++) {
                    float wx = r.lwx[x];
                    float lum = yRow[r.lx0[x]] * (1 - wx) + yRow[r.lx1[x]] * wx;
                    r.o0[x] = lum * gain0 - off0;
                }
                out.put(base, r.o0, 0, nw);
                continue;
            }
            for (int x = 0; x < nw; x++) {
                float wx = r.lwx[x];
                float lum = yRow[r.lx0[x]] * (1 - wx) + yRow[r.lx1[x]] * wx;
                float red = lum;
                float green = lum;
                float blue = lum;
                if (!grey) {
                    float cwx = r.cwx[x];
                    int a = r.cx0[x];
                    int b = r.cx1[x];
                    float cb = cbRow[a] * (1 - cwx) + cbRow[b] * cwx - 128f;
                    float cr = crRow[a] * (1 - cwx) + crRow[b] * cwx - 128f;
                    red = clamp255(YCbCrPlanes.red(lum, cr));
                    green = clamp255(YCbCrPlanes.green(lum, cb, cr));
                    blue = clamp255(YCbCrPlanes.blue(lum, cb));
                }
                r.o0[x] = red * gR - oR;
                r.o1[x] = green * gG - oG;
                r.o2[x] = blue * gB - oB;
            }
            out.put(cR * plane + base, r.o0, 0, nw);
            out.put(plane + base, r.o1, 0, nw);
            out.put(cB * plane + base, r.o2, 0, nw);
        }
        return p.geo();
    }

    private static float clamp255(float v) {
        return Math.max(0f, Math.min(255f, v));
    }

    /** {@code dst[i] = row0[i] * (1 - w) + row1[i] * w} for the {@code n} samples of two rows of a plane. */
    private static void blendRows(byte[] p, int row0, int row1, float w, float[] dst, int n) {
        float iw = 1 - w;
        for (int i = 0; i < n; i++) {
            dst[i] = (p[row0 + i] & 0xff) * iw + (p[row1 + i] & 0xff) * w;
        }
    }

    /** Per-thread row buffers and column tables of the planes pass, grown to the largest frame seen. */
    private static final class RowScratch {
        float[] yRow = new float[0];
        float[] cbRow = new float[0];
        float[] crRow = new float[0];
        int[] lx0 = new int[0];
        int[] lx1 = new int[0];
        float[] lwx = new float[0];
        int[] cx0 = new int[0];
        int[] cx1 = new int[0];
        float[] cwx = new float[0];
        float[] o0 = new float[0];
        float[] o1 = new float[0];
        float[] o2 = new float[0];

        RowScratch fit(int sw, int cw, int nw) {
            if (yRow.length < sw) {
                yRow = new float[sw];
            }
            if (cbRow.length < cw) {
                cbRow = new float[cw];
                crRow = new float[cw];
            }
            if (lx0.length < nw) {
                lx0 = new int[nw];
                lx1 = new int[nw];
                lwx = new float[nw];
                cx0 = new int[nw];
                cx1 = new int[nw];
                cwx = new float[nw];
                o0 = new float[nw];
                o1 = new float[nw];
                o2 = new float[nw];
            }
            return this;
        }
    }

    private final ThreadLocal<RowScratch> rows = ThreadLocal.withInitial(RowScratch::new);

    /**
     * Resize and normalise in one pass, bilinear with pixel centres aligned (as OpenCV's INTER_LINEAR, which the
     * YOLO exporters' own pre-processing uses), straight from the raster array. False for image types without a
     * plain RGB/BGR array (the caller falls back to Java2D).
     */
    private boolean resizeBilinear(BufferedImage src, int nw, int nh, int dx, int dy, float[] dst) {
        int sw = src.getWidth();
        int sh = src.getHeight();
        int[] rgb = null;
        byte[] bgr = null;
        if ((src.getType() == BufferedImage.TYPE_INT_RGB || src.getType() == BufferedImage.TYPE_INT_ARGB)
                && src.getRaster().getDataBuffer() instanceof DataBufferInt di
                && di.getData().length == sw * sh) {
            rgb = di.getData();
        } else if (src.getType() == BufferedImage.TYPE_3BYTE_BGR
                && src.getRaster().getDataBuffer() instanceof DataBufferByte db
                && db.getData().length == sw * sh * 3) {
            bgr = db.getData();
        } else {
            return false;
        }
        if (bgr != null && channels == 3) {
            resizeBgr(bgr, sw, sh, nw, nh, dx, dy, dst);
            return true;
        }
        double sx = (double) sw / nw;
        double sy = (double) sh / nh;
        int[] x0 = new int[nw];
        int[] x1 = new int[nw];
        int[] fx = new int[nw]; // weight of x1 in 1/256
        for (int x = 0; x < nw; x++) {
            double f = Math.max(0, (x + 0.5) * sx - 0.5);
            int i = Math.min(sw - 1, (int) f);
            x0[x] = i;
            x1[x] = Math.min(sw - 1, i + 1);
            fx[x] = (int) Math.round((f - i) * 256);
        }
        int plane = width * height;
        float[] l0 = lut[0];
        float[] l1 = channels == 3 ? lut[1] : null;
        float[] l2 = channels == 3 ? lut[2] : null;
        for (int y = 0; y < nh; y++) {
            double f = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min(sh - 1, (int) f);
            int y1 = Math.min(sh - 1, y0 + 1);
            int wy = (int) Math.round((f - y0) * 256);
            int base = (y + dy) * width + dx;
            for (int x = 0; x < nw; x++) {
                int a;
                int b;
                int c;
                int d;
                if (rgb != null) {
                    a = rgb[y0 * sw + x0[x]];
                    b = rgb[y0 * sw + x1[x]];
                    c = rgb[y1 * sw + x0[x]];
                    d = rgb[y1 * sw + x1[x]];
                } else {
                    a = bgrAt(bgr, (y0 * sw + x0[x]) * 3);
                    b = bgrAt(bgr, (y0 * sw + x1[x]) * 3);
                    c = bgrAt(bgr, (y1 * sw + x0[x]) * 3);
                    d = bgrAt(bgr, (y1 * sw + x1[x]) * 3);
                }
                int wx = fx[x];
                int r = lerp2(a >> 16, b >> 16, c >> 16, d >> 16, wx, wy);
                int g = lerp2(a >> 8, b >> 8, c >> 8, d >> 8, wx, wy);
                int bl = lerp2(a, b, c, d, wx, wy);
                int i = base + x;
                if (channels == 1) {
                    dst[i] = l0[(r * 77 + g * 150 + bl * 29) >> 8];
                } else {
                    dst[i] = l0[bgr() ? bl : r];
                    dst[plane + i] = l1[g];
                    dst[2 * plane + i] = l2[bgr() ? r : bl];
                }
            }
        }
        return true;
    }

    /**
     * {@link #resizeBilinear} for 3-byte BGR rasters (what JPEG frames decode to), colour models: the same weights and
     * rounding, reading the bytes of each channel straight from the array (no packing into ints), column offsets
     * and weights computed once per call. About twice as fast for 1080p to 640.
     */
    private void resizeBgr(byte[] src, int sw, int sh, int nw, int nh, int dx, int dy, float[] dst) {
        double sx = (double) sw / nw;
        double sy = (double) sh / nh;
        int[] o0 = new int[nw];
        int[] o1 = new int[nw];
        int[] fx = new int[nw];
        for (int x = 0; x < nw; x++) {
            double f = Math.max(0, (x + 0.5) * sx - 0.5);
            int i = Math.min(sw - 1, (int) f);
            o0[x] = i * 3;
            o1[x] = Math.min(sw - 1, i + 1) * 3;
            fx[x] = (int) Math.round((f - i) * 256);
        }
        int plane = width * height;
        // BGR bytes: offset 0 is blue, 2 is red; the tensor wants R,G,B planes unless the card says BGR
        float[] lr = bgr ? lut[2] : lut[0];
        float[] lg = lut[1];
        float[] lb = bgr ? lut[0] : lut[2];
        int pr = bgr ? 2 * plane : 0;
        int pb = bgr ? 0 : 2 * plane;
        int rowBytes = sw * 3;
        for (int y = 0; y < nh; y++) {
            double f = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min(sh - 1, (int) f);
            int r0 = y0 * rowBytes;
            int r1 = Math.min(sh - 1, y0 + 1) * rowBytes;
            int wy = (int) Math.round((f - y0) * 256);
            int iwy = 256 - wy;
            int base = (y + dy) * width + dx;
            for (int x = 0; x < nw; x++) {
                int wx = fx[x];
                int iwx = 256 - wx;
                int a = r0 + o0[x];
                int b = r0 + o1[x];
                int c = r1 + o0[x];
                int d = r1 + o1[x];
                int bl = (((src[a] & 0xff) * iwx + (src[b] & 0xff) * wx) * iwy
                                + ((src[c] & 0xff) * iwx + (src[d] & 0xff) * wx) * wy
                                + (1 << 15))
                        >> 16;
                int g = (((src[a + 1] & 0xff) * iwx + (src[b + 1] & 0xff) * wx) * iwy
                                + ((src[c + 1] & 0xff) * iwx + (src[d + 1] & 0xff) * wx) * wy
                                + (1 << 15))
                        >> 16;
                int r = (((src[a + 2] & 0xff) * iwx + (src[b + 2] & 0xff) * wx) * iwy
                                + ((src[c + 2] & 0xff) * iwx + (src[d + 2] & 0xff) * wx) * wy
                                + (1 << 15))
                        >> 16;
                int i = base + x;
                dst[pr + i] = lr[r];
                dst[plane + i] = lg[g];
                dst[pb + i] = lb[bl];
            }
        }
    }

    /**
     * Significant bits of a grey image stored in 16-bit samples (its colour model's component size, e.g. 12 for a
     * Mono12 camera frame, 16 for a 16-bit PNG), or 0 for any other image (the 8-bit path).
     */
    static int deepGreyBits(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel
                || cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY
                || !(img.getRaster().getDataBuffer() instanceof DataBufferUShort)) {
            return 0;
        }
        int bits = cm.getComponentSize(0);
        return bits > 8 && bits <= 16 ? bits : 0;
    }

    /**
     * Resize (bilinear, pixel centres aligned as in {@link #resizeBilinear}) and normalise grey samples of
     * {@code bits} bits in floating point: the sample's full scale {@code 2^bits - 1} maps to 255, so the card's
     * scale, mean and std (written for 0..255) apply unchanged and no precision is lost to an 8-bit step.
     */
    private void resizeDeepGrey(Raster src, int bits, int nw, int nh, int dx, int dy, float[] dst) {
        int sw = src.getWidth();
        int sh = src.getHeight();
        int[] row0 = new int[sw];
        int[] row1 = new int[sw];
        double toByte = 255.0 / ((1 << bits) - 1);
        double sx = (double) sw / nw;
        double sy = (double) sh / nh;
        int plane = width * height;
        for (int y = 0; y < nh; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min(sh - 1, (int) fy);
            int y1 = Math.min(sh - 1, y0 + 1);
            double wy = fy - y0;
            src.getSamples(src.getMinX(), src.getMinY() + y0, sw, 1, 0, row0);
            src.getSamples(src.getMinX(), src.getMinY() + y1, sw, 1, 0, row1);
            int base = (y + dy) * width + dx;
            for (int x = 0; x < nw; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min(sw - 1, (int) fx);
                int x1 = Math.min(sw - 1, x0 + 1);
                double wx = fx - x0;
                double top = row0[x0] * (1 - wx) + row0[x1] * wx;
                double bottom = row1[x0] * (1 - wx) + row1[x1] * wx;
                double v = (top * (1 - wy) + bottom * wy) * toByte;
                for (int c = 0; c < channels; c++) {
                    dst[c * plane + base + x] = (float) (v * deepGain[c] - deepOffset[c]);
                }
            }
        }
    }

    private static int bgrAt(byte[] p, int i) {
        return ((p[i + 2] & 0xff) << 16) | ((p[i + 1] & 0xff) << 8) | (p[i] & 0xff);
    }

    /** Bilinear mix of one 8-bit channel of four pixels, weights in 1/256. */
    private static int lerp2(int a, int b, int c, int d, int wx, int wy) {
        int top = (a & 0xff) * (256 - wx) + (b & 0xff) * wx;
        int bottom = (c & 0xff) * (256 - wx) + (d & 0xff) * wx;
        return (top * (256 - wy) + bottom * wy + (1 << 15)) >> 16;
    }

    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[size()]);

    /** Pads only around the image area (dx, dy, nw x nh), which the resize then fills: no pixel written twice. */
    private void fillPad(float[] dst, int dx, int dy, int nw, int nh) {
        int plane = width * height;
        int grey = pad.getRed();
        for (int c = 0; c < channels; c++) {
            float v = lut[c][grey];
            int base = c * plane;
            Arrays.fill(dst, base, base + dy * width, v);
            Arrays.fill(dst, base + (dy + nh) * width, base + plane, v);
            if (dx > 0 || dx + nw < width) {
                for (int y = dy; y < dy + nh; y++) {
                    int row = base + y * width;
                    Arrays.fill(dst, row, row + dx, v);
                    Arrays.fill(dst, row + dx + nw, row + width, v);
                }
            }
        }
    }

    /** {@link #fillPad(float[], int, int, int, int)} straight into the input buffer. */
    private void fillPad(FloatBuffer out, int dx, int dy, int nw, int nh) {
        int plane = width * height;
        int grey = pad.getRed();
        float[] row = new float[width];
        for (int c = 0; c < channels; c++) {
            Arrays.fill(row, lut[c][grey]);
            int base = c * plane;
            for (int y = 0; y < height; y++) {
                if (y < dy || y >= dy + nh) {
                    out.put(base + y * width, row, 0, width);
                } else {
                    out.put(base + y * width, row, 0, dx);
                    out.put(base + y * width + dx + nw, row, 0, width - dx - nw);
                }
            }
        }
    }

    /** Converts the pixels of src, placed at (dx, dy) of the input canvas, into planar normalised floats. */
    private void convert(BufferedImage src, int dx, int dy, float[] dst) {
        int sw = src.getWidth();
        int sh = src.getHeight();
        int plane = width * height;
        int[] row = new int[sw];
        byte[] bgr = null;
        int[] rgb = null;
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR
                && src.getRaster().getDataBuffer() instanceof DataBufferByte db
                && db.getData().length == sw * sh * 3) {
            bgr = db.getData();
        } else if ((src.getType() == BufferedImage.TYPE_INT_RGB || src.getType() == BufferedImage.TYPE_INT_ARGB)
                && src.getRaster().getDataBuffer() instanceof DataBufferInt di
                && di.getData().length == sw * sh) {
            rgb = di.getData();
        }
        float[] l0 = lut[0];
        float[] l1 = channels == 3 ? lut[1] : null;
        float[] l2 = channels == 3 ? lut[2] : null;
        for (int y = 0; y < sh; y++) {
            int[] line;
            int off;
            if (rgb != null) {
                line = rgb;
                off = y * sw;
            } else if (bgr != null) {
                int b0 = y * sw * 3;
                for (int x = 0; x < sw; x++) {
                    int i = b0 + x * 3;
                    row[x] = ((bgr[i + 2] & 0xff) << 16) | ((bgr[i + 1] & 0xff) << 8) | (bgr[i] & 0xff);
                }
                line = row;
                off = 0;
            } else {
                src.getRGB(0, y, sw, 1, row, 0, sw);
                line = row;
                off = 0;
            }
            int base = (y + dy) * width + dx;
            if (channels == 1) {
                for (int x = 0; x < sw; x++) {
                    int p = line[off + x];
                    int grey = (((p >> 16) & 0xff) * 77 + ((p >> 8) & 0xff) * 150 + (p & 0xff) * 29) >> 8;
                    dst[base + x] = l0[grey];
                }
            } else {
                for (int x = 0; x < sw; x++) {
                    int p = line[off + x];
                    int r = (p >> 16) & 0xff;
                    int g = (p >> 8) & 0xff;
                    int b = p & 0xff;
                    int i = base + x;
                    dst[i] = l0[bgr() ? b : r];
                    dst[plane + i] = l1[g];
                    dst[2 * plane + i] = l2[bgr() ? r : b];
                }
            }
        }
    }

    private boolean bgr() {
        return bgr;
    }

    private static BufferedImage scaled(BufferedImage image, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /**
     * Input pixel = original pixel * scale + pad.
     */
    public record Geometry(
            double scaleX, double scaleY, double padX, double padY, int originalWidth, int originalHeight) {
        /** A box in input pixels (x1,y1,x2,y2) as a clipped box in original-frame pixels. */
        public Defect.Box toOriginal(double x1, double y1, double x2, double y2) {
            double ox1 = clamp((x1 - padX) / scaleX, originalWidth);
            double oy1 = clamp((y1 - padY) / scaleY, originalHeight);
            double ox2 = clamp((x2 - padX) / scaleX, originalWidth);
            double oy2 = clamp((y2 - padY) / scaleY, originalHeight);
            int x = (int) Math.floor(ox1);
            int y = (int) Math.floor(oy1);
            return new Defect.Box(x, y, (int) Math.ceil(ox2) - x, (int) Math.ceil(oy2) - y);
        }

        private static double clamp(double v, int max) {
            return Math.max(0, Math.min(max, v));
        }
    }
}
