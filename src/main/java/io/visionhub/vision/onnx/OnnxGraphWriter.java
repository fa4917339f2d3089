package io.visionhub.vision.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an ONNX model (ModelProto) with protobuf's {@link CodedOutputStream}, field numbers as in the public
 * onnx.proto. Enough of ONNX to build the graphs the hub makes itself: float/int64 tensors, nodes with
 * int, float, ints, floats and string attributes, typed inputs and outputs. Default opset 17, IR version 8.
 *
 * <pre>
 * OnnxGraphWriter g = new OnnxGraphWriter("demo");
 * g.input("x", new long[]{1, 3, 480, 640});
 * g.initializer("mean", new long[]{1}, new float[]{0.5f});
 * g.node("Sub", List.of("x", "mean"), List.of("y"));
 * g.output("y", new long[]{1, 3, 480, 640});
 * byte[] onnx = g.toBytes();
 * </pre>
 */
public final class OnnxGraphWriter {

    /** TensorProto.DataType values. */
    public static final int FLOAT = 1;

    public static final int UINT8 = 2;

    public static final int INT8 = 3;

    public static final int INT32 = 6;

    public static final int INT64 = 7;

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_VERSION = 5;
    private static final int MODEL_DOC_STRING = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_METADATA_PROPS = 14;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_S = 4;
    private static final int ATTR_FLOATS = 7;
    private static final int ATTR_INTS = 8;
    private static final int ATTR_TYPE = 20;
    private static final int ATTR_TYPE_FLOAT = 1;
    private static final int ATTR_TYPE_INT = 2;
    private static final int ATTR_TYPE_STRING = 3;
    private static final int ATTR_TYPE_FLOATS = 6;
    private static final int ATTR_TYPE_INTS = 7;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    // ValueInfoProto / TypeProto / TensorShapeProto
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEM = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    // StringStringEntryProto
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private final String graphName;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int opset = 17;
    private long irVersion = 8;
    private long modelVersion = 1;
    private String docString = "";
    private int nodeCount;

    public OnnxGraphWriter(String graphName) {
        this.graphName = graphName;
    }

    public OnnxGraphWriter opset(int version) {
        this.opset = version;
        return this;
    }

    public OnnxGraphWriter irVersion(long version) {
        this.irVersion = version;
        return this;
    }

    public OnnxGraphWriter modelVersion(long version) {
        this.modelVersion = version;
        return this;
    }

    public OnnxGraphWriter doc(String doc) {
        this.docString = doc;
        return this;
    }

    public OnnxGraphWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** A float graph input; a negative dimension becomes a symbolic one ("N"). */
    public OnnxGraphWriter input(String name, long[] shape) {
        inputs.add(valueInfo(name, FLOAT, shape));
        return this;
    }

    public OnnxGraphWriter output(String name, long[] shape) {
        outputs.add(valueInfo(name, FLOAT, shape));
        return this;
    }

    /** A float output whose shape ONNX Runtime infers (sizes that depend on a graph the hub only copies). */
    public OnnxGraphWriter output(String name) {
        Msg tensorType = new Msg();
        tensorType.int32(TENSOR_TYPE_ELEM, FLOAT);
        Msg type = new Msg();
        type.message(TYPE_TENSOR, tensorType.bytes());
        Msg v = new Msg();
        v.string(VALUE_INFO_NAME, name);
        v.message(VALUE_INFO_TYPE, type.bytes());
        outputs.add(v.bytes());
        return this;
    }

    /** A node copied as serialised NodeProto bytes from another model ({@link OnnxGraphReader}). */
    public OnnxGraphWriter rawNode(byte[] nodeProto) {
        nodes.add(nodeProto);
        return this;
    }

    /** An initializer copied as serialised TensorProto bytes from another model ({@link OnnxGraphReader}). */
    public OnnxGraphWriter rawInitializer(byte[] tensorProto) {
        initializers.add(tensorProto);
        return this;
    }

    public OnnxGraphWriter output(String name, int elemType, long[] shape) {
        outputs.add(valueInfo(name, elemType, shape));
        return this;
    }

    /** A constant float tensor, stored as little-endian raw_data. */
    public OnnxGraphWriter initializer(String name, long[] dims, float[] values) {
        checkCount(name, dims, values.length);
        byte[] raw = new byte[values.length * 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        initializers.add(tensor(name, FLOAT, dims, raw));
        return this;
    }

    /** A constant tensor of any element type, given as little-endian raw_data (int8, uint8, int32 ...). */
    public OnnxGraphWriter initializer(String name, int elemType, long[] dims, byte[] raw) {
        initializers.add(tensor(name, elemType, dims, raw));
        return this;
    }

    /** A constant int64 tensor (shapes, axes). */
    public OnnxGraphWriter initializer(String name, long[] dims, long[] values) {
        checkCount(name, dims, values.length);
        byte[] raw = new byte[values.length * 8];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(values);
        initializers.add(tensor(name, INT64, dims, raw));
        return this;
    }

    /** Adds a node; attributes are Long/Integer, Float/Double, long[], float[] or String. */
    public OnnxGraphWriter node(String opType, List<String> in, List<String> out, Map<String, Object> attributes) {
        Msg m = new Msg();
        for (String s : in) {
            m.string(NODE_INPUT, s);
        }
        for (String s : out) {
            m.string(NODE_OUTPUT, s);
        }
        m.string(NODE_NAME, opType.toLowerCase() + "_" + (nodeCount++));
        m.string(NODE_OP_TYPE, opType);
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            m.message(NODE_ATTRIBUTE, attribute(a.getKey(), a.getValue()));
        }
        nodes.add(m.bytes());
        return this;
    }

