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
 *   <li>{@code yolov10} (also YOLO11 exported end-to-end): {@code [1, K, 6]}, rows of x1, y1, x2, y2, score,
 *       class index; the model already suppressed duplicates, so no NMS here.</li>
 *   <li>{@code yolov8-seg} (also YOLO11-seg): {@code [1, 4 + C + M, N]}, the yolov8 columns followed by M mask
 *       coefficients; a second output, the prototypes {@code [1, M, H, W]}, is read by {@link SegmentMasks}.</li>
 * </ul>
 * Coordinates are in model-input pixels (after letterbox).
 */
public final class YoloDecoder {

    public enum Layout {
        YOLOV5("yolov5"),
        YOLOV8("yolov8", "yolo11"),
        END2END("yolov10", "yolo11-end2end", "end2end"),
        YOLOV8_SEG("yolov8-seg", "yolo11-seg");

        private final List<String> names;

        Layout(String... names) {
            this.names = List.of(names);
        }

        /** The name a card uses for this layout (the first of its names). */
        public String cardName() {
            return names.get(0);
        }

        /** Every name a card may give in output.layout. */
        public static List<String> allNames() {
            List<String> all = new ArrayList<>();
            for (Layout l : values()) {
                all.addAll(l.names);
            }
            return all;
        }

        /** The layout a card names (case-insensitive); yolov8 when null; null for an unknown name. */
        public static Layout fromCard(String name) {
            if (name == null || name.isBlank()) {
                return YOLOV8;
            }
            for (Layout l : values()) {
                if (l.names.contains(name.trim().toLowerCase())) {
                    return l;
                }
            }
            return null;
        }
    }

    private final Layout layout;
    private final int classes;
    private final float[] thresholds;
    private final float minThreshold;
    private final float iou;
    private final int maxDetections;
    private final int maskCoefficients;

    /**
     * @param thresholds confidence threshold per class index
     * @param iou        IoU above which a lower-scored box of the same class is suppressed
     */
    public YoloDecoder(Layout layout, int classes, float[] thresholds, float iou, int maxDetections) {
        this(layout, classes, thresholds, iou, maxDetections, 0);
    }

    /** @param maskCoefficients yolov8-seg: mask coefficients per candidate (the prototypes' channel count) */
    public YoloDecoder(
            Layout layout, int classes, float[] thresholds, float iou, int maxDetections, int maskCoefficients) {
        this.layout = layout;
        this.maskCoefficients = layout == Layout.YOLOV8_SEG ? maskCoefficients : 0;
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
        return switch (layout) {
            case YOLOV5 -> 5 + classes;
            case YOLOV8 -> 4 + classes;
            case END2END -> 6;
            case YOLOV8_SEG -> 4 + classes + maskCoefficients;
        };
    }

    public Layout layout() {
        return layout;
    }

    /** Checks an output shape against the layout; returns the candidate count or throws naming the problem. */
    public int candidates(long[] shape, String model) {
        if (shape.length != 3 || shape[0] != 1) {
            throw new ModelException(
                    "model " + model + ": detector output must be 3-D [1, ...], is " + Arrays.toString(shape));
        }
        boolean rows = layout == Layout.YOLOV5 || layout == Layout.END2END;
        long per = rows ? shape[2] : shape[1];
        long n = rows ? shape[1] : shape[2];
        if (per != stride()) {
            String expects = switch (layout) {
                case YOLOV5 -> "[1, N, " + stride() + "] (5 + " + classes + " classes)";
                case YOLOV8 -> "[1, " + stride() + ", N] (4 + " + classes + " classes)";
                case END2END -> "[1, K, 6] (x1, y1, x2, y2, score, class)";
                case YOLOV8_SEG ->
                    "[1, " + stride() + ", N] (4 + " + classes + " classes + " + maskCoefficients
                            + " mask coefficients)";
            };
            throw new ModelException("model " + model + ": output " + Arrays.toString(shape) + " does not match layout "
                    + layout.cardName() + " with " + classes + " classes: expects " + stride() + " values per box, "
                    + expects
                    + "; check 'classes' and output.layout in the card");
        }
        if (n <= 0) {
            throw new ModelException("model " + model + ": output " + Arrays.toString(shape)
                    + " has no fixed candidate count; export the model with a fixed input size");
        }
        return (int) n;
    }

