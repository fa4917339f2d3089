package io.visionhub.vision.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.visionhub.event.ModelRef;
import io.visionhub.vision.pixel.YCbCrPlanes;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Common part of the ONNX models: one session, a pre-processor from the card, a reused direct input buffer
 * per thread, checks that the session's input matches the card, and output reading with NaN checks.
 */
public abstract class OnnxModel implements InspectionModel {

    /** Frames smaller or larger than this are refused as broken (a 1x1 placeholder, a corrupt header). */
    public static final int MIN_SIDE = 8;

    public static final long MAX_PIXELS = 100_000_000L;

    private final ModelCard card;
    private final ModelRef ref;
    private final OrtSession session;
    private final ImagePreprocessor pre;
    private final String inputName;
    private final ThreadLocal<FloatBuffer> buffers;
    // inputs that are the same for every frame (a PatchCore memory bank); owned and closed by this model
    private Map<String, OnnxTensor> constants = Map.of();
    // an output ONNX Runtime writes straight into a reused buffer (pinOutput): buffers in use are taken from a small
    // pool of idle ones (at most one per core kept), so threads that come and go (REST requests) leave none behind
    private String pinnedName;
    private long[] pinnedShape;
    private int pinnedCount;
    private final java.util.Queue<Pinned> idlePinned = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger idlePinnedCount =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final int MAX_IDLE_PINNED = Math.max(2, Runtime.getRuntime().availableProcessors());
    // the pinned output of the run this thread is reading, for floats()
    private final ThreadLocal<Pinned> reading = new ThreadLocal<>();
    private volatile boolean closed;

    /** An output buffer that ONNX Runtime writes into, and the heap copy the decoder scans. */
    private record Pinned(FloatBuffer buffer, OnnxTensor tensor, float[] values) {}

