package io.visionhub.vision.sim;

import io.visionhub.event.Defect;
import java.awt.image.BufferedImage;

/**
 * One drawn part with its ground truth.
 *
 * @param index       sequence number the part was drawn for (same seed + index = same image)
 * @param partId      part id, e.g. {@code SIM-000042}
 * @param image       the frame (RGB)
 * @param defectClass {@code scratch}, {@code spot}, {@code missing_feature}, or null for a good part
 * @param defectBox   where the defect was drawn, in pixels, or null for a good part
 */
public record SimulatedPart(long index, String partId, BufferedImage image, String defectClass, Defect.Box defectBox) {

    public static final String SCRATCH = "scratch";
    public static final String SPOT = "spot";
    public static final String MISSING_FEATURE = "missing_feature";

    public boolean good() {
        return defectClass == null;
    }
}
