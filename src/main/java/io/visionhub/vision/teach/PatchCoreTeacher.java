package io.visionhub.vision.teach;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionhub.vision.model.AnomalyModel;
import io.visionhub.vision.model.ImagePreprocessor;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.MemoryBank;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.model.ModelLoader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teaches a PatchCore anomaly model (Roth et al., "Towards Total Recall in Industrial Anomaly Detection", 2022) from
 * good parts: locally aware patch features from intermediate layers of a pretrained CNN backbone
 * ({@link PatchCoreGraph}), a memory bank of good patches reduced by greedy coreset sampling
 * ({@link CoresetSampler}), and per-patch nearest-neighbour distance as the anomaly map. Some good images are held
 * out of the memory bank; the threshold is their highest score times a margin, as a new good part would score.
 * Writes {@code model.onnx} (the cut backbone with the scoring nodes), {@code memory-bank.bin} and the card.
 */
public final class PatchCoreTeacher {

    private static final Logger LOG = LoggerFactory.getLogger(PatchCoreTeacher.class);

    /**
     * C2f block outputs of an Ultralytics YOLOv8 export at stride 4 and 8 (32 + 64 channels for YOLOv8n). Measured
     * (bench/README-vision.md): thin scratches and small stains on gravel and grass are found far better than with
     * the stride 8 + 16 pair (model.4 + model.6), at about twice the per-frame cost.
     */
    public static final List<String> YOLOV8_LAYERS =
            List.of("/model.2/cv2/act/Mul_output_0", "/model.4/cv2/act/Mul_output_0");

    /** The stride 8 + 16 pair of YOLOv8 layers: the first default, cheaper, coarser (misses thin scratches). */
    public static final List<String> YOLOV8_LAYERS_COARSE =
            List.of("/model.4/cv2/act/Mul_output_0", "/model.6/cv2/act/Mul_output_0");

    /** Border ignored by default, in pixels of the input: as many patches of the finest layer as cover it. */
    public static final int AUTO_BORDER_PIXELS = 24;

    public static final String MEMORY_BANK_FILE = "memory-bank.bin";

    /** The fewest good images: some to teach from, at least one held out for the threshold. */
    public static final int MIN_GOOD_IMAGES = 5;

