package io.visionhub.vision.model;

/**
 * One decoded detection in model-input pixels: corners, confidence, class index, and the index of the output
 * candidate it came from (segmentation reads that candidate's mask coefficients; -1 when unknown).
 */
public record Detection(float x1, float y1, float x2, float y2, float confidence, int classIndex, int candidate) {

    public Detection(float x1, float y1, float x2, float y2, float confidence, int classIndex) {
        this(x1, y1, x2, y2, confidence, classIndex, -1);
    }

    public float area() {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    public float iou(Detection o) {
        float ix = Math.min(x2, o.x2) - Math.max(x1, o.x1);
        float iy = Math.min(y2, o.y2) - Math.max(y1, o.y1);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        float inter = ix * iy;
        return inter / (area() + o.area() - inter);
    }
}
