package io.visionhub.vision.model;

import io.visionhub.event.Defect;
import java.util.ArrayList;
import java.util.List;

/**
 * Masks of a YOLOv8-seg/YOLO11-seg detection: {@code sigmoid(coefficients . prototypes)} at the prototypes'
 * resolution, sampled bilinearly at each original-frame pixel's centre (through the letterbox), kept inside the
 * detection's box, thresholded at 0.5 (as Ultralytics does), and summarised as area and outline polygon.
 * Only the prototype cells under the box are computed.
 */
final class SegmentMasks {

    private final int coefficients;
    private final int protoHeight;
    private final int protoWidth;
    private final int inputWidth;
    private final int inputHeight;

    /**
     * @param coefficients mask coefficients per candidate (M, the prototypes' channels)
     * @param protoHeight  prototype rows (H)
     * @param protoWidth   prototype columns (W)
     */
    SegmentMasks(int coefficients, int protoHeight, int protoWidth, int inputWidth, int inputHeight) {
        this.coefficients = coefficients;
        this.protoHeight = protoHeight;
        this.protoWidth = protoWidth;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
    }

    /**
     * The mask of one detection.
     *
     * @param out     the main output, yolov8 column layout {@code [4 + C + M, n]}
     * @param n       candidates
     * @param classes C
     * @param proto   prototypes {@code [M, H, W]}
     * @param d       the detection (input pixels), with its candidate index
     * @param box     its box in original-frame pixels
     */
    Defect.Mask mask(
            float[] out,
            int n,
            int classes,
            float[] proto,
            Detection d,
            ImagePreprocessor.Geometry geo,
            Defect.Box box) {
        float[] coef = new float[coefficients];
        int base = 4 + classes;
        for (int k = 0; k < coefficients; k++) {
            coef[k] = out[(base + k) * n + d.candidate()];
        }
        double sx = (double) protoWidth / inputWidth;
        double sy = (double) protoHeight / inputHeight;
        // prototype cells under the box, one more each side for the bilinear neighbours
        int px0 = clampInt((int) Math.floor(d.x1() * sx) - 1, protoWidth - 1);
        int px1 = clampInt((int) Math.ceil(d.x2() * sx) + 1, protoWidth - 1);
        int py0 = clampInt((int) Math.floor(d.y1() * sy) - 1, protoHeight - 1);
        int py1 = clampInt((int) Math.ceil(d.y2() * sy) + 1, protoHeight - 1);
        int cw = px1 - px0 + 1;
        int ch = py1 - py0 + 1;
        float[] m = new float[cw * ch];
        int plane = protoWidth * protoHeight;
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int cell = (py0 + y) * protoWidth + px0 + x;
                double v = 0;
                for (int k = 0; k < coefficients; k++) {
                    v += coef[k] * proto[k * plane + cell];
                }
                m[y * cw + x] = (float) (1 / (1 + Math.exp(-v)));
            }
        }
        int area = 0;
        List<int[]> rows = new ArrayList<>(); // y, first x, last x of each row holding mask pixels
        for (int oy = box.y(); oy < box.y() + box.height(); oy++) {
            double iy = (oy + 0.5) * geo.scaleY() + geo.padY();
            if (iy < d.y1() || iy >= d.y2()) {
                continue; // cropped to the box, as the model was trained
            }
            double fy = clamp(iy * sy - 0.5, py0, py1) - py0;
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, ch - 1);
            double wy = fy - y0;
            int first = -1;
            int last = -1;
            for (int ox = box.x(); ox < box.x() + box.width(); ox++) {
                double ix = (ox + 0.5) * geo.scaleX() + geo.padX();
                if (ix < d.x1() || ix >= d.x2()) {
                    continue;
                }
                double fx = clamp(ix * sx - 0.5, px0, px1) - px0;
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, cw - 1);
                double wx = fx - x0;
                double top = m[y0 * cw + x0] * (1 - wx) + m[y0 * cw + x1] * wx;
                double bottom = m[y1 * cw + x0] * (1 - wx) + m[y1 * cw + x1] * wx;
                if (top * (1 - wy) + bottom * wy > 0.5) {
                    area++;
                    if (first < 0) {
                        first = ox;
                    }
                    last = ox;
                }
            }
            if (first >= 0) {
                rows.add(new int[] {oy, first, last});
            }
        }
        return new Defect.Mask(area, outline(rows));
    }

    /**
     * The outline of the rows' spans, clockwise from the top-left: the right ends top to bottom, then the left ends
     * bottom to top, at pixel corners. Exact for masks with one span per row (most parts and blobs); a row with a
     * gap is drawn across it (its area still counts only mask pixels). Collinear vertices are dropped, then
     * vertices are thinned evenly to at most {@link Defect.Mask#MAX_VERTICES}.
     */
    static List<List<Integer>> outline(List<int[]> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<int[]> v = new ArrayList<>();
        int[] firstRow = rows.get(0);
        v.add(new int[] {firstRow[1], firstRow[0]});
        for (int i = 0; i < rows.size(); i++) {
            int[] r = rows.get(i);
            v.add(new int[] {r[2] + 1, r[0]});
            v.add(new int[] {r[2] + 1, r[0] + 1});
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
            int[] r = rows.get(i);
            v.add(new int[] {r[1], r[0] + 1});
            v.add(new int[] {r[1], r[0]});
        }
        v.remove(v.size() - 1); // the first vertex again
        v = withoutCollinear(v);
        List<List<Integer>> polygon = new ArrayList<>();
        int max = Defect.Mask.MAX_VERTICES;
        if (v.size() <= max) {
            v.forEach(p -> polygon.add(List.of(p[0], p[1])));
        } else {
            for (int i = 0; i < max; i++) {
                int[] p = v.get((int) ((long) i * v.size() / max));
                polygon.add(List.of(p[0], p[1]));
            }
        }
        return polygon;
    }

    private static List<int[]> withoutCollinear(List<int[]> v) {
        List<int[]> out = new ArrayList<>(v);
        boolean changed = true;
        while (changed && out.size() > 3) {
            changed = false;
            for (int i = 0; i < out.size() && out.size() > 3; i++) {
                int[] a = out.get((i + out.size() - 1) % out.size());
                int[] b = out.get(i);
                int[] c = out.get((i + 1) % out.size());
                boolean same = a[0] == b[0] && a[1] == b[1];
                if (same || (a[0] == b[0] && b[0] == c[0]) || (a[1] == b[1] && b[1] == c[1])) {
                    out.remove(i);
                    i--;
                    changed = true;
                }
            }
        }
        return out;
    }

    private static int clampInt(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }
}