    /**
     * @param backbone        ONNX backbone file (any CNN with one NCHW image input)
     * @param layers          backbone tensors used as features (finest resolution sets the patch grid)
     * @param width           input width fed to the backbone
     * @param height          input height
     * @param mean            per-channel mean after scaling pixels to 0..1 (YOLO: 0; ImageNet: 0.485, 0.456, 0.406)
     * @param std             per-channel std (YOLO: 1; ImageNet: 0.229, 0.224, 0.225)
     * @param neighbourhood   patch neighbourhood averaged around each position (3 = 3x3)
     * @param coresetRatio    fraction of the good patches kept in the memory bank
     * @param maxBank         most patches kept in the memory bank (caps per-frame cost)
     * @param projectionDims  random projection length for coreset picking
     * @param smoothing       Gaussian sigma in patches applied to the patch map (0 = none)
     * @param heldOutFraction share of the good images held out for the threshold (at least one)
     * @param margin          threshold = highest held-out good score x margin
     * @param maxPatches      most good patches held in memory while teaching (bounded memory: each image
     *                        contributes an equal random share when there are more)
     * @param seed            seed of every random choice (patch sampling, projection, first coreset patch)
     * @param border          patches ignored at each edge of the patch grid: there the backbone sees its own zero
     *                        padding, and those features vary more than any defect (the map there repeats the
     *                        nearest inner patch); as PatchCore's centre crop. Negative = as many patches as
     *                        cover {@link #AUTO_BORDER_PIXELS} at the finest layer's stride (3 at stride 8, 6 at 4)
     * @param reflectPad      pixels mirrored around the frame before the backbone (a multiple of the layers'
     *                        strides), so edge patches see the part, not the backbone's zero padding
     * @param reweight        PatchCore's image-score re-weighting (paper eq. 7) over this many nearest memory-bank
     *                        neighbours of the bank patch closest to the worst patch (0 = off: score = map max)
     */
    public record Spec(
            String name,
            String version,
            Path backbone,
            List<String> layers,
            int width,
            int height,
            List<Double> mean,
            List<Double> std,
            int neighbourhood,
            double coresetRatio,
            int maxBank,
            int projectionDims,
            double smoothing,
            double heldOutFraction,
            double margin,
            int maxPatches,
            long seed,
            int border,
            int reflectPad,
            int reweight) {

        /**
         * Defaults for a YOLOv8 backbone: 256x256 input, layers at stride 4 and 8, 10% coreset, a border of 24 px
         * ignored (measured on gravel with the stride 8 + 16 layers: image AUROC 0.72 with none and with 32 px of
         * mirrored margin, 0.90 with 3 patches = 24 px ignored).
         */
        public static Spec of(String name, String version, Path backbone) {
            return new Spec(
                    name,
                    version,
                    backbone,
                    YOLOV8_LAYERS,
                    256,
                    256,
                    List.of(0.0, 0.0, 0.0),
                    List.of(1.0, 1.0, 1.0),
                    3,
                    0.1,
                    10_000,
                    128,
                    1.0,
                    0.2,
                    1.2,
                    60_000,
                    42,
                    -1,
                    0,
                    0);
        }

        public Spec withLayers(List<String> l) {
            return with(c -> {
                c.layers = l;
            });
        }

        public Spec sized(int w, int h) {
            return with(c -> {
                c.width = w;
                c.height = h;
            });
        }

        public Spec normalised(List<Double> m, List<Double> s) {
            return with(c -> {
                c.mean = m;
                c.std = s;
            });
        }

        public Spec withReflectPad(int pixels) {
            return with(c -> {
                c.reflectPad = pixels;
            });
        }

        public Spec withReweight(int neighbours) {
            return with(c -> {
                c.reweight = neighbours;
            });
        }

        public Spec withBorder(int patches) {
            return with(c -> {
                c.border = patches;
            });
        }

        public Spec withSmoothing(double sigma) {
            return with(c -> {
                c.smoothing = sigma;
            });
        }

        public Spec withCoreset(double ratio, int max) {
            return with(c -> {
                c.coresetRatio = ratio;
                c.maxBank = max;
            });
        }

        /** A copy with the fields that change set by {@code change} (keeps the record's one constructor). */
        private Spec with(Consumer<Copy> change) {
            Copy c = new Copy(this);
            change.accept(c);
            return new Spec(
                    c.name,
                    c.version,
                    c.backbone,
                    c.layers,
                    c.width,
                    c.height,
                    c.mean,
                    c.std,
                    c.neighbourhood,
                    c.coresetRatio,
                    c.maxBank,
                    c.projectionDims,
                    c.smoothing,
                    c.heldOutFraction,
                    c.margin,
                    c.maxPatches,
                    c.seed,
                    c.border,
                    c.reflectPad,
                    c.reweight);
        }

        /** Mutable scratch copy used only inside {@link #with}. */
        private static final class Copy {
            String name;
            String version;
            Path backbone;
            List<String> layers;
            int width;
            int height;
            List<Double> mean;
            List<Double> std;
            int neighbourhood;
            double coresetRatio;
            int maxBank;
            int projectionDims;
            double smoothing;
            double heldOutFraction;
            double margin;
            int maxPatches;
            long seed;
            int border;
            int reflectPad;
            int reweight;

            Copy(Spec r) {
                name = r.name;
                version = r.version;
                backbone = r.backbone;
                layers = r.layers;
                width = r.width;
                height = r.height;
                mean = r.mean;
                std = r.std;
                neighbourhood = r.neighbourhood;
                coresetRatio = r.coresetRatio;
                maxBank = r.maxBank;
                projectionDims = r.projectionDims;
                smoothing = r.smoothing;
                heldOutFraction = r.heldOutFraction;
                margin = r.margin;
                maxPatches = r.maxPatches;
                seed = r.seed;
                border = r.border;
                reflectPad = r.reflectPad;
                reweight = r.reweight;
            }
        }
    }

    public AnomalyTeacher.Result teach(List<BufferedImage> good, Spec spec, Path modelDir) {
        String who = "teaching " + spec.name() + " (PatchCore)";
        if (good == null || good.size() < MIN_GOOD_IMAGES) {
            throw new ModelException(who + ": needs at least " + MIN_GOOD_IMAGES + " good images (some to teach "
                    + "from, one or more held out for the threshold), got " + (good == null ? 0 : good.size())
                    + " (20 is typical)");
        }
        for (int i = 0; i < good.size(); i++) {
            if (good.get(i) == null) {
                throw new ModelException(who + ": good image " + i + " could not be read");
            }
        }
        if (spec.backbone() == null || !Files.isRegularFile(spec.backbone())) {
            throw new ModelException(who + ": backbone "
                    + (spec.backbone() == null ? "(none)" : spec.backbone().toAbsolutePath())
                    + " does not exist; name an ONNX CNN backbone (docs/models.md)");
        }
        long t0 = System.nanoTime();
        byte[] backboneBytes;
        try {
            backboneBytes = Files.readAllBytes(spec.backbone());
        } catch (IOException e) {
            throw new ModelException(who + ": cannot read backbone " + spec.backbone() + ": " + e.getMessage(), e);
        }
        PatchCoreGraph graph = new PatchCoreGraph(
                backboneBytes,
                spec.backbone().toString(),
                spec.layers(),
                spec.width(),
                spec.height(),
                spec.neighbourhood(),
                spec.reflectPad());

        // every k-th good image is held out of the memory bank and sets the threshold
        int n = good.size();
        int period = Math.max(2, (int) Math.round(1 / Math.max(0.01, spec.heldOutFraction())));
        List<BufferedImage> teachSet = new ArrayList<>();
        List<BufferedImage> heldOut = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (i % period == period - 1 ? heldOut : teachSet).add(good.get(i));
        }

