package io.visionhub.vision.model;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.FloatBuffer;

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
        for (int c = 0; c < channels; c++) {
            double mean = in.mean() == null ? 0 : in.mean().get(c);
            double std = in.std() == null ? 1 : in.std().get(c);
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (float) ((v * scale - mean) / std);
            }
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
        return new long[]{1, channels, height, width};
    }

    public int size() {
        return channels * height * width;
    }

    /** Fills {@code out} (position 0, capacity {@link #size()}) and returns how to map input pixels back. */
    public Geometry apply(BufferedImage image, FloatBuffer out) {
        int w = image.getWidth();
        int h = image.getHeight();
        Geometry geo;
        BufferedImage src;
        if (w == width && h == height) {
            geo = new Geometry(1, 1, 0, 0, w, h);
            src = asIntRgb(image);
        } else if (letterbox) {
            double r = Math.min((double) width / w, (double) height / h);
            int nw = (int) Math.round(w * r);
            int nh = (int) Math.round(h * r);
            int dx = (width - nw) / 2;
            int dy = (height - nh) / 2;
            src = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = src.createGraphics();
            g.setColor(pad);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, dx, dy, nw, nh, null);
            g.dispose();
            geo = new Geometry(r, r, dx, dy, w, h);
        } else {
            src = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = src.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, null);
            g.dispose();
            geo = new Geometry((double) width / w, (double) height / h, 0, 0, w, h);
        }
        int[] px = ((DataBufferInt) src.getRaster().getDataBuffer()).getData();
        int plane = width * height;
        if (channels == 1) {
            float[] l = lut[0];
            for (int i = 0; i < plane; i++) {
                int p = px[i];
                int grey = (((p >> 16) & 0xff) * 77 + ((p >> 8) & 0xff) * 150 + (p & 0xff) * 29) >> 8;
                out.put(i, l[grey]);
            }
        } else {
            float[] l0 = lut[0];
            float[] l1 = lut[1];
            float[] l2 = lut[2];
            for (int i = 0; i < plane; i++) {
                int p = px[i];
                int r = (p >> 16) & 0xff;
                int gr = (p >> 8) & 0xff;
                int b = p & 0xff;
                out.put(i, l0[bgr ? b : r]);
                out.put(plane + i, l1[gr]);
                out.put(2 * plane + i, l2[bgr ? r : b]);
            }
        }
        return geo;
    }

    private static BufferedImage asIntRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_INT_ARGB) {
            return image;
        }
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return copy;
    }

    /**
     * Input pixel = original pixel * scale + pad.
     */
    public record Geometry(double scaleX, double scaleY, double padX, double padY, int originalWidth, int originalHeight) {
        /** A box in input pixels (x1,y1,x2,y2) as a clipped box in original-frame pixels. */
        public io.visionhub.event.Defect.Box toOriginal(double x1, double y1, double x2, double y2) {
            double ox1 = clamp((x1 - padX) / scaleX, originalWidth);
            double oy1 = clamp((y1 - padY) / scaleY, originalHeight);
            double ox2 = clamp((x2 - padX) / scaleX, originalWidth);
            double oy2 = clamp((y2 - padY) / scaleY, originalHeight);
            int x = (int) Math.floor(ox1);
            int y = (int) Math.floor(oy1);
            return new io.visionhub.event.Defect.Box(x, y, (int) Math.ceil(ox2) - x, (int) Math.ceil(oy2) - y);
        }

        private static double clamp(double v, int max) {
            return Math.max(0, Math.min(max, v));
        }
    }
}
