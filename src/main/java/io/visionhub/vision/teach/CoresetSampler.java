package io.visionhub.vision.teach;

import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Greedy coreset sampling (k-center), as PatchCore reduces its memory bank: start from one patch, then keep adding
 * the patch farthest from everything chosen so far. The chosen set covers the whole set: every patch lies within
 * {@link Result#coverageRadius()} of a chosen one, at most twice the best any set of that size can do. Distances
 * are taken after a random Gaussian projection to fewer dimensions (Johnson-Lindenstrauss: distances are kept
 * within a small factor) so that picking costs less; the memory bank then keeps the full features.
 */
public final class CoresetSampler {

    /**
     * @param indices        chosen rows, in the order picked
     * @param coverageRadius largest distance (in the projected space) from any row to its nearest chosen row
     */
    public record Result(int[] indices, double coverageRadius) {}

    private CoresetSampler() {}

    /**
     * @param data           rows x dims values, row-major
     * @param rows           number of rows
     * @param dims           row length
     * @param size           rows to choose (1..rows)
     * @param projectionDims projected length; dims or more means no projection
     * @param seed           seed of the projection and the first row
     * @param progress       told the number chosen so far, every 10% (may be null)
     */
    public static Result sample(
            float[] data, int rows, int dims, int size, int projectionDims, long seed, IntConsumer progress) {
        if (size < 1 || size > rows) {
            throw new IllegalArgumentException("coreset size must be 1.." + rows + ", got " + size);
        }
        Random rnd = new Random(seed);
        int p = projectionDims > 0 && projectionDims < dims ? projectionDims : dims;
        float[] x = p == dims ? data : project(data, rows, dims, p, rnd);
        float[] minDist = new float[rows];
        java.util.Arrays.fill(minDist, Float.POSITIVE_INFINITY);
        int[] chosen = new int[size];
        int next = rnd.nextInt(rows);
        int step = Math.max(1, size / 10);
        for (int k = 0; k < size; k++) {
            chosen[k] = next;
            int base = next * p;
            int far = 0;
            float farD = -1;
            for (int r = 0; r < rows; r++) {
                int o = r * p;
                float d = 0;
                for (int j = 0; j < p; j++) {
                    float t = x[o + j] - x[base + j];
                    d += t * t;
                }
                if (d < minDist[r]) {
                    minDist[r] = d;
                }
                if (minDist[r] > farD) {
                    farD = minDist[r];
                    far = r;
                }
            }
            next = far;
            if (progress != null && ((k + 1) % step == 0 || k + 1 == size)) {
                progress.accept(k + 1);
            }
        }
        float worst = 0;
        for (float d : minDist) {
            worst = Math.max(worst, d);
        }
        return new Result(chosen, Math.sqrt(worst));
    }

    /** Rows times a dims x p Gaussian matrix scaled by 1/sqrt(p), so squared distances are kept on average. */
    static float[] project(float[] data, int rows, int dims, int p, Random rnd) {
        float[] m = new float[dims * p];
        float scale = (float) (1.0 / Math.sqrt(p));
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) rnd.nextGaussian() * scale;
        }
        float[] out = new float[rows * p];
        for (int r = 0; r < rows; r++) {
            int ro = r * dims;
            int oo = r * p;
            for (int i = 0; i < dims; i++) {
                float v = data[ro + i];
                if (v == 0) {
                    continue;
                }
                int mo = i * p;
                for (int j = 0; j < p; j++) {
                    out[oo + j] += v * m[mo + j];
                }
            }
        }
        return out;
    }

    /** Largest distance from any row to its nearest chosen row, in the full space (for tests and reports). */
    public static double coverage(float[] data, int rows, int dims, int[] chosen) {
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c : chosen) {
                double d = 0;
                for (int j = 0; j < dims; j++) {
                    double t = data[r * dims + j] - data[c * dims + j];
                    d += t * t;
                }
                best = Math.min(best, d);
            }
            worst = Math.max(worst, best);
        }
        return Math.sqrt(worst);
    }
}
