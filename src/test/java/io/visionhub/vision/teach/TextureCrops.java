package io.visionhub.vision.teach;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Good and defective crops of a real image (a texture or a photo) with known defect masks, for anomaly tests and
 * the teaching benchmark. Good crops move by up to {@code shift} pixels around a centre (the whole image for a
 * texture) and change brightness by up to 15%, so neither alignment nor light is fixed. Defects: a scratch (a
 * thin dark or bright stroke), a blot (a soft-edged stain that covers the surface with one dark or light tone,
 * 85% opaque), or a patch cut from elsewhere (another place of the
 * same image, or another image) and pasted in.
 */
public final class TextureCrops {

    public static final String SCRATCH = "scratch";
    public static final String BLOT = "blot";
    public static final String CUT_PASTE = "cut-paste";
    public static final String[] DEFECTS = {SCRATCH, BLOT, CUT_PASTE};

    /** A crop and its defect mask (row-major, size x size; all false for a good crop). */
    public record Sample(BufferedImage image, boolean[] mask, String defect) {}

    private final BufferedImage source;
    private final BufferedImage donor;
    private final int size;
    private final int shift;

    /**
     * @param source the image crops come from
     * @param donor  where cut-paste patches come from (may be the source itself)
     * @param size   crop side in pixels
     * @param shift  largest move from the centre; 0 or less = anywhere in the image (a texture)
     */
    public TextureCrops(BufferedImage source, BufferedImage donor, int size, int shift) {
        this.source = rgb(source);
        this.donor = rgb(donor);
        this.size = size;
        this.shift = shift;
    }

    public static BufferedImage read(Path p) {
        try {
            BufferedImage img = ImageIO.read(p.toFile());
            if (img == null) {
                throw new IllegalArgumentException(p + " is not an image");
            }
            return rgb(img);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    static BufferedImage rgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }

    public int size() {
        return size;
    }

    /** A good crop: position and brightness from the seed. */
    public Sample good(long seed) {
        Random rnd = new Random(seed);
        return new Sample(crop(rnd), new boolean[size * size], null);
    }

    /** A defective crop of the given kind; the mask marks the changed pixels. */
    public Sample defective(long seed, String kind) {
        Random rnd = new Random(seed);
        BufferedImage img = crop(rnd);
        BufferedImage mark = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        Graphics2D m = mark.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        m.setColor(Color.WHITE);
        int margin = size / 8;
        int cx = margin + rnd.nextInt(size - 2 * margin);
        int cy = margin + rnd.nextInt(size - 2 * margin);
        switch (kind) {
            case SCRATCH -> {
                double angle = rnd.nextDouble() * Math.PI;
                double len = size * (0.15 + 0.2 * rnd.nextDouble());
                float width = 2 + rnd.nextInt(3);
                Line2D line = new Line2D.Double(
                        cx - Math.cos(angle) * len / 2,
                        cy - Math.sin(angle) * len / 2,
                        cx + Math.cos(angle) * len / 2,
                        cy + Math.sin(angle) * len / 2);
                int v = rnd.nextBoolean() ? 20 + rnd.nextInt(30) : 215 + rnd.nextInt(40);
                g.setColor(new Color(v, v, v));
                g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(line);
                m.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                m.draw(line);
            }
            case BLOT -> {
                double rx = size * (0.03 + 0.05 * rnd.nextDouble());
                double ry = rx * (0.6 + 0.8 * rnd.nextDouble());
                boolean dark = rnd.nextBoolean();
                // a stain: the surface shows through, darkened or lightened, with a soft rim
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double r = Math.hypot((x - cx) / rx, (y - cy) / ry);
                        if (r >= 1.2) {
                            continue;
                        }
                        double a = r < 0.8 ? 1 : (1.2 - r) / 0.4;
                        int p = img.getRGB(x, y);
                        img.setRGB(x, y, stain(p, dark, a));
                    }
                }
                m.fill(new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry));
            }
            case CUT_PASTE -> {
                int pw = (int) (size * (0.1 + 0.1 * rnd.nextDouble()));
                int ph = (int) (size * (0.1 + 0.1 * rnd.nextDouble()));
                int sx = rnd.nextInt(donor.getWidth() - pw);
                int sy = rnd.nextInt(donor.getHeight() - ph);
                int dx = Math.max(0, Math.min(size - pw, cx - pw / 2));
                int dy = Math.max(0, Math.min(size - ph, cy - ph / 2));
                // rotated a quarter turn so a patch of the same texture still breaks its pattern
                BufferedImage patch = donor.getSubimage(sx, sy, pw, ph);
                for (int y = 0; y < ph && y < pw; y++) {
                    for (int x = 0; x < pw && x < ph; x++) {
                        img.setRGB(dx + x, dy + y, patch.getRGB(y, ph - 1 - x));
                    }
                }
                m.fillRect(dx, dy, Math.min(pw, ph), Math.min(pw, ph));
            }
            default -> throw new IllegalArgumentException("unknown defect " + kind);
        }
        g.dispose();
        m.dispose();
        boolean[] mask = new boolean[size * size];
        byte[] px = ((java.awt.image.DataBufferByte) mark.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (px[i] & 0xff) > 127;
        }
        return new Sample(img, mask, kind);
    }

    /** A stain (paint, glue, oil) covers the surface: mixed towards one flat tone, fading out at the rim. */
    private static int stain(int p, boolean dark, double a) {
        double tone = dark ? 50 : 210;
        double k = 0.85 * a;
        int r = clamp(((p >> 16) & 0xff) * (1 - k) + tone * k);
        int gg = clamp(((p >> 8) & 0xff) * (1 - k) + tone * k);
        int b = clamp((p & 0xff) * (1 - k) + tone * k);
        return (r << 16) | (gg << 8) | b;
    }

    private BufferedImage crop(Random rnd) {
        int w = source.getWidth();
        int h = source.getHeight();
        int x;
        int y;
        if (shift <= 0) {
            x = rnd.nextInt(w - size + 1);
            y = rnd.nextInt(h - size + 1);
        } else {
            x = Math.max(0, Math.min(w - size, (w - size) / 2 + rnd.nextInt(2 * shift + 1) - shift));
            y = Math.max(0, Math.min(h - size, (h - size) / 2 + rnd.nextInt(2 * shift + 1) - shift));
        }
        double gain = 0.85 + 0.3 * rnd.nextDouble();
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int yy = 0; yy < size; yy++) {
            for (int xx = 0; xx < size; xx++) {
                int p = source.getRGB(x + xx, y + yy);
                int r = clamp(((p >> 16) & 0xff) * gain);
                int g = clamp(((p >> 8) & 0xff) * gain);
                int b = clamp((p & 0xff) * gain);
                out.setRGB(xx, yy, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
