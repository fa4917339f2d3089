package io.visionhub.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One defect: class name, confidence 0..1, box in original-frame pixels (null for whole-image classes). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Defect(String defectClass, double confidence, Box box) {

    /** Axis-aligned box in original-frame pixels: top-left corner, width, height. */
    public record Box(int x, int y, int width, int height) {}
}
