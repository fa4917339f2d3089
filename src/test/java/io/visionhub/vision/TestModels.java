package io.visionhub.vision;

import io.visionhub.vision.model.ImagePreprocessor;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.onnx.OnnxGraphWriter;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Small real ONNX models built with {@link OnnxGraphWriter} for tests and benchmarks: a detector in YOLOv8
 * or YOLOv5 output layout and a classifier, both finding the simulator's defects from statistics of good
 * parts, plus broken ones (NaN outputs, wrong output shapes).
 */
public final class TestModels {

    private TestModels() {}

    public static List<BufferedImage> goodParts(long seed, int n) {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(seed, 0);
        return LongStream.range(0, n).mapToObj(i -> gen.good(i).image()).toList();
    }

    /**
     * An anomaly model taught by {@link AnomalyTeacher} (default spec, version "1") from 20 good parts of the
     * simulator's seed 3, written to {@code dir}: the model most vision tests inspect with.
     */
    public static AnomalyTeacher.Result anomalyModel(Path dir, String name) {
        return new AnomalyTeacher().teach(goodParts(3, 20), AnomalyTeacher.Spec.of(name, "1"), dir);
    }

    /**
     * A 640x640 letterboxed detector: cells of 8 px, one candidate per cell (6400), class 0 "defect" scored
     * sigmoid(4 (anomaly - t)), class 1 "dust" always 0; 32x32 boxes centred on the cell.
     */
    public static Path detector(Path dir, String layout, List<BufferedImage> good) {
        int size = 640;
        int pool = 8;
        ModelCard.Input grey = new ModelCard.Input(null, size, size, 1, "RGB", true, 114, null, null, null);
        AnomalyTeacher.CellStats st =
                AnomalyTeacher.cellStatistics(good, new ImagePreprocessor(grey, true), pool, 0.03);
        float t = (float) (st.maxScore() * 1.5);
        int cw = size / pool;
        int n = cw * cw;
        float[] boxes = new float[4 * n];
        for (int i = 0; i < n; i++) {
            boxes[i] = (i % cw + 0.5f) * pool;
            boxes[n + i] = (i / cw + 0.5f) * pool;
            boxes[2 * n + i] = 32;
            boxes[3 * n + i] = 32;
        }
        OnnxGraphWriter g = new OnnxGraphWriter("test-detector-" + layout)
                .metadata("names", "{0: 'defect', 1: 'dust'}"); // as an Ultralytics export writes them
        g.input("images", new long[] {1, 3, size, size});
        g.initializer("mean", new long[] {1, 1, cw, cw}, st.mean());
        g.initializer("std", new long[] {1, 1, cw, cw}, st.std());
        g.initializer("t", new long[] {1}, new float[] {t});
        g.initializer("k", new long[] {1}, new float[] {4f});
        g.initializer("boxes", new long[] {1, 4, n}, boxes);
        g.initializer("zeros", new long[] {1, 1, n}, new float[n]);
        g.initializer("ones", new long[] {1, 1, n}, ones(n));
        g.initializer("flat", new long[] {3}, new long[] {1, 1, n});
        anomalyMap(g, "images", pool);
        g.node("Reshape", List.of("map", "flat"), List.of("mapflat"));
        g.node("Sub", List.of("mapflat", "t"), List.of("centred"));
        g.node("Mul", List.of("centred", "k"), List.of("logit"));
        g.node("Sigmoid", List.of("logit"), List.of("defect"));
        if ("yolov5".equals(layout)) {
            // rows of cx, cy, w, h, objectness, class scores (defect 1, dust 0)
            g.node("Concat", List.of("boxes", "defect", "ones", "zeros"), List.of("cols"), Map.of("axis", 1L));
            g.node("Transpose", List.of("cols"), List.of("output0"), Map.of("perm", new long[] {0, 2, 1}));
            g.output("output0", new long[] {1, n, 7});
        } else {
            g.node("Concat", List.of("boxes", "defect", "zeros"), List.of("output0"), Map.of("axis", 1L));
            g.output("output0", new long[] {1, 6, n});
        }
        g.write(dir.resolve("model.onnx"));
        new ModelCard(
                        "test-detector-" + layout,
                        "1",
                        ModelCard.DETECT,
                        null,
                        "test detector",
                        new ModelCard.Input(null, size, size, 3, "RGB", true, 114, null, null, null),
                        new ModelCard.Output(layout, null, null, null, null),
                        List.of("defect", "dust"),
                        Map.of("default", 0.5),
                        null,
                        null,
                        null,
                        0.3,
                        null,
                        null)
                .write(dir.resolve("model.yaml"));
        return dir;
    }

