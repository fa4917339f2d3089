package io.visionhub.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One defect: class name, confidence 0..1, box in original-frame pixels (null for whole-image classes), and for
 * segmentation models the outline of its mask (null otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Defect(String defectClass, double confidence, Box box, Mask mask) {

    public Defect(String defectClass, double confidence, Box box) {
        this(defectClass, confidence, box, null);
    }

    /** Axis-aligned box in original-frame pixels: top-left corner, width, height. */
    public record Box(int x, int y, int width, int height) {}

    /**
     * A segmentation mask, summarised: its area and an outline polygon, both in original-frame pixels.
     *
     * @param area    pixels of the frame inside the mask
     * @param polygon closed outline as [x, y] vertices (pixel corners), clockwise from the top-left; at most
     *                {@value #MAX_VERTICES} vertices (see docs/event.md for how it is traced)
     */
    public record Mask(int area, List<List<Integer>> polygon) {

        public static final int MAX_VERTICES = 64;

        public Mask {
            polygon = polygon == null
                    ? List.of()
                    : polygon.stream().map(List::copyOf).toList();
        }
    }
}
