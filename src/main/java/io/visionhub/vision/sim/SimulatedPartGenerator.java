package io.visionhub.vision.sim;

import io.visionhub.event.Defect;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Random;

/**
 * Draws machined parts as a camera over a conveyor would see them: a light plate on a grey belt with four
 * mounting holes, a slot and a boss, small placement jitter, lighting drift and sensor noise. Some parts get
 * a scratch, a spot or a missing hole at a known place. Deterministic: the same seed and index always draw
 * the same image and the same ground truth.
 */
public final class SimulatedPartGenerator {

    public static final int DEFAULT_WIDTH = 640;
    public static final int DEFAULT_HEIGHT = 480;

    private final long seed;
    private final double defectRate;
    private final int width;
    private final int height;
    private double severity = 1.0;

    /**
     * @param seed       seed of the whole sequence
     * @param defectRate share of parts with a defect, 0..1
     */
    public SimulatedPartGenerator(long seed, double defectRate) {
        this(seed, defectRate, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public SimulatedPartGenerator(long seed, double defectRate, int width, int height) {
        if (defectRate < 0 || defectRate > 1) {
            throw new IllegalArgumentException("defect rate must be within 0..1, got " + defectRate);
        }
        if (width < 160 || height < 120) {
            throw new IllegalArgumentException(
                    "simulated frames must be at least 160x120, got " + width + "x" + height);
        }
        this.seed = seed;
        this.defectRate = defectRate;
        this.width = width;
        this.height = height;
    }

    /**
     * A generator whose scratches and spots have this share of the full contrast (1 = clearly visible, 0.2 = faint),
     * for measuring how a model does on subtle defects. Same seed, same parts.
     */
    public SimulatedPartGenerator withSeverity(double s) {
        if (s <= 0 || s > 1) {
            throw new IllegalArgumentException("severity must be within (0, 1], got " + s);
        }
        SimulatedPartGenerator g = new SimulatedPartGenerator(seed, defectRate, width, height);
        g.severity = s;
        return g;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The part drawn for this index; defective with probability {@code defectRate}. */
    public SimulatedPart generate(long index) {
        Random r = random(index);
        boolean defective = r.nextDouble() < defectRate;
        String defect = null;
        if (defective) {
            defect = switch (r.nextInt(3)) {
                case 0 -> SimulatedPart.SCRATCH;
                case 1 -> SimulatedPart.SPOT;
                default -> SimulatedPart.MISSING_FEATURE;
            };
        }
        return draw(index, r, defect);
    }

    /** A good part for this index (teaching sets). */
    public SimulatedPart good(long index) {
        return draw(index, random(index), null);
    }

    /** A part with this defect class for this index (test sets). */
    public SimulatedPart defective(long index, String defectClass) {
        return draw(index, random(index), defectClass);
    }

    private Random random(long index) {
        return new Random(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 1);
    }

    private SimulatedPart draw(long index, Random r, String defect) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            int light = r.nextInt(7) - 3; // lighting drift
            g.setColor(grey(92 + light));
            g.fillRect(0, 0, width, height);

            // the plate: 62% x 54% of the frame, centred, jitter of a pixel or two
            int pw = width * 62 / 100;
            int ph = height * 54 / 100;
            int px = (width - pw) / 2 + r.nextInt(3) - 1;
            int py = (height - ph) / 2 + r.nextInt(3) - 1;
            int arc = Math.max(8, pw / 12);
            g.setColor(grey(178 + light));
            g.fillRoundRect(px, py, pw, ph, arc, arc);
            g.setColor(grey(150 + light));
            g.setStroke(new BasicStroke(2f));
            g.drawRoundRect(px, py, pw, ph, arc, arc);

            int hole = Math.max(10, pw / 11); // hole diameter
            int inset = hole;
            Rectangle[] holes = {
                new Rectangle(px + inset, py + inset, hole, hole),
                new Rectangle(px + pw - inset - hole, py + inset, hole, hole),
                new Rectangle(px + inset, py + ph - inset - hole, hole, hole),
                new Rectangle(px + pw - inset - hole, py + ph - inset - hole, hole, hole)
            };
            int missing = SimulatedPart.MISSING_FEATURE.equals(defect) ? r.nextInt(holes.length) : -1;
            for (int i = 0; i < holes.length; i++) {
                if (i == missing) {
                    continue;
                }
                Rectangle h = holes[i];
                g.setColor(grey(38 + light));
                g.fillOval(h.x, h.y, h.width, h.height);
                g.setColor(grey(120 + light));
                g.drawOval(h.x, h.y, h.width, h.height);
            }
            // slot and boss
            int sw = pw / 3;
            int sh = Math.max(6, ph / 9);
            g.setColor(grey(60 + light));
            g.fillRoundRect(px + (pw - sw) / 2, py + ph / 4 - sh / 2, sw, sh, sh, sh);
            int boss = Math.max(12, ph / 4);
            g.setColor(grey(205 + light));
            g.fillOval(px + (pw - boss) / 2, py + ph * 3 / 5 - boss / 2, boss, boss);
            g.setColor(grey(140 + light));
            g.drawOval(px + (pw - boss) / 2, py + ph * 3 / 5 - boss / 2, boss, boss);

            Defect.Box box = null;
            if (SimulatedPart.SCRATCH.equals(defect)) {
                box = scratch(g, r, px, py, pw, ph, light, severity);
            } else if (SimulatedPart.SPOT.equals(defect)) {
                box = spot(g, r, px, py, pw, ph, light, severity);
            } else if (missing >= 0) {
                Rectangle h = holes[missing];
                box = new Defect.Box(h.x - 1, h.y - 1, h.width + 3, h.height + 3);
            }
            addNoise(img, r);
            return new SimulatedPart(index, String.format("SIM-%06d", index), img, defect, box);
        } finally {
            g.dispose();
        }
    }

    private static Defect.Box scratch(
            Graphics2D g, Random r, int px, int py, int pw, int ph, int light, double severity) {
        double len = pw * (0.12 + 0.12 * r.nextDouble());
        double angle = r.nextDouble() * Math.PI;
        double cx = px + pw * (0.3 + 0.4 * r.nextDouble());
        double cy = py + ph * (0.35 + 0.3 * r.nextDouble());
        double dx = Math.cos(angle) * len / 2;
        double dy = Math.sin(angle) * len / 2;
        float stroke = 3f;
        g.setColor(grey((int) Math.round(178 - (178 - 70) * severity) + light));
        g.setStroke(new BasicStroke(stroke, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Line2D line = new Line2D.Double(cx - dx, cy - dy, cx + dx, cy + dy);
        g.draw(line);
        Rectangle b = g.getStroke().createStrokedShape(line).getBounds();
        return new Defect.Box(b.x, b.y, b.width, b.height);
    }

    private static Defect.Box spot(Graphics2D g, Random r, int px, int py, int pw, int ph, int light, double severity) {
        int d = Math.max(8, (int) (pw * (0.035 + 0.03 * r.nextDouble())));
        int x = px + (int) (pw * (0.15 + 0.7 * r.nextDouble()));
        int y = py + (int) (ph * (0.4 + 0.2 * r.nextDouble()));
        boolean dark = r.nextBoolean();
        int full = dark ? 95 : 245;
        g.setColor(grey((int) Math.round(178 + (full - 178) * severity) + light));
        g.fillOval(x, y, d, d);
        return new Defect.Box(x, y, d + 1, d + 1);
    }

    private static void addNoise(BufferedImage img, Random r) {
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            int n = (int) (r.nextGaussian() * 2.5);
            int v = Math.max(0, Math.min(255, (px[i] & 0xff) + n));
            px[i] = (v << 16) | (v << 8) | v;
        }
    }

    private static Color grey(int v) {
        int c = Math.max(0, Math.min(255, v));
        return new Color(c, c, c);
    }
}