    public OnnxGraphWriter node(String opType, List<String> in, List<String> out) {
        return node(opType, in, out, Map.of());
    }

    public byte[] toBytes() {
        Msg graph = new Msg();
        nodes.forEach(n -> graph.message(GRAPH_NODE, n));
        graph.string(GRAPH_NAME, graphName);
        initializers.forEach(t -> graph.message(GRAPH_INITIALIZER, t));
        inputs.forEach(v -> graph.message(GRAPH_INPUT, v));
        outputs.forEach(v -> graph.message(GRAPH_OUTPUT, v));

        Msg opsetId = new Msg();
        opsetId.string(OPSET_DOMAIN, "");
        opsetId.int64(OPSET_VERSION, opset);

        Msg model = new Msg();
        model.int64(MODEL_IR_VERSION, irVersion);
        model.string(MODEL_PRODUCER_NAME, "vision-hub");
        model.string(MODEL_PRODUCER_VERSION, "1");
        model.int64(MODEL_VERSION, modelVersion);
        if (!docString.isEmpty()) {
            model.string(MODEL_DOC_STRING, docString);
        }
        model.message(MODEL_GRAPH, graph.bytes());
        model.message(MODEL_OPSET_IMPORT, opsetId.bytes());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            Msg entry = new Msg();
            entry.string(ENTRY_KEY, e.getKey());
            entry.string(ENTRY_VALUE, e.getValue());
            model.message(MODEL_METADATA_PROPS, entry.bytes());
        }
        return model.bytes();
    }

    public void write(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.write(file, toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model " + file.toAbsolutePath(), e);
        }
    }

    private static void checkCount(String name, long[] dims, int count) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("initializer " + name + ": shape holds " + n + " values, got " + count);
        }
    }

    private static byte[] tensor(String name, int type, long[] dims, byte[] raw) {
        Msg t = new Msg();
        for (long d : dims) {
            t.int64(TENSOR_DIMS, d);
        }
        t.int32(TENSOR_DATA_TYPE, type);
        t.string(TENSOR_NAME, name);
        t.bytes(TENSOR_RAW_DATA, raw);
        return t.bytes();
    }

    private static byte[] valueInfo(String name, int elemType, long[] shape) {
        Msg dims = new Msg();
        for (long d : shape) {
            Msg dim = new Msg();
            if (d < 0) {
                dim.string(DIM_PARAM, "N");
            } else {
                dim.int64(DIM_VALUE, d);
            }
            dims.message(SHAPE_DIM, dim.bytes());
        }
        Msg tensorType = new Msg();
        tensorType.int32(TENSOR_TYPE_ELEM, elemType);
        tensorType.message(TENSOR_TYPE_SHAPE, dims.bytes());
        Msg type = new Msg();
        type.message(TYPE_TENSOR, tensorType.bytes());
        Msg v = new Msg();
        v.string(VALUE_INFO_NAME, name);
        v.message(VALUE_INFO_TYPE, type.bytes());
        return v.bytes();
    }

    private static byte[] attribute(String name, Object value) {
        Msg a = new Msg();
        a.string(ATTR_NAME, name);
        if (value instanceof Integer || value instanceof Long) {
            a.int64(ATTR_I, ((Number) value).longValue());
            a.int32(ATTR_TYPE, ATTR_TYPE_INT);
        } else if (value instanceof Float || value instanceof Double) {
            a.float32(ATTR_F, ((Number) value).floatValue());
            a.int32(ATTR_TYPE, ATTR_TYPE_FLOAT);
        } else if (value instanceof long[] ints) {
            for (long i : ints) {
                a.int64(ATTR_INTS, i);
            }
            a.int32(ATTR_TYPE, ATTR_TYPE_INTS);
        } else if (value instanceof float[] floats) {
            for (float f : floats) {
                a.float32(ATTR_FLOATS, f);
            }
            a.int32(ATTR_TYPE, ATTR_TYPE_FLOATS);
        } else if (value instanceof String s) {
            a.bytes(ATTR_S, s.getBytes(StandardCharsets.UTF_8));
            a.int32(ATTR_TYPE, ATTR_TYPE_STRING);
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value type " + value.getClass());
        }
        return a.bytes();
    }

    /** One protobuf message being written. */
    private static final class Msg {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(buf);

        void string(int field, String s) {
            io(() -> out.writeString(field, s));
        }

        void bytes(int field, byte[] b) {
            io(() -> out.writeByteArray(field, b));
        }

        void int64(int field, long v) {
            io(() -> out.writeInt64(field, v));
        }

        void int32(int field, int v) {
            io(() -> out.writeInt32(field, v));
        }

        void float32(int field, float v) {
            io(() -> out.writeFloat(field, v));
        }

        void message(int field, byte[] serialized) {
            io(() -> out.writeByteArray(field, serialized));
        }

        byte[] bytes() {
            io(out::flush);
            return buf.toByteArray();
        }

        private static void io(IoAction a) {
            try {
                a.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