    public List<Detection> decode(float[] out, int n) {
        if (layout == Layout.END2END) {
            return decodeEndToEnd(out, n);
        }
        if (layout != Layout.YOLOV5) {
            return decodeColumns(out, n);
        }
        List<Detection> candidates = new ArrayList<>();
        int stride = stride();
        for (int i = 0; i < n; i++) {
            int base = i * stride;
            float obj = out[base + 4];
            if (obj < minThreshold) {
                continue;
            }
            int best = -1;
            float bestScore = 0;
            for (int c = 0; c < classes; c++) {
                float s = out[base + 5 + c];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            bestScore *= obj;
            if (best < 0 || bestScore < thresholds[best]) {
                continue;
            }
            candidates.add(candidate(out[base], out[base + 1], out[base + 2], out[base + 3], bestScore, best, i));
        }
        return nms(candidates, iou, maxDetections);
    }

    /**
     * YOLOv8 columns ({@code [1, 4 + C (+ M), N]}): class-major, so that each class row of N scores is read
     * contiguously (the candidate-major loop jumped N floats per read, a cache miss each: 1.3 ms for YOLOv8n's
     * 84 x 8400); per candidate the best class is kept, the thresholds are applied, and only the survivors' boxes are
     * read. The same result as scanning candidate by candidate: the first class wins a tie, scores of 0 or less (and
     * NaN) never win.
     */
    private List<Detection> decodeColumns(float[] out, int n) {
        float[] bestScore = new float[n];
        int[] best = new int[n];
        Arrays.fill(best, -1);
        for (int c = 0; c < classes; c++) {
            int row = (4 + c) * n;
            for (int i = 0; i < n; i++) {
                float s = out[row + i];
                if (s > bestScore[i]) {
                    bestScore[i] = s;
                    best[i] = c;
                }
            }
        }
        List<Detection> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int b = best[i];
            float score = bestScore[i];
            if (b < 0 || score < minThreshold || score < thresholds[b]) {
                continue;
            }
            candidates.add(candidate(out[i], out[n + i], out[2 * n + i], out[3 * n + i], score, b, i));
        }
        return nms(candidates, iou, maxDetections);
    }

    private static Detection candidate(float cx, float cy, float w, float h, float score, int cls, int i) {
        if (!Float.isFinite(cx)
                || !Float.isFinite(cy)
                || !Float.isFinite(w)
                || !Float.isFinite(h)
                || !Float.isFinite(score)) {
            throw new ModelException("output holds NaN/Inf at candidate " + i + ": the model or its input is broken");
        }
        return new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, cls, i);
    }

    /** Rows of x1, y1, x2, y2, score, class: thresholds only, the model did the suppression. */
    private List<Detection> decodeEndToEnd(float[] out, int n) {
        List<Detection> kept = new ArrayList<>();
        for (int i = 0; i < n && kept.size() < maxDetections; i++) {
            int base = i * 6;
            float score = out[base + 4];
            if (!(score >= minThreshold)) { // also skips NaN padding rows
                continue;
            }
            float cls = out[base + 5];
            int c = Math.round(cls);
            if (!Float.isFinite(cls) || c < 0 || c >= classes || Math.abs(cls - c) > 1e-3) {
                throw new ModelException("row " + i + " names class " + cls + ", the card lists " + classes
                        + " classes (0.." + (classes - 1) + ")");
            }
            if (score < thresholds[c]) {
                continue;
            }
            for (int k = 0; k < 4; k++) {
                if (!Float.isFinite(out[base + k])) {
                    throw new ModelException(
                            "output holds NaN/Inf at candidate " + i + ": the model or its input is broken");
                }
            }
            kept.add(new Detection(out[base], out[base + 1], out[base + 2], out[base + 3], score, c, i));
        }
        kept.sort((a, b) -> Float.compare(b.confidence(), a.confidence()));
        return kept;
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