        ModelCard.Input input = new ModelCard.Input(
                graph.inputName(),
                spec.width(),
                spec.height(),
                3,
                "RGB",
                false,
                null,
                1.0 / 255.0,
                spec.mean(),
                spec.std());
        int dims = graph.dims();
        int stride = Math.max(1, spec.width() / graph.featureWidth());
        int b = spec.border() < 0 ? (AUTO_BORDER_PIXELS + stride - 1) / stride : spec.border();
        spec = spec.withBorder(b);
        if (2 * b >= Math.min(graph.featureWidth(), graph.featureHeight())) {
            throw new ModelException(who + ": border of " + b + " patches leaves nothing of the " + graph.featureWidth()
                    + "x" + graph.featureHeight() + " patch grid");
        }
        int inner = (graph.featureWidth() - 2 * b) * (graph.featureHeight() - 2 * b);
        int perImage = Math.max(1, Math.min(inner, spec.maxPatches() / teachSet.size()));
        float[] patches = extract(graph, input, teachSet, perImage, spec, who);
        int rows = patches.length / dims;
        long tFeatures = System.nanoTime();

        int size = (int) Math.max(1, Math.min(Math.min(spec.maxBank(), rows), Math.round(spec.coresetRatio() * rows)));
        CoresetSampler.Result core = CoresetSampler.sample(
                patches,
                rows,
                dims,
                size,
                spec.projectionDims(),
                spec.seed(),
                k -> LOG.info("{}: coreset {}/{} patches picked", who, k, size));
        float[] bank = new float[size * dims];
        for (int k = 0; k < size; k++) {
            System.arraycopy(patches, core.indices()[k] * dims, bank, k * dims, dims);
        }
        patches = null; // the good patches can go before the model is loaded
        long tCoreset = System.nanoTime();

