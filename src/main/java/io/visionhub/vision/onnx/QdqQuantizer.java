package io.visionhub.vision.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Static INT8 quantisation of a float ONNX CNN into the QDQ format ONNX Runtime fuses into integer kernels
 * ({@code QLinearConv}, VNNI on x86): every {@code Conv} (except those {@code skip} names) gets its input and output
 * as {@code QuantizeLinear} → {@code DequantizeLinear} pairs with uint8 asymmetric scales calibrated on real frames
 * (min/max over the calibration set, zero always representable), its weights as int8 symmetric per output channel
 * (in 7 bits, as {@code quantize_static}'s reduce_range: correct on x86 CPUs without VNNI too) and its bias as int32 at
 * scale input × weight. The other nodes are copied unchanged and stay in float. This is the
 * scheme of ONNX Runtime's Python quantiser ({@code quantize_static}, QDQ, MinMax, per-channel), written here because
 * that tool is not available from the package sources this project uses (see bench/README-vision.md).
 */
public final class QdqQuantizer {

    /** The largest weight magnitude: 7 bits, ONNX Runtime's reduce_range (see where weights are quantised). */
    static final int WEIGHT_MAX = 64;

    private final OnnxGraphReader graph;
    private final Predicate<String> skip;
    private final Map<String, float[]> range = new LinkedHashMap<>();
    private final List<String> convInputs = new ArrayList<>();

    /**
     * @param model the float model
     * @param skip  Conv nodes (by output tensor name) left in float, e.g. YOLOv8's DFL ({@code /model.22/dfl/})
     */
    public QdqQuantizer(byte[] model, Predicate<String> skip) {
        this.graph = OnnxGraphReader.read(model, "model");
        this.skip = skip;
        for (OnnxGraphReader.Node n : graph.nodes()) {
            if (quantised(n)) {
                addOnce(n.inputs().get(0));
                addOnce(n.outputs().get(0));
            }
        }
    }

    private void addOnce(String t) {
        if (!convInputs.contains(t)) {
            convInputs.add(t);
        }
    }

    private boolean quantised(OnnxGraphReader.Node n) {
        return "Conv".equals(n.opType()) && !skip.test(n.outputs().get(0));
    }

    /** Conv nodes quantised. */
    public int convs() {
        return (int) graph.nodes().stream().filter(this::quantised).count();
    }

    /**
     * Records the range of every tensor a quantised Conv reads or writes, over these inputs (pre-processed as the
     * model is fed: {@code [1, C, H, W]} floats). Run on a few dozen frames like the ones the model will see.
     */
    public void calibrate(List<float[]> inputs, long[] shape) {
        Set<String> feeds = new HashSet<>(graph.feedInputs());
        OnnxGraphWriter w = copy(graph);
        List<String> watched = new ArrayList<>();
        for (String t : convInputs) {
            if (!feeds.contains(t) && !graph.graphOutputs().contains(t)) {
                w.output(t);
                watched.add(t);
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            // no fusions: the tensors watched are the ones of the graph as written
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(w.toBytes(), o)) {
                String feed = graph.feedInputs().get(0);
                for (float[] in : inputs) {
                    track(feed, in);
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape);
                            OrtSession.Result r = s.run(Map.of(feed, t), new LinkedHashSet<>(watched))) {
                        for (Map.Entry<String, OnnxValue> e : r) {
                            FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                            float[] v = new float[fb.remaining()];
                            fb.get(v);
                            track(e.getKey(), v);
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("calibration run failed: " + e.getMessage(), e);
        }
    }

    private void track(String name, float[] v) {
        float[] r = range.computeIfAbsent(name, k -> new float[] {0, 0});
        for (float x : v) {
            if (x < r[0]) {
                r[0] = x;
            }
            if (x > r[1]) {
                r[1] = x;
            }
        }
    }

    /** The quantised model (after {@link #calibrate}), with these metadata entries (e.g. the class names). */
    public byte[] quantise(Map<String, String> metadata) {
        if (range.isEmpty()) {
            throw new IllegalStateException("calibrate before quantising");
        }
        Map<String, byte[]> inits = new HashMap<>();
        graph.initializers().forEach(i -> inits.put(i.name(), i.bytes()));
        OnnxGraphWriter w = header(graph);
        metadata.forEach(w::metadata);
        Set<String> replaced = new HashSet<>();
        Map<String, String> dequantised = new HashMap<>();
        List<byte[]> nodes = new ArrayList<>();
        for (OnnxGraphReader.Node n : graph.nodes()) {
            if (!quantised(n)) {
                nodes.add(n.bytes());
                continue;
            }
            String x = n.inputs().get(0);
            String y = n.outputs().get(0);
            float[] xr = rangeOf(x);
            float sx = scale(xr);
            int zx = zeroPoint(xr, sx);
            String xdq = dequantised.get(x);
            if (xdq == null) {
                xdq = x + "_dq";
                activation(w, nodes, x, x + "_q", xdq, sx, zx);
                dequantised.put(x, xdq);
            }
            // weights: int8, symmetric, per output channel, in 7 bits (-64..64): on x86 CPUs without VNNI ONNX
            // Runtime multiplies uint8 by int8 with VPMADDUBSW, which adds pairs in 16 bits (2 x 255 x 127
            // overflows them; 2 x 255 x 64 does not). With all 8 bits an AMD EPYC without VNNI called a horse an
            // elephant (QdqQuantizerTest); VNNI CPUs sum in 32 bits and lose only the bit
            String wName = n.inputs().get(1);
            Tensor wt = Tensor.parse(requireInit(inits, wName));
            int co = (int) wt.dims[0];
            int per = wt.values.length / co;
            float[] sw = new float[co];
            byte[] wq = new byte[wt.values.length];
            for (int c = 0; c < co; c++) {
                float m = 0;
                for (int i = 0; i < per; i++) {
                    m = Math.max(m, Math.abs(wt.values[c * per + i]));
                }
                sw[c] = m == 0 ? 1f : m / WEIGHT_MAX;
                for (int i = 0; i < per; i++) {
                    wq[c * per + i] = (byte) clamp(Math.round(wt.values[c * per + i] / sw[c]), -WEIGHT_MAX, WEIGHT_MAX);
                }
            }
            w.initializer(wName + "_q", OnnxGraphWriter.INT8, wt.dims, wq);
            w.initializer(wName + "_scale", new long[] {co}, sw);
            w.initializer(wName + "_zp", OnnxGraphWriter.INT8, new long[] {co}, new byte[co]);
            nodes.add(node(
                    "DequantizeLinear",
                    List.of(wName + "_q", wName + "_scale", wName + "_zp"),
                    List.of(wName + "_dq"),
                    0L));
            replaced.add(wName);
            List<String> convIn = new ArrayList<>(List.of(xdq, wName + "_dq"));
            if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
                String bName = n.inputs().get(2);
                Tensor bt = Tensor.parse(requireInit(inits, bName));
                float[] sb = new float[co];
                ByteBuffer bq = ByteBuffer.allocate(co * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int c = 0; c < co; c++) {
                    sb[c] = sx * sw[c];
                    bq.putInt((int) Math.round(bt.values[c] / (double) sb[c]));
                }
                w.initializer(bName + "_q", OnnxGraphWriter.INT32, new long[] {co}, bq.array());
                w.initializer(bName + "_scale", new long[] {co}, sb);
                w.initializer(bName + "_zp", OnnxGraphWriter.INT32, new long[] {co}, new byte[co * 4]);
                nodes.add(node(
                        "DequantizeLinear",
                        List.of(bName + "_q", bName + "_scale", bName + "_zp"),
                        List.of(bName + "_dq"),
                        0L));
                replaced.add(bName);
                convIn.add(bName + "_dq");
            }
            nodes.add(rewrite(n.bytes(), convIn, List.of(y + "_f")));
            float[] yr = rangeOf(y);
            float sy = scale(yr);
            activation(w, nodes, y + "_f", y + "_q", y, sy, zeroPoint(yr, sy));
            dequantised.put(y, y);
        }
        for (OnnxGraphReader.Initializer i : graph.initializers()) {
            if (!replaced.contains(i.name()) || otherUse(i.name())) {
                w.rawInitializer(i.bytes());
            }
        }
        nodes.forEach(w::rawNode);
        inputsAndOutputs(w);
        return w.toBytes();
    }

    private boolean otherUse(String init) {
        return graph.nodes().stream()
                .filter(n -> !quantised(n))
                .anyMatch(n -> n.inputs().contains(init));
    }

    private float[] rangeOf(String t) {
        float[] r = range.get(t);
        if (r == null) {
            throw new IllegalStateException("no calibration range for " + t);
        }
        return r;
    }

    /** Q then DQ of a float activation: uint8, asymmetric. */
    private static void activation(
            OnnxGraphWriter w, List<byte[]> nodes, String in, String q, String out, float scale, int zp) {
        w.initializer(q + "_scale", new long[] {}, new float[] {scale});
        w.initializer(q + "_zp", OnnxGraphWriter.UINT8, new long[] {}, new byte[] {(byte) zp});
        nodes.add(node("QuantizeLinear", List.of(in, q + "_scale", q + "_zp"), List.of(q), null));
        nodes.add(node("DequantizeLinear", List.of(q, q + "_scale", q + "_zp"), List.of(out), null));
    }

    private static float scale(float[] r) {
        float lo = Math.min(0, r[0]);
        float hi = Math.max(0, r[1]);
        float s = (hi - lo) / 255f;
        return s == 0 ? 1f : s;
    }

    private static int zeroPoint(float[] r, float scale) {
        return clamp(Math.round(-Math.min(0, r[0]) / scale), 0, 255);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static byte[] requireInit(Map<String, byte[]> inits, String name) {
        byte[] b = inits.get(name);
        if (b == null) {
            throw new IllegalArgumentException("Conv weight or bias '" + name + "' is not an initializer");
        }
        return b;
    }

    private static int names;

    private static byte[] node(String op, List<String> in, List<String> out, Long axis) {
        OnnxGraphWriter tmp = new OnnxGraphWriter("tmp");
        tmp.node(op, in, out, axis == null ? Map.of() : Map.of("axis", axis));
        OnnxGraphReader r = OnnxGraphReader.read(tmp.toBytes(), "tmp");
        byte[] b = r.nodes().get(0).bytes();
        // unique node names: the writer numbers per instance
        return rename(b, "qdq_" + (names++));
    }

    private static byte[] rename(byte[] node, String name) {
        return edit(node, null, null, name);
    }

    /** The NodeProto with other inputs and outputs, everything else (name, op, attributes, domain) as it was. */
    static byte[] rewrite(byte[] node, List<String> inputs, List<String> outputs) {
        return edit(node, inputs, outputs, null);
    }

    private static byte[] edit(byte[] node, List<String> inputs, List<String> outputs, String name) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(node.length + 64);
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            if (inputs != null) {
                for (String s : inputs) {
                    out.writeString(1, s);
                }
            }
            if (outputs != null) {
                for (String s : outputs) {
                    out.writeString(2, s);
                }
            }
            if (name != null) {
                out.writeString(3, name);
            }
            CodedInputStream in = CodedInputStream.newInstance(node);
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                int field = WireFormat.getTagFieldNumber(tag);
                if ((field == 1 && inputs != null) || (field == 2 && outputs != null) || (field == 3 && name != null)) {
                    in.skipField(tag);
                } else {
                    in.skipField(tag, out);
                }
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OnnxGraphWriter header(OnnxGraphReader g) {
        OnnxGraphWriter w = new OnnxGraphWriter("qdq").opset(g.opset()).irVersion(g.irVersion());
        return w;
    }

    /** The float model as it is, with its graph input and outputs (shape of the input from the caller's feed). */
    private OnnxGraphWriter copy(OnnxGraphReader g) {
        OnnxGraphWriter w = header(g);
        g.initializers().forEach(i -> w.rawInitializer(i.bytes()));
        g.nodes().forEach(n -> w.rawNode(n.bytes()));
        inputsAndOutputs(w);
        return w;
    }

    private long[] inputShape = {1, 3, 640, 640};

    /** The shape of the model's input (default {@code [1, 3, 640, 640]}). */
    public QdqQuantizer inputShape(long[] shape) {
        this.inputShape = shape.clone();
        return this;
    }

    private void inputsAndOutputs(OnnxGraphWriter w) {
        w.input(graph.feedInputs().get(0), inputShape);
        graph.graphOutputs().forEach(w::output);
    }

    /** A float TensorProto's dims and values (raw_data or float_data). */
    record Tensor(long[] dims, float[] values) {
        static Tensor parse(byte[] proto) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(proto);
                in.setSizeLimit(Integer.MAX_VALUE);
                List<Long> dims = new ArrayList<>();
                int type = 0;
                ByteString raw = null;
                List<Float> floats = new ArrayList<>();
                while (!in.isAtEnd()) {
                    int tag = in.readTag();
                    int field = WireFormat.getTagFieldNumber(tag);
                    int wire = WireFormat.getTagWireType(tag);
                    switch (field) {
                        case 1 -> {
                            if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                                int limit = in.pushLimit(in.readRawVarint32());
                                while (in.getBytesUntilLimit() > 0) {
                                    dims.add(in.readInt64());
                                }
                                in.popLimit(limit);
                            } else {
                                dims.add(in.readInt64());
                            }
                        }
                        case 2 -> type = in.readInt32();
                        case 4 -> {
                            if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                                int limit = in.pushLimit(in.readRawVarint32());
                                while (in.getBytesUntilLimit() > 0) {
                                    floats.add(in.readFloat());
                                }
                                in.popLimit(limit);
                            } else {
                                floats.add(in.readFloat());
                            }
                        }
                        case 9 -> raw = in.readBytes();
                        default -> in.skipField(tag);
                    }
                }
                if (type != OnnxGraphWriter.FLOAT) {
                    throw new IllegalArgumentException("tensor of type " + type + ", float expected");
                }
                float[] v;
                if (raw != null) {
                    FloatBuffer fb = raw.asReadOnlyByteBuffer()
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer();
                    v = new float[fb.remaining()];
                    fb.get(v);
                } else {
                    v = new float[floats.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = floats.get(i);
                    }
                }
                return new Tensor(dims.stream().mapToLong(Long::longValue).toArray(), v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
