package io.visionhub.vision.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes YOLO detector outputs into detections and applies per-class non-maximum suppression.
 * <ul>
 *   <li>{@code yolov5}: {@code [1, N, 5 + C]}, rows of cx, cy, w, h, objectness, class scores; confidence =
 *       objectness x class score.</li>
 *   <li>{@code yolov8} (also YOLO11): {@code [1, 4 + C, N]}, columns of cx, cy, w, h, class scores.</li>
 * </ul>
 * Coordinates are in model-input pixels (after letterbox).
 */
public final class YoloDecoder {

    public enum Layout {
        YOLOV5,
        YOLOV8
    }

    private final Layout layout;
    private final int classes;
    private final float[] thresholds;
    private final float minThreshold;
    private final float iou;
    private final int maxDetections;

    /**
     * @param thresholds confidence threshold per class index
     * @param iou        IoU above which a lower-scored box of the same class is suppressed
     */
    public YoloDecoder(Layout layout, int classes, float[] thresholds, float iou, int maxDetections) {
        this.layout = layout;
        this.classes = classes;
        this.thresholds = thresholds;
        float min = 1;
        for (float t : thresholds) {
            min = Math.min(min, t);
        }
        this.minThreshold = min;
        this.iou = iou;
        this.maxDetections = maxDetections;
    }

    /** The number of values per candidate this layout expects. */
    public int stride() {
        return layout == Layout.YOLOV5 ? 5 + classes : 4 + classes;
    }

    /** Checks an output shape against the layout; returns the candidate count or throws naming the problem. */
    public int candidates(long[] shape, String model) {
        if (shape.length != 3 || shape[0] != 1) {
            throw new ModelException(
                    "model " + model + ": detector output must be 3-D [1, ...], is " + Arrays.toString(shape));
        }
        long per = layout == Layout.YOLOV5 ? shape[2] : shape[1];
        long n = layout == Layout.YOLOV5 ? shape[1] : shape[2];
        if (per != stride()) {
            throw new ModelException("model " + model + ": output " + Arrays.toString(shape) + " does not match layout "
                    + layout.name().toLowerCase() + " with " + classes + " classes (expects " + stride()
                    + " values per box; "
                    + "check 'classes' and output.layout in the card)");
        }
        return (int) n;
    }

    public List<Detection> decode(float[] out, int n) {
        List<Detection> candidates = new ArrayList<>();
        int stride = stride();
        for (int i = 0; i < n; i++) {
            float cx, cy, w, h, obj;
            int best = -1;
            float bestScore = 0;
            if (layout == Layout.YOLOV5) {
                int base = i * stride;
                obj = out[base + 4];
                if (obj < minThreshold) {
                    continue;
                }
                for (int c = 0; c < classes; c++) {
                    float s = out[base + 5 + c];
                    if (s > bestScore) {
                        bestScore = s;
                        best = c;
                    }
                }
                bestScore *= obj;
                cx = out[base];
                cy = out[base + 1];
                w = out[base + 2];
                h = out[base + 3];
            } else {
                for (int c = 0; c < classes; c++) {
                    float s = out[(4 + c) * n + i];
                    if (s > bestScore) {
                        bestScore = s;
                        best = c;
                    }
                }
                if (best < 0 || bestScore < minThreshold) {
                    continue;
                }
                cx = out[i];
                cy = out[n + i];
                w = out[2 * n + i];
                h = out[3 * n + i];
            }
            if (best < 0 || bestScore < thresholds[best]) {
                continue;
            }
            if (!Float.isFinite(cx)
                    || !Float.isFinite(cy)
                    || !Float.isFinite(w)
                    || !Float.isFinite(h)
                    || !Float.isFinite(bestScore)) {
                throw new ModelException(
                        "output holds NaN/Inf at candidate " + i + ": the model or its input is broken");
            }
            candidates.add(new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, bestScore, best));
        }
        return nms(candidates, iou, maxDetections);
    }

    /** Greedy per-class NMS, highest confidence first. */
    public static List<Detection> nms(List<Detection> in, float iou, int max) {
        Detection[] sorted = in.toArray(new Detection[0]);
        Arrays.sort(sorted, (a, b) -> Float.compare(b.confidence(), a.confidence()));
        boolean[] removed = new boolean[sorted.length];
        List<Detection> kept = new ArrayList<>();
        for (int i = 0; i < sorted.length && kept.size() < max; i++) {
            if (removed[i]) {
                continue;
            }
            Detection d = sorted[i];
            kept.add(d);
            for (int j = i + 1; j < sorted.length; j++) {
                if (!removed[j] && sorted[j].classIndex() == d.classIndex() && d.iou(sorted[j]) > iou) {
                    removed[j] = true;
                }
            }
        }
        return kept;
    }
}