    /** A 320x320 classifier: logits [t - score, score - t] x 4 for classes good, defect. */
    public static Path classifier(Path dir, List<BufferedImage> good) {
        int size = 320;
        int pool = 4;
        ModelCard.Input grey = new ModelCard.Input(null, size, size, 1, "RGB", false, null, null, null, null);
        AnomalyTeacher.CellStats st =
                AnomalyTeacher.cellStatistics(good, new ImagePreprocessor(grey, false), pool, 0.03);
        float t = (float) (st.maxScore() * 1.5);
        int cw = size / pool;
        OnnxGraphWriter g = new OnnxGraphWriter("test-classifier");
        g.input("input", new long[] {1, 3, size, size});
        g.initializer("mean", new long[] {1, 1, cw, cw}, st.mean());
        g.initializer("std", new long[] {1, 1, cw, cw}, st.std());
        g.initializer("t", new long[] {1}, new float[] {t});
        g.initializer("k", new long[] {1}, new float[] {4f});
        g.initializer("shape", new long[] {2}, new long[] {1, 2});
        anomalyMap(g, "input", pool);
        g.node("ReduceMax", List.of("map"), List.of("score"), Map.of("axes", new long[] {1, 2, 3}, "keepdims", 0L));
        g.node("Sub", List.of("t", "score"), List.of("goodLogit"));
        g.node("Sub", List.of("score", "t"), List.of("defectLogit"));
        g.node("Concat", List.of("goodLogit", "defectLogit"), List.of("logits"), Map.of("axis", 0L));
        g.node("Mul", List.of("logits", "k"), List.of("scaled"));
        g.node("Reshape", List.of("scaled", "shape"), List.of("output"));
        g.output("output", new long[] {1, 2});
        g.write(dir.resolve("model.onnx"));
        new ModelCard(
                        "test-classifier",
                        "1",
                        ModelCard.CLASSIFY,
                        null,
                        "test classifier",
                        new ModelCard.Input(null, size, size, 3, "RGB", false, null, null, null, null),
                        new ModelCard.Output(null, null, null, null, true),
                        List.of("good", "defect"),
                        Map.of("default", 0.5),
                        List.of("good"),
                        null,
                        null,
                        null,
                        null,
                        null)
                .write(dir.resolve("model.yaml"));
        return dir;
    }

    /** A classifier whose output is NaN for every input (sqrt of a negative number). */
    public static Path nanClassifier(Path dir) {
        OnnxGraphWriter g = new OnnxGraphWriter("nan-classifier");
        g.input("input", new long[] {1, 3, 64, 64});
        g.initializer("minus", new long[] {1}, new float[] {-1e6f});
        g.initializer("shape", new long[] {2}, new long[] {1, 2});
        g.node("ReduceMean", List.of("input"), List.of("m"), Map.of("axes", new long[] {2, 3}, "keepdims", 0L));
        g.node("Slice", List.of("m", "s0", "s1", "s2"), List.of("two"));
        g.initializer("s0", new long[] {1}, new long[] {0});
        g.initializer("s1", new long[] {1}, new long[] {2});
        g.initializer("s2", new long[] {1}, new long[] {1});
        g.node("Add", List.of("two", "minus"), List.of("neg"));
        g.node("Sqrt", List.of("neg"), List.of("output"));
        g.output("output", new long[] {1, 2});
        g.write(dir.resolve("model.onnx"));
        new ModelCard(
                        "nan-classifier",
                        "1",
                        ModelCard.CLASSIFY,
                        null,
                        null,
                        new ModelCard.Input(null, 64, 64, 3, null, false, null, null, null, null),
                        null,
                        List.of("good", "defect"),
                        null,
                        List.of("good"),
                        null,
                        null,
                        null,
                        null,
                        null)
                .write(dir.resolve("model.yaml"));
        return dir;
    }

    /** grey = mean over channels, cells = pool x pool average, |z| against the statistics, 3x3 smoothing -> "map". */
    private static void anomalyMap(OnnxGraphWriter g, String input, int pool) {
        g.node("ReduceMean", List.of(input), List.of("grey"), Map.of("axes", new long[] {1}, "keepdims", 1L));
        g.node(
                "AveragePool",
                List.of("grey"),
                List.of("cells"),
                Map.of("kernel_shape", new long[] {pool, pool}, "strides", new long[] {pool, pool}));
        g.node("Sub", List.of("cells", "mean"), List.of("diff"));
        g.node("Div", List.of("diff", "std"), List.of("z"));
        g.node("Abs", List.of("z"), List.of("absz"));
        g.node(
                "AveragePool",
                List.of("absz"),
                List.of("map"),
                Map.of(
                        "kernel_shape",
                        new long[] {3, 3},
                        "strides",
                        new long[] {1, 1},
                        "pads",
                        new long[] {1, 1, 1, 1},
                        "count_include_pad",
                        0L));
    }

    private static float[] ones(int n) {
        float[] f = new float[n];
        Arrays.fill(f, 1f);
        return f;
    }
}
