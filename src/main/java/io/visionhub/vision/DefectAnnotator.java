package io.visionhub.vision;

import io.visionhub.event.Defect;
import io.visionhub.vision.model.RgbNormaliser;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Draws defect boxes with class and confidence (and mask outlines) on a copy of the frame. */
public final class DefectAnnotator {

    private static final Color BOX = new Color(230, 30, 30);

    private DefectAnnotator() {}

    public static BufferedImage annotate(BufferedImage image, List<Defect> defects) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        try {
            // grey frames as their samples say (Java2D would gamma-correct a linear-grey image), deep grey scaled
            g.drawImage(RgbNormaliser.normalise(image), 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int stroke = Math.max(2, image.getWidth() / 320);
            g.setStroke(new BasicStroke(stroke));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, image.getWidth() / 50)));
            for (Defect d : defects) {
                g.setColor(BOX);
                String label = d.defectClass() + " " + Math.round(d.confidence() * 100) + "%";
                if (d.box() == null) {
                    g.drawString(label, 6, g.getFontMetrics().getAscent() + 4);
                    continue;
                }
                Defect.Box b = d.box();
                g.drawRect(b.x(), b.y(), Math.max(1, b.width()), Math.max(1, b.height()));
                if (d.mask() != null && d.mask().polygon().size() >= 3) {
                    // a segmentation model's outline inside its box
                    java.awt.Polygon outline = new java.awt.Polygon();
                    d.mask().polygon().forEach(p -> outline.addPoint(p.get(0), p.get(1)));
                    g.drawPolygon(outline);
                }
                int th = g.getFontMetrics().getHeight();
                int tw = g.getFontMetrics().stringWidth(label) + 6;
                int ty = b.y() - th >= 0 ? b.y() - th : b.y() + b.height();
                g.fillRect(b.x(), ty, tw, th);
                g.setColor(Color.WHITE);
                g.drawString(label, b.x() + 3, ty + g.getFontMetrics().getAscent());
            }
        } finally {
            g.dispose();
        }
        return copy;
    }
}
