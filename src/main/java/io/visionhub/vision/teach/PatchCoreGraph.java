package io.visionhub.vision.teach;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.onnx.OnnxGraphReader;
import io.visionhub.vision.onnx.OnnxGraphWriter;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the ONNX graphs of a PatchCore model from a CNN backbone the hub did not write. The backbone is cut after
 * the named layers (everything else, e.g. a detector's head, is dropped), its input is fixed to the card's size,
 * and the hub's own nodes are appended:
 * <pre>
 * frame -Pad(reflect)-> backbone; layer i -AveragePool(n x n, same)-> crop the padding -> Resize(linear, to the finest layer) -Concat-> features [1,D,h,w]
 * features -> patches [hw,D]; memory_bank [N,D] (an input, fed from the memory bank file)
 * d(p) = min_m ||p - m|| = sqrt(min_m(-2 p.m + |m|^2) + |p|^2)       (Gemm, ReduceMin)
 * d -> [1,1,h,w] -border patches := nearest inner one -Gaussian(sigma, edge padded)-> Resize(linear, to the input HxW) = anomaly_map; score = max
 * </pre>
 * The teacher runs the features graph on good parts; the scoring graph is what the hub loads as model.onnx.
 */
final class PatchCoreGraph {

    static final String FEATURES = "features";
    static final String BANK = ModelLoader.PATCHCORE_BANK_INPUT;
    static final String FRAME = "frame";

    private final OnnxGraphReader backbone;
    private final String inputName;
    private final List<String> layers;
    private final int width;
    private final int height;
    private final int neighbourhood;
    private final int pad;
    private final long[][] layerShapes;
    private final int[] crops;
    private final int dims;
    private final int featW;
    private final int featH;

    /**
     * Cuts the backbone and measures the layers' shapes with one run on a blank image.
     *
     * @param what name of the backbone for messages (its file)
     */
    PatchCoreGraph(
            byte[] backboneBytes, String what, List<String> layers, int width, int height, int neighbourhood, int pad) {
        if (layers == null || layers.isEmpty()) {
            throw new ModelException("PatchCore: name at least one backbone layer (tensor) in patchcore.layers");
        }
        OnnxGraphReader full;
        try {
            full = OnnxGraphReader.read(backboneBytes, "backbone " + what);
        } catch (IllegalArgumentException e) {
            throw new ModelException(e.getMessage(), e);
        }
        List<String> feeds = full.feedInputs();
        if (feeds.size() != 1) {
            throw new ModelException("backbone " + what + " has inputs " + feeds + "; PatchCore needs one image input");
        }
        this.inputName = feeds.get(0);
        try {
            this.backbone = full.prunedTo(layers, "backbone " + what);
        } catch (IllegalArgumentException e) {
            throw new ModelException(e.getMessage() + "; set patchcore.layers to tensors of this backbone", e);
        }
        this.layers = List.copyOf(layers);
        this.width = width;
        this.height = height;
        this.neighbourhood = neighbourhood;
        this.pad = pad;
        this.layerShapes = probe(what);
        this.crops = new int[layerShapes.length];
        int d = 0;
        int fw = 0;
        int fh = 0;
        for (int i = 0; i < layerShapes.length; i++) {
            long[] s = layerShapes[i];
            d += (int) s[1];
            int stride = (int) ((width + 2L * pad) / s[3]);
            if (stride * s[3] != width + 2L * pad || pad % stride != 0) {
                throw new ModelException("backbone " + what + ": layer '" + layers.get(i) + "' is " + s[3]
                        + " wide for a padded input of " + (width + 2 * pad) + "; reflectPad (" + pad
                        + ") and the input size must be multiples of every layer's stride");
            }
            crops[i] = pad / stride;
            if (s[3] - 2L * crops[i] > fw) {
                fw = (int) (s[3] - 2L * crops[i]);
                fh = (int) (s[2] - 2L * crops[i]);
            }
        }
        this.dims = d;
        this.featW = fw;
        this.featH = fh;
    }

    /** The graph input the frame is fed to (the backbone's own input follows the reflection padding). */
    String inputName() {
        return FRAME;
    }

    int dims() {
        return dims;
    }

    int featureWidth() {
        return featW;
    }

    int featureHeight() {
        return featH;
    }

    int opset() {
        return backbone.opset();
    }

    private OnnxGraphWriter backboneWriter(String name) {
        OnnxGraphWriter g = new OnnxGraphWriter(name).opset(backbone.opset());
        backbone.initializers().forEach(i -> g.rawInitializer(i.bytes()));
        backbone.nodes().forEach(n -> g.rawNode(n.bytes()));
        g.input(FRAME, new long[] {1, 3, height, width});
        if (pad > 0) {
            // mirrored margins: the backbone's zero padding then falls outside the frame, not on its edge patches
            g.initializer("pc_frame_pads", new long[] {8}, new long[] {0, 0, pad, pad, 0, 0, pad, pad});
            g.node("Pad", List.of(FRAME, "pc_frame_pads"), List.of(inputName), Map.of("mode", "reflect"));
        } else {
            g.node("Identity", List.of(FRAME), List.of(inputName));
        }
        return g;
    }

    /** Runs the cut backbone once on a blank image: the shape of each layer. */
    private long[][] probe(String what) {
        OnnxGraphWriter g = backboneWriter("patchcore-probe");
        layers.forEach(g::output);
        long[][] shapes = new long[layers.size()][];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(g.toBytes(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(
                        env, FloatBuffer.allocate(3 * width * height), new long[] {1, 3, height, width});
                OrtSession.Result r = s.run(Map.of(FRAME, in))) {
            for (int i = 0; i < layers.size(); i++) {
                OnnxValue v = r.get(layers.get(i)).orElseThrow();
                long[] shape = ((OnnxTensor) v).getInfo().getShape();
                if (shape.length != 4 || shape[0] != 1) {
                    throw new ModelException("backbone " + what + ": layer '" + layers.get(i) + "' has shape "
                            + java.util.Arrays.toString(shape) + "; PatchCore needs feature maps [1,C,h,w]");
                }
                shapes[i] = shape;
            }
        } catch (OrtException e) {
            throw new ModelException(
                    "backbone " + what + " cut at " + layers + " does not run at " + width + "x" + height + ": "
                            + e.getMessage(),
                    e);
        }
        return shapes;
    }

    /** Appends the patch-feature nodes (pool, upsample, concat) ending in {@link #FEATURES}. */
    private void features(OnnxGraphWriter g) {
        List<String> parts = new ArrayList<>();
        int pad = neighbourhood / 2;
        for (int i = 0; i < layers.size(); i++) {
            String pooled = "pc_pool_" + i;
            g.node(
                    "AveragePool",
                    List.of(layers.get(i)),
                    List.of(pooled),
                    Map.of(
                            "kernel_shape", new long[] {neighbourhood, neighbourhood},
                            "strides", new long[] {1, 1},
                            "pads", new long[] {pad, pad, pad, pad},
                            "count_include_pad", 0L));
            long[] s = layerShapes[i];
            int c = crops[i];
            if (c > 0) {
                g.initializer("pc_crop_starts_" + i, new long[] {2}, new long[] {c, c});
                g.initializer("pc_crop_ends_" + i, new long[] {2}, new long[] {s[2] - c, s[3] - c});
                g.initializer("pc_crop_axes_" + i, new long[] {2}, new long[] {2, 3});
                g.node(
                        "Slice",
                        List.of(pooled, "pc_crop_starts_" + i, "pc_crop_ends_" + i, "pc_crop_axes_" + i),
                        List.of("pc_crop_" + i));
                pooled = "pc_crop_" + i;
            }
            if (s[2] - 2L * c == featH && s[3] - 2L * c == featW) {
                parts.add(pooled);
            } else {
                String sizes = "pc_size_" + i;
                g.initializer(sizes, new long[] {4}, new long[] {1, s[1], featH, featW});
                g.node("Resize", List.of(pooled, "", "", sizes), List.of("pc_up_" + i), Map.of("mode", "linear"));
                parts.add("pc_up_" + i);
            }
        }
        if (parts.size() == 1) {
            g.node("Identity", parts, List.of(FEATURES));
        } else {
            g.node("Concat", parts, List.of(FEATURES), Map.of("axis", 1L));
        }
    }

    /** The graph the teacher runs: image in, patch features [1,D,h,w] out. */
    byte[] featuresGraph() {
        OnnxGraphWriter g = backboneWriter("patchcore-features");
        features(g);
        g.output(FEATURES, new long[] {1, dims, featH, featW});
        return g.toBytes();
    }

    /** The model the hub loads: image and memory bank in, anomaly_map [1,1,H,W] and score [1] out. */
    byte[] scoringGraph(String name, String version, double sigma, int border, int reweight, String doc) {
        OnnxGraphWriter g = backboneWriter(name)
                .doc(doc)
                .metadata("visionhub.kind", ModelCard.ANOMALY)
                .metadata("visionhub.method", ModelCard.Anomaly.PATCHCORE)
                .metadata("visionhub.version", version);
        g.input(BANK, new long[] {-1, dims});
        features(g);
        int hw = featH * featW;
        g.initializer("pc_patch_shape", new long[] {2}, new long[] {dims, hw});
        g.node("Reshape", List.of(FEATURES, "pc_patch_shape"), List.of("pc_patches_t"));
        g.node("Transpose", List.of("pc_patches_t"), List.of("pc_patches"), Map.of("perm", new long[] {1, 0}));
        reduce(g, "ReduceSumSquare", BANK, "pc_bank_sq", new long[] {1}, 0);
        g.node(
                "Gemm",
                List.of("pc_patches", BANK, "pc_bank_sq"),
                List.of("pc_cross"),
                Map.of("alpha", -2.0f, "beta", 1.0f, "transB", 1L));
        reduce(g, "ReduceMin", "pc_cross", "pc_min", new long[] {1}, 1);
        reduce(g, "ReduceSumSquare", "pc_patches", "pc_patch_sq", new long[] {1}, 1);
        g.node("Add", List.of("pc_min", "pc_patch_sq"), List.of("pc_d2"));
        g.node("Relu", List.of("pc_d2"), List.of("pc_d2_pos")); // rounding can make a near-zero distance negative
        g.node("Sqrt", List.of("pc_d2_pos"), List.of("pc_dist"));
        g.initializer("pc_map_shape", new long[] {4}, new long[] {1, 1, featH, featW});
        g.node("Reshape", List.of("pc_dist", "pc_map_shape"), List.of("pc_patch_map"));
        String smoothed = "pc_patch_map";
        if (border > 0) {
            // border patches see the backbone's zero padding: replaced by the nearest inner patch
            g.initializer("pc_inner_starts", new long[] {2}, new long[] {border, border});
            g.initializer("pc_inner_ends", new long[] {2}, new long[] {featH - border, featW - border});
            g.initializer("pc_inner_axes", new long[] {2}, new long[] {2, 3});
            g.node(
                    "Slice",
                    List.of("pc_patch_map", "pc_inner_starts", "pc_inner_ends", "pc_inner_axes"),
                    List.of("pc_inner"));
            g.initializer("pc_border_pads", new long[] {8}, new long[] {0, 0, border, border, 0, 0, border, border});
            g.node("Pad", List.of("pc_inner", "pc_border_pads"), List.of("pc_bordered"), Map.of("mode", "edge"));
            smoothed = "pc_bordered";
        }
        if (sigma > 0) {
            int r = Math.max(1, (int) Math.ceil(2 * sigma));
            int k = 2 * r + 1;
            float[] kernel = gaussian(k, sigma);
            g.initializer("pc_pads", new long[] {8}, new long[] {0, 0, r, r, 0, 0, r, r});
            g.node("Pad", List.of(smoothed, "pc_pads"), List.of("pc_padded"), Map.of("mode", "edge"));
            g.initializer("pc_gauss", new long[] {1, 1, k, k}, kernel);
            g.node("Conv", List.of("pc_padded", "pc_gauss"), List.of("pc_smooth"));
            smoothed = "pc_smooth";
        }
        g.initializer("pc_map_size", new long[] {4}, new long[] {1, 1, height, width});
        g.node("Resize", List.of(smoothed, "", "", "pc_map_size"), List.of("anomaly_map"), Map.of("mode", "linear"));
        if (reweight > 0) {
            reduce(g, "ReduceMax", "anomaly_map", "pc_score_max", new long[] {1, 2, 3}, 0);
            reweight(g, border, reweight);
        } else {
            reduce(g, "ReduceMax", "anomaly_map", "score", new long[] {1, 2, 3}, 0);
        }
        g.output("anomaly_map", new long[] {1, 1, height, width});
        g.output("score", new long[] {1});
        return g.toBytes();
    }

    /**
     * PatchCore's image-score re-weighting (Roth et al. 2022, eq. 7): take the worst inner patch p*, its nearest
     * bank patch m* and the b bank patches nearest m* (m* first); score = max(map) x (1 - softmax(|p* - m_i|)[0]).
     * A worst patch whose nearest good patch sits in a dense part of the bank (its neighbours about as near) is
     * weighted down, towards 1 - 1/b; one whose nearest good patch is itself a rare one keeps its score.
     */
    private void reweight(OnnxGraphWriter g, int border, int b) {
        int hw = featH * featW;
        // the worst patch among those judged (the border ones are masked out; distances are >= 0)
        float[] mask = new float[hw];
        for (int y = border; y < featH - border; y++) {
            for (int x = border; x < featW - border; x++) {
                mask[y * featW + x] = 1f;
            }
        }
        g.initializer("pc_rw_mask", new long[] {hw, 1}, mask);
        g.node("Mul", List.of("pc_d2_pos", "pc_rw_mask"), List.of("pc_rw_judged"));
        g.node("ArgMax", List.of("pc_rw_judged"), List.of("pc_rw_arg"), Map.of("axis", 0L, "keepdims", 1L));
        g.initializer("pc_rw_one_shape", new long[] {1}, new long[] {1});
        g.node("Reshape", List.of("pc_rw_arg", "pc_rw_one_shape"), List.of("pc_rw_p"));
        // its row of -2 p.m + |m|^2 over the bank, and its nearest bank patch m*
        g.node("Gather", List.of("pc_cross", "pc_rw_p"), List.of("pc_rw_row"), Map.of("axis", 0L));
        g.node("ArgMin", List.of("pc_rw_row"), List.of("pc_rw_nn"), Map.of("axis", 1L, "keepdims", 0L));
        g.node("Gather", List.of(BANK, "pc_rw_nn"), List.of("pc_rw_mstar"), Map.of("axis", 0L));
        // the b bank patches nearest m* (m* itself first, at distance 0)
        g.node(
                "Gemm",
                List.of("pc_rw_mstar", BANK, "pc_bank_sq"),
                List.of("pc_rw_mcross"),
                Map.of("alpha", -2.0f, "beta", 1.0f, "transB", 1L));
        g.initializer("pc_rw_k", new long[] {1}, new long[] {b});
        g.node(
                "TopK",
                List.of("pc_rw_mcross", "pc_rw_k"),
                List.of("pc_rw_nvals", "pc_rw_support"),
                Map.of("axis", 1L, "largest", 0L, "sorted", 1L));
        // distances from p* to them: sqrt(row[support] + |p*|^2)
        g.node("Gather", List.of("pc_rw_row", "pc_rw_support"), List.of("pc_rw_cross_s"), Map.of("axis", 1L));
        g.node("Gather", List.of("pc_patch_sq", "pc_rw_p"), List.of("pc_rw_psq"), Map.of("axis", 0L));
        g.node("Add", List.of("pc_rw_cross_s", "pc_rw_psq"), List.of("pc_rw_d2"));
        g.node("Relu", List.of("pc_rw_d2"), List.of("pc_rw_d2_pos"));
        g.node("Sqrt", List.of("pc_rw_d2_pos"), List.of("pc_rw_d"));
        g.node("Softmax", List.of("pc_rw_d"), List.of("pc_rw_soft"), Map.of("axis", -1L));
        g.initializer("pc_rw_s0_start", new long[] {1}, new long[] {0});
        g.initializer("pc_rw_s0_end", new long[] {1}, new long[] {1});
        g.initializer("pc_rw_s0_axis", new long[] {1}, new long[] {-1});
        g.node(
                "Slice",
                List.of("pc_rw_soft", "pc_rw_s0_start", "pc_rw_s0_end", "pc_rw_s0_axis"),
                List.of("pc_rw_first"));
        g.node("Reshape", List.of("pc_rw_first", "pc_rw_one_shape"), List.of("pc_rw_first1"));
        g.initializer("pc_rw_ones", new long[] {1}, new float[] {1f});
        g.node("Sub", List.of("pc_rw_ones", "pc_rw_first1"), List.of("pc_rw_weight"));
        g.node("Mul", List.of("pc_score_max", "pc_rw_weight"), List.of("score"));
    }

    /** Reduce ops take their axes as an attribute up to opset 17 and as an input from opset 18. */
    private void reduce(OnnxGraphWriter g, String op, String in, String out, long[] axes, long keepdims) {
        if (backbone.opset() >= 18) {
            String name = out + "_axes";
            g.initializer(name, new long[] {axes.length}, axes);
            g.node(op, List.of(in, name), List.of(out), Map.of("keepdims", keepdims));
        } else {
            g.node(op, List.of(in), List.of(out), Map.of("axes", axes, "keepdims", keepdims));
        }
    }

    static float[] gaussian(int k, double sigma) {
        float[] w = new float[k * k];
        int r = k / 2;
        double sum = 0;
        for (int y = -r; y <= r; y++) {
            for (int x = -r; x <= r; x++) {
                double v = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
                w[(y + r) * k + x + r] = (float) v;
                sum += v;
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= (float) sum;
        }
        return w;
    }
}
