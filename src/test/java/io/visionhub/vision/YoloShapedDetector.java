package io.visionhub.vision;

import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.onnx.OnnxGraphWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A detector with the cost and output layout of a small YOLO (for benchmarks where no real one is at hand):
 * 640x640x3 input, a strided 3x3 convolution backbone (~5 GFLOPs), 1x1 heads at strides 8, 16 and 32 giving
 * 80 classes in the YOLOv8 layout [1, 84, 8400]. Weights are seeded random; class scores sit near 0 so a
 * frame yields few candidates, as a clean part does.
 */
public final class YoloShapedDetector {

    private YoloShapedDetector() {}

    public static Path write(Path dir) {
        Random r = new Random(8400);
        OnnxGraphWriter g = new OnnxGraphWriter("yolo-shaped-detector");
        g.input("images", new long[] {1, 3, 640, 640});
        int[][] layers = { // in, out, stride
            {3, 16, 2}, {16, 32, 2}, {32, 32, 1}, {32, 64, 2}, {64, 64, 1}, {64, 64, 1},
            {64, 128, 2}, {128, 128, 1}, {128, 128, 1}, {128, 256, 2}, {256, 256, 1}, {256, 256, 1}
        };
        String x = "images";
        List<String> taps = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            int in = layers[i][0];
            int out = layers[i][1];
            int s = layers[i][2];
            String w = "w" + i;
            String b = "b" + i;
            g.initializer(w, new long[] {out, in, 3, 3}, he(r, out * in * 9, in * 9));
            g.initializer(b, new long[] {out}, new float[out]);
            g.node(
                    "Conv",
                    List.of(x, w, b),
                    List.of("c" + i),
                    Map.of("kernel_shape", new long[] {3, 3}, "strides", new long[] {s, s}, "pads", new long[] {
                        1, 1, 1, 1
                    }));
            g.node("Relu", List.of("c" + i), List.of("r" + i));
            x = "r" + i;
            if (i == 5 || i == 8 || i == 11) {
                taps.add(x);
            }
        }
        int[] channels = {64, 128, 256};
        int[] cells = {80 * 80, 40 * 40, 20 * 20};
        List<String> heads = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            String w = "hw" + h;
            g.initializer(w, new long[] {84, channels[h], 1, 1}, he(r, 84 * channels[h], channels[h]));
            g.initializer("hb" + h, new long[] {84}, new float[84]);
            g.node("Conv", List.of(taps.get(h), w, "hb" + h), List.of("h" + h), Map.of("kernel_shape", new long[] {1, 1
            }));
            g.initializer("hs" + h, new long[] {3}, new long[] {1, 84, cells[h]});
            g.node("Reshape", List.of("h" + h, "hs" + h), List.of("f" + h));
            heads.add("f" + h);
        }
        g.node("Concat", heads, List.of("raw"), Map.of("axis", 2L));
        // boxes: 4 rows scaled into pixels; classes: sigmoid(0.1 x - 6) keeps scores near 0.0025
        g.initializer("split", new long[] {2}, new long[] {4, 80});
        g.node("Split", List.of("raw", "split"), List.of("boxraw", "clsraw"), Map.of("axis", 1L));
        g.initializer("boxscale", new long[] {1}, new float[] {64f});
        g.node("Abs", List.of("boxraw"), List.of("boxabs"));
        g.node("Mul", List.of("boxabs", "boxscale"), List.of("boxes"));
        g.initializer("clsscale", new long[] {1}, new float[] {0.1f});
        g.initializer("clsshift", new long[] {1}, new float[] {-6f});
        g.node("Mul", List.of("clsraw", "clsscale"), List.of("clsmul"));
        g.node("Add", List.of("clsmul", "clsshift"), List.of("clsadd"));
        g.node("Sigmoid", List.of("clsadd"), List.of("scores"));
        g.node("Concat", List.of("boxes", "scores"), List.of("output0"), Map.of("axis", 1L));
        g.output("output0", new long[] {1, 84, 8400});
        g.write(dir.resolve("model.onnx"));
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 80; c++) {
            classes.add("class" + c);
        }
        new ModelCard(
                        "yolo-shaped-detector",
                        "1",
                        ModelCard.DETECT,
                        null,
                        "benchmark detector: YOLO-sized compute, YOLOv8 output layout, random weights",
                        new ModelCard.Input("images", 640, 640, 3, "RGB", true, 114, null, null, null),
                        new ModelCard.Output("yolov8", "output0", null, null, null),
                        classes,
                        Map.of("default", 0.25),
                        null,
                        null,
                        null,
                        0.45,
                        null,
                        null)
                .write(dir.resolve("model.yaml"));
        return dir;
    }

    private static float[] he(Random r, int n, int fanIn) {
        float[] w = new float[n];
        double s = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * s);
        }
        return w;
    }
}
