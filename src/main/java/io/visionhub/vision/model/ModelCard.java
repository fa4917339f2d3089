package io.visionhub.vision.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a model is, read from the YAML card next to the .onnx file ({@code model.yaml}).
 *
 * @param name        model name (travels in every event)
 * @param version     model version
 * @param kind        {@code anomaly}, {@code detect} or {@code classify}
 * @param file        the .onnx file, relative to the card (default {@code model.onnx})
 * @param description free text
 * @param input       input size and normalisation
 * @param output      how to read the outputs (layout for detectors)
 * @param classes     class names by index (detect, classify)
 * @param thresholds  confidence threshold per class name (detect, classify); {@code default} applies otherwise
 * @param okClasses   classify: classes that mean a good part; detect: classes that do not make a part NG
 * @param roi         regions of interest in original-frame pixels; detections outside are ignored
 * @param anomaly     anomaly score threshold and region extraction
 * @param nms         IoU threshold of non-maximum suppression (detect)
 * @param taught      how a taught model was made (teacher, images, held-out figures)
 * @param uncertainBand OK/NG rule: a result this close below the threshold is UNCERTAIN (for manual review)
 *                    instead of OK: detect/classify in confidence units (0.1 = from threshold - 0.1), anomaly as
 *                    a fraction of the threshold (0.1 = from 90% of it); none by default
 * @param patchcore   anomaly with {@code anomaly.method: patchcore}: backbone layers and the memory bank file
 * @param camera      settings the camera needs for this model (GenICam features of a {@code gige://} camera, set when
 *                    it opens; the route's source query wins over them); none by default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelCard(
        String name,
        String version,
        String kind,
        String file,
        String description,
        Input input,
        Output output,
        List<String> classes,
        Map<String, Double> thresholds,
        List<String> okClasses,
        List<Roi> roi,
        Anomaly anomaly,
        Double nms,
        Map<String, Object> taught,
        Double uncertainBand,
        PatchCore patchcore,
        Camera camera) {

    /** A card without a camera block (as cards were before it). */
    public ModelCard(
            String name,
            String version,
            String kind,
            String file,
            String description,
            Input input,
            Output output,
            List<String> classes,
            Map<String, Double> thresholds,
            List<String> okClasses,
            List<Roi> roi,
            Anomaly anomaly,
            Double nms,
            Map<String, Object> taught,
            Double uncertainBand,
            PatchCore patchcore) {
        this(
                name,
                version,
                kind,
                file,
                description,
                input,
                output,
                classes,
                thresholds,
                okClasses,
                roi,
                anomaly,
                nms,
                taught,
                uncertainBand,
                patchcore,
                null);
    }

    /** A card without a PatchCore block (every kind but a PatchCore anomaly model). */
    public ModelCard(
            String name,
            String version,
            String kind,
            String file,
            String description,
            Input input,
            Output output,
            List<String> classes,
            Map<String, Double> thresholds,
            List<String> okClasses,
            List<Roi> roi,
            Anomaly anomaly,
            Double nms,
            Map<String, Object> taught,
            Double uncertainBand) {
        this(
                name,
                version,
                kind,
                file,
                description,
                input,
                output,
                classes,
                thresholds,
                okClasses,
                roi,
                anomaly,
                nms,
                taught,
                uncertainBand,
                null,
                null);
    }

    public static final String ANOMALY = "anomaly";
    public static final String DETECT = "detect";
    public static final String CLASSIFY = "classify";
    public static final String CARD_FILE = "model.yaml";
    public static final String DEFAULT_MODEL_FILE = "model.onnx";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /**
     * Input tensor: size, channels, pixel scale and per-channel mean/std: value = (pixel * scale - mean) / std.
     *
     * @param tensor    input name; the session's first input when null
     * @param width     input width
     * @param height    input height
     * @param channels  1 (grey) or 3
     * @param order     {@code RGB} or {@code BGR}
     * @param letterbox keep aspect ratio and pad (detect); plain resize otherwise
     * @param pad       letterbox pad value 0..255 (YOLO uses 114)
     * @param scale     pixel scale (1/255 by default)
     * @param mean      per-channel mean after scaling
     * @param std       per-channel std after scaling
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(
            String tensor,
            int width,
            int height,
            Integer channels,
            String order,
            Boolean letterbox,
            Integer pad,
            Double scale,
            List<Double> mean,
            List<Double> std) {
        public int channelsOr3() {
            return channels == null ? 3 : channels;
        }

        public boolean letterboxOr(boolean dflt) {
            return letterbox == null ? dflt : letterbox;
        }

        public double scaleOr1by255() {
            return scale == null ? 1.0 / 255.0 : scale;
        }

        public boolean bgr() {
            return "BGR".equalsIgnoreCase(order);
        }
    }

    /**
     * @param layout    detect: {@code yolov5} (1 x N x (5+C), objectness), {@code yolov8} (1 x (4+C) x N; also
     *                  {@code yolo11}), {@code yolov10} (1 x K x 6 end-to-end rows x1,y1,x2,y2,score,class, no NMS;
     *                  also {@code yolo11-end2end}) or {@code yolov8-seg} (1 x (4+C+M) x N plus prototypes
     *                  1 x M x H x W; also {@code yolo11-seg}); yolov8 when absent
     * @param tensor    output name for the main output; the first output when null
     * @param map       anomaly: name of the anomaly map output
     * @param score     anomaly: name of the score output
     * @param softmax   classify: apply softmax to the logits (false when the model already outputs probabilities)
     * @param proto     detect, yolov8-seg: name of the mask prototype output; the other output when null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String layout, String tensor, String map, String score, Boolean softmax, String proto) {
        public Output(String layout, String tensor, String map, String score, Boolean softmax) {
            this(layout, tensor, map, score, softmax, null);
        }
    }

    /** A region of interest in original-frame pixels. */
    public record Roi(String name, int x, int y, int width, int height) {}

    /**
     * @param threshold       score above which the part is NG
     * @param regionThreshold map value above which a map cell belongs to a defect region (default: threshold)
     * @param minRegionCells  smallest region kept, in map cells
     * @param defectClass     class name of the defects reported (default {@code anomaly})
     * @param method          how the model was taught: {@code grey-cells} (default) or {@code patchcore}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Anomaly(
            double threshold, Double regionThreshold, Integer minRegionCells, String defectClass, String method) {

        public static final String GREY_CELLS = "grey-cells";
        public static final String PATCHCORE = "patchcore";

        public Anomaly(double threshold, Double regionThreshold, Integer minRegionCells, String defectClass) {
            this(threshold, regionThreshold, minRegionCells, defectClass, null);
        }

        public boolean patchCore() {
            return PATCHCORE.equalsIgnoreCase(method);
        }
    }

    /**
     * A PatchCore anomaly model (docs/models.md): patch features from intermediate layers of a CNN backbone,
     * compared with a memory bank of good-part features by nearest-neighbour distance.
     *
     * @param backbone         the backbone file the model was made from (a record of origin; model.onnx holds the
     *                         pruned copy with the scoring nodes)
     * @param backboneSha256   its sha256
     * @param layers           backbone tensors whose feature maps are used (finest first)
     * @param neighbourhood    patch neighbourhood averaged around each feature position (3 = 3x3)
     * @param memoryBank       the memory bank file, relative to the card ({@link MemoryBank} format)
     * @param memoryBankSha256 its sha256; the hub refuses a bank that does not match
     * @param bankSize         patches in the memory bank
     * @param featureDims      length of one patch feature
     * @param coresetRatio     fraction of the good patches kept by greedy coreset sampling
     * @param projectionDims   random projection length used to pick the coreset (speed only)
     * @param smoothing        Gaussian sigma, in patches, applied to the patch score map before upsampling
     * @param border           patches ignored at each edge of the grid (they see the backbone's padding)
     * @param reflectPad       pixels mirrored around the frame before the backbone
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PatchCore(
            String backbone,
            String backboneSha256,
            List<String> layers,
            Integer neighbourhood,
            String memoryBank,
            String memoryBankSha256,
            Integer bankSize,
            Integer featureDims,
            Double coresetRatio,
            Integer projectionDims,
            Double smoothing,
            Integer border,
            Integer reflectPad) {}

    /**
     * What the camera must be set to for this model's images (docs/cameras.md "Features from the model card").
     *
     * @param features GenICam features by name, set in the order written when a {@code gige://} camera opens, before
     *                 those of the route's source (a feature in both takes the route's value); values are scalars
     *                 ({@code ExposureTime: 1200}, {@code PixelFormat: Mono8}, {@code ReverseX: true})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Camera(Map<String, Object> features) {

        /** The features in text form (the way GenICam takes them), in the card's order; empty when none. */
        public Map<String, String> featureValues() {
            Map<String, String> out = new LinkedHashMap<>();
            if (features != null) {
                features.forEach((k, v) -> out.put(k, String.valueOf(v)));
            }
            return out;
        }
    }

    /** The GenICam features of the card's camera block, in text form and order; empty when it has none. */
    public Map<String, String> cameraFeatures() {
        return camera == null ? Map.of() : camera.featureValues();
    }

    /** A copy with these class names (from the ONNX file's metadata when the card has none). */
    public ModelCard withClasses(List<String> names) {
        return new ModelCard(
                name,
                version,
                kind,
                file,
                description,
                input,
                output,
                List.copyOf(names),
                thresholds,
                okClasses,
                roi,
                anomaly,
                nms,
                taught,
                uncertainBand,
                patchcore,
                camera);
    }

    public String fileOrDefault() {
        return file == null || file.isBlank() ? DEFAULT_MODEL_FILE : file;
    }

    public double thresholdFor(String className, double dflt) {
        if (thresholds == null) {
            return dflt;
        }
        Double t = thresholds.get(className);
        if (t == null) {
            t = thresholds.get("default");
        }
        return t == null ? dflt : t;
    }

    /** Reads and checks a card; the message names the file and the problem. */
    public static ModelCard read(Path cardFile) {
        if (!Files.isRegularFile(cardFile)) {
            throw new ModelException("model card " + cardFile.toAbsolutePath() + " does not exist: "
                    + "put a model.yaml next to the .onnx file (see docs/vision.md)");
        }
        Object yaml;
        try {
            yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(cardFile));
        } catch (IOException e) {
            throw new ModelException("cannot read model card " + cardFile.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelException(
                    "model card " + cardFile.toAbsolutePath() + " is not valid YAML: " + e.getMessage(), e);
        }
        if (!(yaml instanceof Map<?, ?>)) {
            throw new ModelException("model card " + cardFile.toAbsolutePath() + " must be a YAML mapping");
        }
        ModelCard card;
        try {
            card = MAPPER.convertValue(yaml, ModelCard.class);
        } catch (IllegalArgumentException e) {
            throw new ModelException("model card " + cardFile.toAbsolutePath() + ": " + firstLine(e.getMessage()), e);
        }
        card.check(cardFile);
        return card;
    }

    /** Throws naming the card and the first problem found. */
    public void check(Path cardFile) {
        String where = "model card "
                + (cardFile == null ? name : cardFile.toAbsolutePath().toString());
        if (name == null || name.isBlank()) {
            throw new ModelException(where + ": 'name' is required");
        }
        if (version == null || version.isBlank()) {
            throw new ModelException(where + ": 'version' is required");
        }
        if (!List.of(ANOMALY, DETECT, CLASSIFY).contains(kind)) {
            throw new ModelException(where + ": 'kind' must be anomaly, detect or classify, got " + kind);
        }
        if (input == null || input.width() <= 0 || input.height() <= 0) {
            throw new ModelException(where + ": 'input' with width and height > 0 is required");
        }
        int c = input.channelsOr3();
        if (c != 1 && c != 3) {
            throw new ModelException(where + ": input.channels must be 1 or 3, got " + c);
        }
        if (input.mean() != null && input.mean().size() != c
                || input.std() != null && input.std().size() != c) {
            throw new ModelException(where + ": input.mean and input.std need one value per channel (" + c + ")");
        }
        if (input.std() != null && input.std().stream().anyMatch(s -> s == 0)) {
            throw new ModelException(where + ": input.std must not hold 0");
        }
        if (uncertainBand != null && (uncertainBand < 0 || uncertainBand >= 1)) {
            throw new ModelException(where + ": uncertainBand must be within 0..1, got " + uncertainBand);
        }
        if (ANOMALY.equals(kind) && anomaly == null) {
            throw new ModelException(where + ": kind anomaly needs an 'anomaly' block with a threshold");
        }
        if (anomaly != null
                && anomaly.method() != null
                && !List.of(Anomaly.GREY_CELLS, Anomaly.PATCHCORE).contains(anomaly.method())) {
            throw new ModelException(
                    where + ": anomaly.method must be grey-cells or patchcore, got " + anomaly.method());
        }
        if (anomaly != null && anomaly.patchCore() && (patchcore == null || patchcore.memoryBank() == null)) {
            throw new ModelException(where + ": anomaly.method patchcore needs a 'patchcore' block naming the "
                    + "memoryBank file and its memoryBankSha256");
        }
        if (camera != null && camera.features() != null) {
            for (Map.Entry<String, Object> f : camera.features().entrySet()) {
                if (f.getKey() == null || f.getKey().isBlank()) {
                    throw new ModelException(where + ": camera.features has an empty feature name");
                }
                Object v = f.getValue();
                if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    throw new ModelException(where + ": camera.features." + f.getKey() + " must be a single value "
                            + "(number, text or true/false), got " + (v == null ? "nothing" : v));
                }
            }
        }
        if ((DETECT.equals(kind) || CLASSIFY.equals(kind)) && classes != null && classes.isEmpty()) {
            throw new ModelException(where + ": 'classes' is empty; list the names by output index or leave it out "
                    + "to use the names an Ultralytics export carries");
        }
        if (DETECT.equals(kind)
                && output != null
                && output.layout() != null
                && YoloDecoder.Layout.fromCard(output.layout()) == null) {
            throw new ModelException(where + ": output.layout must be one of "
                    + String.join(", ", YoloDecoder.Layout.allNames()) + ", got " + output.layout());
        }
    }

    /** Writes the card as YAML. */
    @SuppressWarnings("unchecked")
    public void write(Path cardFile) {
        Map<String, Object> map = MAPPER.convertValue(this, LinkedHashMap.class);
        DumperOptions opts = new DumperOptions();
        opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        opts.setIndent(2);
        String text = "# Model card: what this model is and how the hub runs it (docs/vision.md)\n"
                + new Yaml(opts).dump(map);
        try {
            if (cardFile.getParent() != null) {
                Files.createDirectories(cardFile.getParent());
            }
            Files.writeString(cardFile, text);
        } catch (IOException e) {
            throw new ModelException("cannot write model card " + cardFile.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