    protected OnnxModel(ModelCard card, ModelRef ref, OrtSession session, boolean letterboxDefault) {
        this.card = card;
        this.ref = ref;
        this.session = session;
        this.pre = new ImagePreprocessor(card.input(), letterboxDefault);
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            String name = card.input().tensor() != null
                    ? card.input().tensor()
                    : inputs.keySet().iterator().next();
            NodeInfo info = inputs.get(name);
            if (info == null) {
                throw new ModelException("model " + ref.name() + ": card names input '" + name + "', the ONNX file has "
                        + inputs.keySet());
            }
            long[] shape = ((TensorInfo) info.getInfo()).getShape();
            long[] want = pre.shape();
            if (shape.length != 4) {
                throw new ModelException("model " + ref.name() + ": input '" + name + "' has shape "
                        + Arrays.toString(shape) + ", the hub feeds NCHW " + Arrays.toString(want));
            }
            for (int i = 1; i < 4; i++) {
                if (shape[i] > 0 && shape[i] != want[i]) {
                    throw new ModelException(
                            "model " + ref.name() + ": input '" + name + "' is " + Arrays.toString(shape)
                                    + " but the card says " + Arrays.toString(want)
                                    + " (channels, height, width); fix input: in "
                                    + "the card");
                }
            }
            this.inputName = name;
        } catch (OrtException e) {
            throw new ModelException("model " + ref.name() + ": cannot read input info: " + e.getMessage(), e);
        }
        int size = pre.size();
        this.buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(size * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer());
    }

    @Override
    public ModelRef ref() {
        return ref;
    }

    public ModelCard card() {
        return card;
    }

    protected OrtSession session() {
        return session;
    }

    protected ImagePreprocessor preprocessor() {
        return pre;
    }

    protected String inputName() {
        return inputName;
    }

    protected FloatBuffer inputBuffer() {
        FloatBuffer b = buffers.get();
        b.clear();
        return b;
    }

    /** Inputs fed unchanged with every frame; this model closes them. Call from the constructor, before warm-up. */
    protected void constantInputs(Map<String, OnnxTensor> tensors) {
        this.constants = Map.copyOf(tensors);
    }

    /**
     * Has ONNX Runtime write output {@code name} (of the fixed {@code shape}) into a reused direct buffer, as the
     * only output of each run: without it, each run allocates the output and {@link #floats} copies it to a new heap
     * array (2.7 MB for YOLOv8's [1, 84, 8400]). Call from the constructor, before warm-up.
     */
    protected void pinOutput(String name, long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d <= 0) {
                throw new ModelException("model " + ref.name() + ": output '" + name + "' has no fixed shape: "
                        + Arrays.toString(shape));
            }
            count *= d;
        }
        this.pinnedCount = Math.toIntExact(count);
        this.pinnedShape = shape.clone();
        this.pinnedName = name;
    }

    private Pinned acquirePinned() {
        Pinned p = idlePinned.poll();
        if (p != null) {
            idlePinnedCount.decrementAndGet();
            return p;
        }
        FloatBuffer b = ByteBuffer.allocateDirect(pinnedCount * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        try {
            return new Pinned(
                    b,
                    OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), b, pinnedShape),
                    new float[pinnedCount]);
        } catch (OrtException e) {
            throw new ModelException(
                    "model " + ref.name() + ": cannot create output tensor '" + pinnedName + "': " + e.getMessage(), e);
        }
    }

    private void releasePinned(Pinned p) {
        if (!closed && idlePinnedCount.incrementAndGet() <= MAX_IDLE_PINNED) {
            idlePinned.offer(p);
            if (closed) {
                closeIdlePinned(); // closed meanwhile
            }
            return;
        }
        if (!closed) {
            idlePinnedCount.decrementAndGet();
        }
        p.tensor().close();
    }

    /** Pinned output buffers kept for the next runs (at most one per core; for tests). */
    int idleOutputBuffers() {
        return idlePinned.size();
    }

    private void closeIdlePinned() {
        Pinned p;
        while ((p = idlePinned.poll()) != null) {
            p.tensor().close();
        }
    }

    /** One session run, into a pinned output where the model has one; {@code reader} reads it before it is reused. */
    private <T> T runSession(Map<String, OnnxTensor> inputs, java.util.function.Function<OrtSession.Result, T> reader)
            throws OrtException {
        if (pinnedName == null) {
            try (OrtSession.Result r = session.run(inputs)) {
                return reader.apply(r);
            }
        }
        Pinned p = acquirePinned();
        reading.set(p);
        try (OrtSession.Result r = session.run(inputs, Map.of(pinnedName, p.tensor()))) {
            return reader.apply(r);
        } finally {
            reading.remove();
            releasePinned(p);
        }
    }

    private Map<String, OnnxTensor> feeds(OnnxTensor image) {
        if (constants.isEmpty()) {
            return Map.of(inputName, image);
        }
        Map<String, OnnxTensor> m = new HashMap<>(constants);
        m.put(inputName, image);
        return m;
    }

    /** What a subclass reads from one session run. */
    @FunctionalInterface
    protected interface ResultReader<T> {
        T read(OrtSession.Result result, ImagePreprocessor.Geometry geo, double preMs, double runMs, long t0);
    }

    @Override
    public ModelVerdict inspect(BufferedImage image) {
        return runOn(image, this::decode);
    }

    @Override
    public int[] reducedInputSize(int frameWidth, int frameHeight) {
        return pre.resizedSize(frameWidth, frameHeight);
    }

    @Override
    public ModelVerdict inspect(BufferedImage reduced, int frameWidth, int frameHeight) {
        return runOn(reduced, frameWidth, frameHeight, this::decode);
    }

    @Override
    public ModelVerdict inspect(YCbCrPlanes reduced, int frameWidth, int frameHeight) {
        if (reduced == null) {
            throw new ModelException("model " + ref.name() + ": no image to inspect");
        }
        return run(frameWidth, frameHeight, in -> pre.apply(reduced, in, frameWidth, frameHeight), this::decode);
    }

    /** Checks, pre-processes and runs one image, then hands the session result to the reader. */
    protected <T> T runOn(BufferedImage image, ResultReader<T> reader) {
        if (image == null) {
            throw new ModelException("model " + ref.name() + ": no image to inspect");
        }
        return runOn(image, image.getWidth(), image.getHeight(), reader);
    }

    /**
     * {@link #runOn(BufferedImage, ResultReader)} for an image that shows a frame of {@code frameWidth x
     * frameHeight} pixels, possibly reduced: geometry and boxes are those of the frame.
     */
    protected <T> T runOn(BufferedImage image, int frameWidth, int frameHeight, ResultReader<T> reader) {
        if (image == null) {
            throw new ModelException("model " + ref.name() + ": no image to inspect");
        }
        return run(frameWidth, frameHeight, in -> pre.apply(image, in, frameWidth, frameHeight), reader);
    }

    /** An input filled ahead, in a buffer of its own (taken from {@link #spareInputs}), for this model only. */
    private final class Ahead implements PreparedInput {
        final OnnxModel owner = OnnxModel.this;
        final FloatBuffer buffer;
        final ImagePreprocessor.Geometry geo;
        final double preMs;
        final java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();

        Ahead(FloatBuffer buffer, ImagePreprocessor.Geometry geo, double preMs) {
            this.buffer = buffer;
            this.geo = geo;
            this.preMs = preMs;
        }

        @Override
        public double preprocessMs() {
            return preMs;
        }
    }

    // input buffers of inputs prepared ahead: each belongs to one prepared frame until its run is over
    private final java.util.Queue<FloatBuffer> spareInputs = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger spareInputCount =
            new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public PreparedInput prepareInput(BufferedImage image, YCbCrPlanes planes, int frameWidth, int frameHeight) {
        if (image == null && planes == null) {
            throw new ModelException("model " + ref.name() + ": no image to inspect");
        }
        checkFrameSize(frameWidth, frameHeight);
        long t0 = System.nanoTime();
        FloatBuffer in = spareInputs.poll();
        if (in != null) {
            spareInputCount.decrementAndGet();
        } else {
            in = ByteBuffer.allocateDirect(pre.size() * 4)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        in.clear();
        // a spare buffer may have been filled by another thread for another frame shape since this thread last wrote
        // it: its padding is written again
        pre.forgetPadding();
        ImagePreprocessor.Geometry geo = planes != null
                ? pre.apply(planes, in, frameWidth, frameHeight)
                : pre.apply(image, in, frameWidth, frameHeight);
        return new Ahead(in, geo, ms(t0));
    }

    @Override
    public ModelVerdict runPrepared(PreparedInput input) {
        if (!(input instanceof Ahead a) || a.owner != this) {
            throw new ModelException("model " + ref.name() + ": input prepared by another model");
        }
        if (!a.used.compareAndSet(false, true)) {
            throw new ModelException("model " + ref.name() + ": input prepared ahead run twice");
        }
        long t1 = System.nanoTime();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), a.buffer, pre.shape())) {
            return runSession(feeds(tensor), result -> {
                double runMs = ms(t1);
                return decode(result, a.geo, a.preMs, runMs, System.nanoTime());
            });
        } catch (OrtException e) {
            throw new ModelException("model " + ref.name() + ": session run failed: " + e.getMessage(), e);
        } finally {
            // at most two spare buffers kept (one being filled ahead, one waiting to run)
            if (spareInputCount.incrementAndGet() <= 2) {
                spareInputs.offer(a.buffer);
            } else {
                spareInputCount.decrementAndGet();
            }
        }
    }

    private void checkFrameSize(int frameWidth, int frameHeight) {
        long pixels = (long) frameWidth * frameHeight;
        if (frameWidth < MIN_SIDE || frameHeight < MIN_SIDE || pixels > MAX_PIXELS) {
            throw new ModelException("model " + ref.name() + ": frame of " + frameWidth + "x" + frameHeight
                    + " pixels is outside what a camera sends (" + MIN_SIDE + " px per side to "
                    + MAX_PIXELS / 1_000_000
                    + " megapixels); check the camera's resolution setting");
        }
    }

    /** Checks the frame size, fills the input with {@code fill}, runs the session, hands the result to the reader. */
    private <T> T run(
            int frameWidth,
            int frameHeight,
            java.util.function.Function<FloatBuffer, ImagePreprocessor.Geometry> fill,
            ResultReader<T> reader) {
        checkFrameSize(frameWidth, frameHeight);
        long t0 = System.nanoTime();
        FloatBuffer in = inputBuffer();
        ImagePreprocessor.Geometry geo = fill.apply(in);
        double preMs = ms(t0);
        long t1 = System.nanoTime();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), in, pre.shape())) {
            return runSession(feeds(tensor), result -> {
                double runMs = ms(t1);
                return reader.read(result, geo, preMs, runMs, System.nanoTime());
            });
        } catch (OrtException e) {
            throw new ModelException("model " + ref.name() + ": session run failed: " + e.getMessage(), e);
        }
    }

    /**
     * The bare {@code session.run} on a prepared input, for benchmarks that compare the whole inspection step
     * with it: the image is pre-processed once, each {@link BareRun#run()} only runs the session.
     */
    public BareRun bareRun(BufferedImage image) {
        FloatBuffer in = ByteBuffer.allocateDirect(pre.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        pre.apply(image, in);
        try {
            return new BareRun(OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), in, pre.shape()));
        } catch (OrtException e) {
            throw new ModelException("model " + ref.name() + ": cannot create input tensor: " + e.getMessage(), e);
        }
    }

    /** A prepared input tensor; {@link #run()} is one bare session.run. */
    public final class BareRun implements AutoCloseable {
        private final OnnxTensor tensor;
        private final Map<String, OnnxTensor> inputs;

        private BareRun(OnnxTensor tensor) {
            this.tensor = tensor;
            this.inputs = feeds(tensor);
        }

        public void run() {
            try {
                runSession(inputs, r -> {
                    if (r.size() == 0) {
                        throw new ModelException("model " + ref.name() + ": no outputs");
                    }
                    return null;
                });
            } catch (OrtException e) {
                throw new ModelException("model " + ref.name() + ": session run failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            tensor.close();
        }
    }

    /** The main output named by the card (output.tensor), else the session's first output, and its shape. */
    protected record MainOutput(String name, long[] shape) {}

    protected MainOutput mainOutput() {
        try {
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String name = card.output() != null && card.output().tensor() != null
                    ? card.output().tensor()
                    : outputs.keySet().iterator().next();
            NodeInfo info = outputs.get(name);
            if (info == null) {
                throw new ModelException("model " + ref.name() + ": card names output '" + name
                        + "', the ONNX file has " + outputs.keySet());
            }
            return new MainOutput(name, ((TensorInfo) info.getInfo()).getShape());
        } catch (OrtException e) {
            throw new ModelException("model " + ref.name() + ": cannot read output info: " + e.getMessage(), e);
        }
    }

    protected abstract ModelVerdict decode(
            OrtSession.Result result, ImagePreprocessor.Geometry geo, double preMs, double runMs, long t0);

    protected void warmUp(int runs) {
        if (runs <= 0) {
            return;
        }
        BufferedImage blank = new BufferedImage(pre.width(), pre.height(), BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < runs; i++) {
            inspect(blank);
        }
    }

    protected float[] floats(OrtSession.Result result, String name, int minCount) {
        Pinned p = name.equals(pinnedName) ? reading.get() : null;
        if (p != null) {
            // written by ONNX Runtime into the pinned buffer of this run: one bulk copy into its reused array
            p.buffer().get(0, p.values());
            if (p.values().length < minCount) {
                throw new ModelException("model " + ref.name() + ": output '" + name + "' holds " + p.values().length
                        + " values, the card needs " + minCount);
            }
            return p.values();
        }
        Optional<OnnxValue> v = result.get(name);
        if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) {
            throw new ModelException("model " + ref.name() + ": output '" + name + "' missing from the session result");
        }
        FloatBuffer fb = t.getFloatBuffer();
        if (fb == null) {
            throw new ModelException("model " + ref.name() + ": output '" + name + "' is not float");
        }
        float[] out;
        if (fb.hasArray() && fb.arrayOffset() == 0 && fb.position() == 0 && fb.remaining() == fb.array().length) {
            out = fb.array(); // ORT already copied the output into this heap buffer: no second copy
        } else {
            out = new float[fb.remaining()];
            fb.get(out);
        }
        if (out.length < minCount) {
            throw new ModelException("model " + ref.name() + ": output '" + name + "' holds " + out.length
                    + " values, the card needs " + minCount);
        }
        return out;
    }

    protected void checkFinite(float[] values, String output) {
        for (float f : values) {
            if (!Float.isFinite(f)) {
                throw new ModelException("model " + ref.name() + ": output '" + output + "' holds " + f
                        + " (NaN/Inf): the model or its input is broken");
            }
        }
    }

    protected static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    protected static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing twice or during shutdown: nothing left to release
        }
        constants.values().forEach(OnnxTensor::close);
        closed = true;
        closeIdlePinned();
    }
}