        try {
            Files.createDirectories(modelDir);
        } catch (IOException e) {
            throw new ModelException(who + ": cannot create " + modelDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        String bankSha = new MemoryBank(size, dims, bank).write(modelDir.resolve(MEMORY_BANK_FILE));
        Path onnx = modelDir.resolve(ModelCard.DEFAULT_MODEL_FILE);
        try {
            Files.write(
                    onnx,
                    graph.scoringGraph(
                            spec.name(),
                            spec.version(),
                            spec.smoothing(),
                            spec.border(),
                            Math.min(spec.reweight(), size),
                            "PatchCore anomaly model taught by Vision Hub from " + teachSet.size()
                                    + " good images on backbone "
                                    + spec.backbone().getFileName()));
        } catch (IOException e) {
            throw new ModelException(who + ": cannot write " + onnx.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        ModelCard.PatchCore pc = new ModelCard.PatchCore(
                spec.backbone().getFileName().toString(),
                sha256(backboneBytes),
                spec.layers(),
                spec.neighbourhood(),
                MEMORY_BANK_FILE,
                bankSha,
                size,
                dims,
                spec.coresetRatio(),
                spec.projectionDims(),
                spec.smoothing(),
                spec.border(),
                spec.reflectPad());

        // threshold: the held-out good images scored by the model as the hub will run it
        ModelCard provisional = card(spec, input, pc, 1.0, stride, Map.of());
        provisional.write(modelDir.resolve(ModelCard.CARD_FILE));
        double[] heldScores = new double[heldOut.size()];
        try (InspectionModel model = new ModelLoader().load(modelDir)) {
            AnomalyModel am = (AnomalyModel) model;
            for (int i = 0; i < heldOut.size(); i++) {
                heldScores[i] = am.anomalyMap(heldOut.get(i)).score();
            }
        }
        double maxHeld = 0;
        for (double s : heldScores) {
            maxHeld = Math.max(maxHeld, s);
        }
        double threshold = round4(maxHeld * spec.margin());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Object> taught = new LinkedHashMap<>();
        taught.put("teacher", "visionhub-patchcore");
        taught.put("goodImages", n);
        taught.put("memoryBankImages", teachSet.size());
        taught.put("heldOutGoodImages", heldOut.size());
        taught.put("patchesSeen", rows);
        taught.put("coverageRadius", round4(core.coverageRadius()));
        taught.put("margin", spec.margin());
        if (spec.reweight() > 0) {
            taught.put("scoreReweightNeighbours", Math.min(spec.reweight(), size));
        }
        taught.put("maxHeldOutGoodScore", round4(maxHeld));
        taught.put("teachMs", ms);
        taught.put("taughtAt", Instant.now().toString());
        ModelCard card = card(spec, input, pc, threshold, stride, taught);
        card.write(modelDir.resolve(ModelCard.CARD_FILE));
        LOG.info(
                "Taught PatchCore model {} {} from {} good images ({} held out) in {} ms (features {} ms, coreset {} "
                        + "ms): memory bank {} x {} of {} patches, threshold {} (highest held-out good score {} x {}),"
                        + " written to {}",
                spec.name(),
                spec.version(),
                n,
                heldOut.size(),
                ms,
                (tFeatures - t0) / 1_000_000,
                (tCoreset - tFeatures) / 1_000_000,
                size,
                dims,
                rows,
                threshold,
                round4(maxHeld),
                spec.margin(),
                modelDir.toAbsolutePath());
        return new AnomalyTeacher.Result(card, modelDir, threshold, heldScores, n);
    }

    /** Patch features of the good images, row per patch; at most perImage random patches from each image. */
    private static float[] extract(
            PatchCoreGraph graph,
            ModelCard.Input input,
            List<BufferedImage> images,
            int perImage,
            Spec spec,
            String who) {
        int dims = graph.dims();
        int fw = graph.featureWidth();
        int fh = graph.featureHeight();
        int hw = fw * fh;
        int b = spec.border();
        // the patches a frame is judged on: the grid without its border
        int[] inner = new int[(fw - 2 * b) * (fh - 2 * b)];
        int n = 0;
        for (int y = b; y < fh - b; y++) {
            for (int x = b; x < fw - b; x++) {
                inner[n++] = y * fw + x;
            }
        }
        float[] out = new float[images.size() * perImage * dims];
        ImagePreprocessor pre = new ImagePreprocessor(input, false);
        FloatBuffer in = ByteBuffer.allocateDirect(pre.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random rnd = new Random(spec.seed());
        int[] order = new int[inner.length];
        int row = 0;
        try (OrtSession session = env.createSession(graph.featuresGraph(), new OrtSession.SessionOptions())) {
            for (int i = 0; i < images.size(); i++) {
                pre.apply(images.get(i), in);
                float[] f;
                try (OnnxTensor t = OnnxTensor.createTensor(env, in, pre.shape());
                        OrtSession.Result r = session.run(Map.of(graph.inputName(), t))) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    f = new float[fb.remaining()];
                    fb.get(f);
                }
                System.arraycopy(inner, 0, order, 0, inner.length);
                if (perImage < inner.length) {
                    for (int k = 0; k < perImage; k++) {
                        int j = k + rnd.nextInt(inner.length - k);
                        int tmp = order[k];
                        order[k] = order[j];
                        order[j] = tmp;
                    }
                }
                // features are [D][hw]; the memory bank wants a row per patch
                for (int k = 0; k < perImage; k++) {
                    int p = order[k];
                    int o = row * dims;
                    for (int d = 0; d < dims; d++) {
                        out[o + d] = f[d * hw + p];
                    }
                    row++;
                }
                if ((i + 1) % 5 == 0 || i + 1 == images.size()) {
                    LOG.info("{}: features of {}/{} good images ({} patches)", who, i + 1, images.size(), row);
                }
            }
        } catch (OrtException e) {
            throw new ModelException(who + ": backbone run failed: " + e.getMessage(), e);
        }
        return out;
    }

    private static ModelCard card(
            Spec spec,
            ModelCard.Input input,
            ModelCard.PatchCore pc,
            double threshold,
            int stride,
            Map<String, Object> taught) {
        return new ModelCard(
                spec.name(),
                spec.version(),
                ModelCard.ANOMALY,
                ModelCard.DEFAULT_MODEL_FILE,
                "PatchCore anomaly model taught from good parts: nearest-neighbour distance of backbone patch "
                        + "features to a memory bank of good patches, map smoothed and upsampled, score = max",
                input,
                new ModelCard.Output(null, null, "anomaly_map", "score", null),
                null,
                null,
                null,
                null,
                new ModelCard.Anomaly(
                        threshold, round4(threshold * 0.8), stride * stride, "anomaly", ModelCard.Anomaly.PATCHCORE),
                null,
                taught.isEmpty() ? null : taught,
                null,
                pc);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    private static double round4(double v) {
        return Math.round(v * 10000.0) / 10000.0;
    }
}
