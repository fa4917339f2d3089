package io.visionhub.vision.teach;

import io.visionhub.vision.model.ImagePreprocessor;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.onnx.OnnxGraphWriter;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teaches an anomaly model from good parts. Each image becomes grey, is averaged over {@code pool x pool}
 * cells, and per cell the mean and spread over the good images are kept. The ONNX graph the teacher writes:
 * <pre>
 * image [1,1,H,W] -AveragePool(pool)-> cells -Sub(mean)-Div(std)-Abs-> z -AveragePool(3x3, same)-> anomaly_map
 * anomaly_map -ReduceMax-> score [1]
 * </pre>
 * The threshold is the highest leave-one-out score of the good images times a margin: each good image is
 * scored against the statistics of the others, as a new good part would be.
 */
public final class AnomalyTeacher {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyTeacher.class);

    /**
     * @param name     model name
     * @param version  model version
     * @param width    input width (multiple of pool)
     * @param height   input height (multiple of pool)
     * @param pool     cell size in input pixels
     * @param stdFloor smallest spread per cell (grey 0..1), keeps flat areas from turning noise into alarms
     * @param margin   threshold = highest leave-one-out good score x margin
     */
    public record Spec(String name, String version, int width, int height, int pool, double stdFloor, double margin) {
        public static Spec of(String name, String version) {
            return new Spec(name, version, 640, 480, 4, 0.03, 1.5);
        }

        public Spec sized(int w, int h) {
            return new Spec(name, version, w, h, pool, stdFloor, margin);
        }
    }

    /** What teaching produced: the card, and the leave-one-out scores of the good images. */
    public record Result(ModelCard card, Path modelDir, double threshold, double[] goodScores, int images) {}

    public Result teach(List<BufferedImage> good, Spec spec, Path modelDir) {
        if (good.size() < 3) {
            throw new ModelException("teaching " + spec.name() + ": needs at least 3 good images, got " + good.size()
                    + " (20 is typical)");
        }
        if (spec.width() % spec.pool() != 0 || spec.height() % spec.pool() != 0) {
            throw new ModelException("teaching " + spec.name() + ": input " + spec.width() + "x" + spec.height()
                    + " must be a multiple of the cell size " + spec.pool());
        }
        long t0 = System.nanoTime();
        ModelCard.Input input = new ModelCard.Input(
                "image", spec.width(), spec.height(), 1, "RGB", false, null, 1.0 / 255.0, List.of(0.0), List.of(1.0));
        ImagePreprocessor pre = new ImagePreprocessor(input, false);
        int cw = spec.width() / spec.pool();
        int ch = spec.height() / spec.pool();
        int cells = cw * ch;
        int n = good.size();
        float[][] pooled = new float[n][];
        FloatBuffer buf = ByteBuffer.allocateDirect(pre.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        double[] sum = new double[cells];
        double[] sq = new double[cells];
        for (int k = 0; k < n; k++) {
            BufferedImage img = good.get(k);
            if (img == null) {
                throw new ModelException("teaching " + spec.name() + ": good image " + k + " could not be read");
            }
            pre.apply(img, buf);
            pooled[k] = pool(buf, spec.width(), spec.height(), spec.pool());
            for (int i = 0; i < cells; i++) {
                sum[i] += pooled[k][i];
                sq[i] += (double) pooled[k][i] * pooled[k][i];
            }
        }
        float[] mean = new float[cells];
        float[] std = new float[cells];
        for (int i = 0; i < cells; i++) {
            double m = sum[i] / n;
            double var = Math.max(0, sq[i] / n - m * m);
            mean[i] = (float) m;
            std[i] = (float) Math.max(spec.stdFloor(), Math.sqrt(var * n / (n - 1)));
        }
        // leave-one-out scores: each good image against the statistics of the others
        double[] scores = new double[n];
        float[] m1 = new float[cells];
        float[] s1 = new float[cells];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < cells; i++) {
                double x = pooled[k][i];
                double m = (sum[i] - x) / (n - 1);
                double var = Math.max(0, (sq[i] - x * x) / (n - 1) - m * m);
                m1[i] = (float) m;
                s1[i] = (float) Math.max(spec.stdFloor(), Math.sqrt(var * (n - 1) / Math.max(1, n - 2)));
            }
            scores[k] = score(pooled[k], m1, s1, cw, ch);
        }
        double maxGood = 0;
        for (double s : scores) {
            maxGood = Math.max(maxGood, s);
        }
        double threshold = round4(maxGood * spec.margin());

        OnnxGraphWriter g = new OnnxGraphWriter(spec.name())
                .doc("Anomaly model taught by Vision Hub from " + n + " good images")
                .metadata("visionhub.kind", ModelCard.ANOMALY)
                .metadata("visionhub.version", spec.version());
        long[] cellShape = {1, 1, ch, cw};
        g.input("image", new long[] {1, 1, spec.height(), spec.width()});
        g.initializer("mean", cellShape, mean);
        g.initializer("std", cellShape, std);
        g.node(
                "AveragePool",
                List.of("image"),
                List.of("cells"),
                Map.of(
                        "kernel_shape", new long[] {spec.pool(), spec.pool()},
                        "strides", new long[] {spec.pool(), spec.pool()}));
        g.node("Sub", List.of("cells", "mean"), List.of("diff"));
        g.node("Div", List.of("diff", "std"), List.of("z"));
        g.node("Abs", List.of("z"), List.of("absz"));
        g.node(
                "AveragePool",
                List.of("absz"),
                List.of("anomaly_map"),
                Map.of(
                        "kernel_shape", new long[] {3, 3},
                        "strides", new long[] {1, 1},
                        "pads", new long[] {1, 1, 1, 1},
                        "count_include_pad", 0L));
        g.node(
                "ReduceMax",
                List.of("anomaly_map"),
                List.of("score"),
                Map.of("axes", new long[] {1, 2, 3}, "keepdims", 0L));
        g.output("anomaly_map", cellShape);
        g.output("score", new long[] {1});
        Path onnx = modelDir.resolve(ModelCard.DEFAULT_MODEL_FILE);
        g.write(onnx);

        Map<String, Object> taught = new LinkedHashMap<>();
        taught.put("teacher", "visionhub-anomaly-cells");
        taught.put("goodImages", n);
        taught.put("cellSize", spec.pool());
        taught.put("stdFloor", spec.stdFloor());
        taught.put("margin", spec.margin());
        taught.put("maxLeaveOneOutGoodScore", round4(maxGood));
        taught.put("taughtAt", Instant.now().toString());
        ModelCard card = new ModelCard(
                spec.name(),
                spec.version(),
                ModelCard.ANOMALY,
                ModelCard.DEFAULT_MODEL_FILE,
                "Anomaly model taught from good parts: per-cell grey statistics, |z| map smoothed 3x3, score = max",
                input,
                new ModelCard.Output(null, null, "anomaly_map", "score", null),
                null,
                null,
                null,
                null,
                new ModelCard.Anomaly(threshold, round4(threshold * 0.6), 2, "anomaly"),
                null,
                taught,
                null);
        card.write(modelDir.resolve(ModelCard.CARD_FILE));
        LOG.info(
                "Taught anomaly model {} {} from {} good images in {} ms: threshold {} (highest leave-one-out good "
                        + "score {} x {}), written to {}",
                spec.name(),
                spec.version(),
                n,
                (System.nanoTime() - t0) / 1_000_000,
                threshold,
                round4(maxGood),
                spec.margin(),
                modelDir.toAbsolutePath());
        return new Result(card, modelDir, threshold, scores, n);
    }

    private static float[] pool(FloatBuffer img, int w, int h, int p) {
        int cw = w / p;
        int ch = h / p;
        float[] out = new float[cw * ch];
        float inv = 1f / (p * p);
        for (int y = 0; y < h; y++) {
            int row = (y / p) * cw;
            for (int x = 0; x < w; x++) {
                out[row + x / p] += img.get(y * w + x);
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] *= inv;
        }
        return out;
    }

    /** Per-cell grey mean and spread of images after this (1-channel) pre-processing. */
    public record CellStats(float[] mean, float[] std, float[][] cells, int cellsWide, int cellsHigh) {
        /** The highest graph score among the images the statistics came from. */
        public double maxScore() {
            double best = 0;
            for (float[] c : cells) {
                best = Math.max(best, score(c, mean, std, cellsWide, cellsHigh));
            }
            return best;
        }
    }

    public static CellStats cellStatistics(
            List<BufferedImage> images, ImagePreprocessor pre, int pool, double stdFloor) {
        FloatBuffer buf = ByteBuffer.allocateDirect(pre.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        int cw = pre.width() / pool;
        int ch = pre.height() / pool;
        int n = images.size();
        float[][] cells = new float[n][];
        double[] sum = new double[cw * ch];
        double[] sq = new double[cw * ch];
        for (int k = 0; k < n; k++) {
            pre.apply(images.get(k), buf);
            cells[k] = pool(buf, pre.width(), pre.height(), pool);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += cells[k][i];
                sq[i] += (double) cells[k][i] * cells[k][i];
            }
        }
        float[] mean = new float[sum.length];
        float[] std = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            double m = sum[i] / n;
            mean[i] = (float) m;
            std[i] = (float) Math.max(stdFloor, Math.sqrt(Math.max(0, sq[i] / n - m * m) * n / Math.max(1, n - 1)));
        }
        return new CellStats(mean, std, cells, cw, ch);
    }

    /** The graph's score computed in Java: max of the 3x3-smoothed |z| map. */
    public static double score(float[] cells, float[] mean, float[] std, int cw, int ch) {
        float[] z = new float[cells.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.abs((cells[i] - mean[i]) / std[i]);
        }
        double best = 0;
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                double s = 0;
                int c = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && yy < ch && xx >= 0 && xx < cw) {
                            s += z[yy * cw + xx];
                            c++;
                        }
                    }
                }
                best = Math.max(best, s / c);
            }
        }
        return best;
    }

    private static double round4(double v) {
        return Math.round(v * 10000.0) / 10000.0;
    }
}
