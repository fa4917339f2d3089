package io.visionhub.vision.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the parts of an ONNX model (ModelProto) the hub needs to reuse a graph it did not write: nodes and
 * initializers as their serialised bytes (copied unchanged into an {@link OnnxGraphWriter}), the names each node
 * reads and writes, graph inputs and the default-domain opset. ONNX Runtime Java cannot add graph outputs, so the
 * hub reads the protobuf wire format itself (field numbers as in the public onnx.proto) with protobuf's
 * {@link CodedInputStream}. {@link #prunedTo} keeps only what a set of tensors depends on.
 */
public final class OnnxGraphReader {

    /** One NodeProto: its bytes and the tensor names it reads and writes. */
    public record Node(byte[] bytes, String opType, List<String> inputs, List<String> outputs) {}

    /** One initializer (TensorProto): its bytes and name. */
    public record Initializer(byte[] bytes, String name) {}

    private final List<Node> nodes;
    private final List<Initializer> initializers;
    private final List<String> graphInputs;
    private final List<String> graphOutputs;
    private final int opset;
    private final long irVersion;

    private OnnxGraphReader(
            List<Node> nodes,
            List<Initializer> initializers,
            List<String> graphInputs,
            List<String> graphOutputs,
            int opset,
            long irVersion) {
        this.nodes = nodes;
        this.initializers = initializers;
        this.graphInputs = graphInputs;
        this.graphOutputs = graphOutputs;
        this.opset = opset;
        this.irVersion = irVersion;
    }

    /**
     * Parses a model; throws {@link IllegalArgumentException} naming {@code what} when the bytes are not an ONNX
     * model with a graph (truncated download, another file format).
     */
    public static OnnxGraphReader read(byte[] model, String what) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(model);
            in.setSizeLimit(Integer.MAX_VALUE);
            ByteString graph = null;
            int opset = -1;
            long ir = 0;
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> ir = in.readInt64();
                    case 7 -> graph = in.readBytes();
                    case 8 -> {
                        // OperatorSetIdProto: domain 1, version 2
                        CodedInputStream o = in.readBytes().newCodedInput();
                        String domain = "";
                        long version = 0;
                        while (!o.isAtEnd()) {
                            int t = o.readTag();
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case 1 -> domain = o.readString();
                                case 2 -> version = o.readInt64();
                                default -> o.skipField(t);
                            }
                        }
                        if (domain.isEmpty() || "ai.onnx".equals(domain)) {
                            opset = (int) version;
                        }
                    }
                    default -> in.skipField(tag);
                }
            }
            if (graph == null || opset < 0) {
                throw new IllegalArgumentException(what + " is not an ONNX model (no graph or no default opset)");
            }
            return readGraph(graph, opset, ir, what);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(what + " is not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    private static OnnxGraphReader readGraph(ByteString graph, int opset, long ir, String what) throws IOException {
        List<Node> nodes = new ArrayList<>();
        List<Initializer> inits = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        CodedInputStream g = graph.newCodedInput();
        g.setSizeLimit(Integer.MAX_VALUE);
        while (!g.isAtEnd()) {
            int tag = g.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(node(g.readBytes()));
                case 5 -> {
                    ByteString t = g.readBytes();
                    inits.add(new Initializer(t.toByteArray(), stringField(t, 8)));
                }
                case 11 -> inputs.add(stringField(g.readBytes(), 1));
                case 12 -> outputs.add(stringField(g.readBytes(), 1));
                case 15 ->
                    throw new IllegalArgumentException(what
                            + " uses sparse initializers, which the hub cannot copy; export it with dense weights");
                default -> g.skipField(tag);
            }
        }
        return new OnnxGraphReader(nodes, inits, inputs, outputs, opset, ir);
    }

    private static Node node(ByteString b) throws IOException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String op = "";
        CodedInputStream c = b.newCodedInput();
        while (!c.isAtEnd()) {
            int tag = c.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> in.add(c.readString());
                case 2 -> out.add(c.readString());
                case 4 -> op = c.readString();
                case 5 -> {
                    // a subgraph attribute (If/Loop) would read tensors this reader does not follow
                    ByteString attr = c.readBytes();
                    if (hasField(attr, 6) || hasField(attr, 11)) {
                        throw new IllegalArgumentException("node " + op + " holds a subgraph (If/Loop), which the hub "
                                + "cannot prune; use a plain feed-forward backbone");
                    }
                }
                default -> c.skipField(tag);
            }
        }
        return new Node(b.toByteArray(), op, List.copyOf(in), List.copyOf(out));
    }

    private static boolean hasField(ByteString msg, int field) throws IOException {
        CodedInputStream c = msg.newCodedInput();
        while (!c.isAtEnd()) {
            int tag = c.readTag();
            if (WireFormat.getTagFieldNumber(tag) == field) {
                return true;
            }
            c.skipField(tag);
        }
        return false;
    }

    private static String stringField(ByteString msg, int field) throws IOException {
        CodedInputStream c = msg.newCodedInput();
        c.setSizeLimit(Integer.MAX_VALUE);
        while (!c.isAtEnd()) {
            int tag = c.readTag();
            if (WireFormat.getTagFieldNumber(tag) == field
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                return c.readString();
            }
            c.skipField(tag);
        }
        return "";
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Initializer> initializers() {
        return initializers;
    }

    /** Graph inputs that are not initializers: what a caller feeds. */
    public List<String> feedInputs() {
        Set<String> init = new HashSet<>();
        initializers.forEach(i -> init.add(i.name()));
        return graphInputs.stream().filter(n -> !init.contains(n)).toList();
    }

    public List<String> graphOutputs() {
        return graphOutputs;
    }

    public int opset() {
        return opset;
    }

    public long irVersion() {
        return irVersion;
    }

    /** Every tensor name a node writes, in graph order. */
    public Set<String> tensorNames() {
        Set<String> names = new LinkedHashSet<>();
        nodes.forEach(n -> names.addAll(n.outputs()));
        return names;
    }

    /**
     * The nodes and initializers the given tensors depend on, in graph order (a topological order already).
     *
     * @throws IllegalArgumentException naming the first tensor no node writes
     */
    public OnnxGraphReader prunedTo(Collection<String> wanted, String what) {
        Map<String, Node> producer = new HashMap<>();
        nodes.forEach(n -> n.outputs().forEach(o -> producer.put(o, n)));
        for (String w : wanted) {
            if (!producer.containsKey(w)) {
                throw new IllegalArgumentException(what + " has no tensor named '" + w + "' (" + nodes.size()
                        + " nodes; e.g. " + examples() + ")");
            }
        }
        Set<Node> keep = new HashSet<>();
        Set<String> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(wanted);
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (t.isEmpty() || !needed.add(t)) {
                continue;
            }
            Node n = producer.get(t);
            if (n != null && keep.add(n)) {
                todo.addAll(n.inputs());
            }
        }
        List<Node> kept = nodes.stream().filter(keep::contains).toList();
        List<Initializer> inits =
                initializers.stream().filter(i -> needed.contains(i.name())).toList();
        List<String> ins = graphInputs.stream().filter(needed::contains).toList();
        return new OnnxGraphReader(kept, inits, ins, List.copyOf(wanted), opset, irVersion);
    }

    private String examples() {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                if (out.size() < 6 && !"Constant".equals(n.opType()) && o.contains("/cv2/act/")) {
                    out.add(o);
                }
            }
        }
        if (out.isEmpty()) {
            nodes.stream()
                    .filter(n -> !"Constant".equals(n.opType()))
                    .limit(6)
                    .forEach(n ->
                            out.add(n.outputs().isEmpty() ? "?" : n.outputs().get(0)));
        }
        return String.join(", ", out);
    }
}
