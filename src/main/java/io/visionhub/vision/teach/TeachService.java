package io.visionhub.vision.teach;

import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Teaching as a service (used by the command and the REST call): reads the good images of a folder, teaches
 * an anomaly model into {@code <modelsRoot>/<name>}, and reports how it separates held-out good and defective
 * images (AUROC, precision/recall at the chosen threshold) when such folders are given, or simulated parts.
 */
public final class TeachService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");

    private final Path modelsRoot;
    private final long maxPixels;

    public TeachService(Path modelsRoot) {
        this(modelsRoot, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** @param maxPixels largest image (width x height, from its header) read for teaching; larger ones are refused */
    public TeachService(Path modelsRoot, long maxPixels) {
        this.modelsRoot = modelsRoot;
        this.maxPixels = maxPixels;
    }

    /**
     * @param name                model name = folder under the models root
     * @param version             model version
     * @param goodDir             folder of good images (20 is typical); null with simulate
     * @param heldOutGoodDir      folder of held-out good images, or null
     * @param heldOutDefectiveDir folder of held-out defective images, or null
     * @param simulate            teach from simulated good parts and report on simulated held-out parts
     * @param goodImages          simulate: how many good parts to teach from
     * @param method              {@code grey-cells} (default) or {@code patchcore}
     * @param backbone            patchcore: ONNX backbone file, inside the models folder (relative to it)
     * @param layers              patchcore: backbone tensors used as features (default: YOLOv8 model.4 and model.6)
     * @param inputSize           patchcore: square input side fed to the backbone (default 256)
     * @param mean                patchcore: per-channel mean after pixel/255 (default 0,0,0 as YOLO; ImageNet
     *                            backbones: 0.485,0.456,0.406)
     * @param std                 patchcore: per-channel std (default 1,1,1; ImageNet: 0.229,0.224,0.225)
     */
    public record Request(
            String name,
            String version,
            String goodDir,
            String heldOutGoodDir,
            String heldOutDefectiveDir,
            Boolean simulate,
            Integer goodImages,
            String method,
            String backbone,
            List<String> layers,
            Integer inputSize,
            List<Double> mean,
            List<Double> std) {

        public Request(
                String name,
                String version,
                String goodDir,
                String heldOutGoodDir,
                String heldOutDefectiveDir,
                Boolean simulate,
                Integer goodImages) {
            this(
                    name,
                    version,
                    goodDir,
                    heldOutGoodDir,
                    heldOutDefectiveDir,
                    simulate,
                    goodImages,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
    }

    /** What was taught and how well it separates the held-out set (report null when none was given). */
    public record Response(
            String name,
            String version,
            String modelDir,
            String sha256,
            double threshold,
            int goodImages,
            HeldOutReport report) {}

    public Response teach(Request req) {
        Path out = modelDir(req.name());
        String version = req.version() == null || req.version().isBlank() ? "1" : req.version();
        boolean simulate = Boolean.TRUE.equals(req.simulate());
        List<BufferedImage> good;
        if (simulate) {
            SimulatedPartGenerator gen = new SimulatedPartGenerator(42, 0);
            int n = req.goodImages() == null ? 20 : req.goodImages();
            good = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                good.add(gen.good(i).image());
            }
        } else {
            if (req.goodDir() == null) {
                throw new IllegalArgumentException(
                        "goodDir (a folder of good images) is required unless simulate is true");
            }
            good = readImages(Path.of(req.goodDir()), maxPixels);
        }
        AnomalyTeacher.Result taught = isPatchCore(req.method())
                ? new PatchCoreTeacher().teach(good, patchCoreSpec(req, version), out)
                : teachModel(req.name(), version, good, out);

        HeldOutReport report = null;
        try (InspectionModel model = new ModelLoader().load(out)) {
            if (simulate) {
                SimulatedPartGenerator gen = new SimulatedPartGenerator(4242, 0);
                String[] kinds = {SimulatedPart.SCRATCH, SimulatedPart.SPOT, SimulatedPart.MISSING_FEATURE};
                double[] g = new double[30];
                double[] d = new double[30];
                for (int i = 0; i < 30; i++) {
                    g[i] = score(model, gen.good(10_000 + i).image());
                    d[i] = score(model, gen.defective(20_000 + i, kinds[i % 3]).image());
                }
                report = HeldOutReport.of(g, d, taught.threshold());
            } else if (req.heldOutGoodDir() != null && req.heldOutDefectiveDir() != null) {
                double[] g = readImages(Path.of(req.heldOutGoodDir()), maxPixels).stream()
                        .mapToDouble(i -> score(model, i))
                        .toArray();
                double[] d = readImages(Path.of(req.heldOutDefectiveDir()), maxPixels).stream()
                        .mapToDouble(i -> score(model, i))
                        .toArray();
                report = HeldOutReport.of(g, d, taught.threshold());
            }
            return new Response(
                    req.name(),
                    version,
                    out.toString(),
                    model.ref().sha256(),
                    taught.threshold(),
                    taught.images(),
                    report);
        }
    }

    /**
     * Teaches from uploaded images ({@link TeachUpload#read}: good, and optionally held-out good and defective,
     * reported on when both are given), as {@link #teach(Request)} does from folders.
     */
    public Response teach(String name, String version, Map<String, List<BufferedImage>> images) {
        Path out = modelDir(name);
        String v = version == null || version.isBlank() ? "1" : version;
        AnomalyTeacher.Result taught = teachModel(name, v, images.get(TeachUpload.GOOD), out);
        List<BufferedImage> heldOutGood = images.getOrDefault(TeachUpload.HELD_OUT_GOOD, List.of());
        List<BufferedImage> heldOutDefective = images.getOrDefault(TeachUpload.HELD_OUT_DEFECTIVE, List.of());
        try (InspectionModel model = new ModelLoader().load(out)) {
            HeldOutReport report = heldOutGood.isEmpty() || heldOutDefective.isEmpty()
                    ? null
                    : HeldOutReport.of(
                            heldOutGood.stream()
                                    .mapToDouble(i -> score(model, i))
                                    .toArray(),
                            heldOutDefective.stream()
                                    .mapToDouble(i -> score(model, i))
                                    .toArray(),
                            taught.threshold());
            return new Response(
                    name, v, out.toString(), model.ref().sha256(), taught.threshold(), taught.images(), report);
        }
    }

    private Path modelDir(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-', got " + name);
        }
        Path out = modelsRoot.resolve(name).normalize();
        if (!out.startsWith(modelsRoot.normalize())) {
            throw new IllegalArgumentException("name " + name + " leaves the models folder");
        }
        return out;
    }

    private static boolean isPatchCore(String method) {
        if (method == null || method.isBlank() || ModelCard.Anomaly.GREY_CELLS.equals(method)) {
            return false;
        }
        if (ModelCard.Anomaly.PATCHCORE.equals(method)) {
            return true;
        }
        throw new IllegalArgumentException("method must be grey-cells or patchcore, got " + method);
    }

    /** The backbone must lie inside the models folder: a REST caller cannot make the hub read other files. */
    private PatchCoreTeacher.Spec patchCoreSpec(Request req, String version) {
        if (req.backbone() == null || req.backbone().isBlank()) {
            throw new IllegalArgumentException("method patchcore needs a backbone: an ONNX CNN file in the models "
                    + "folder " + modelsRoot.toAbsolutePath() + " (docs/models.md)");
        }
        Path root = modelsRoot.toAbsolutePath().normalize();
        Path backbone = root.resolve(req.backbone()).normalize();
        if (!backbone.startsWith(root)) {
            throw new IllegalArgumentException(
                    "backbone " + req.backbone() + " lies outside the models folder " + root);
        }
        PatchCoreTeacher.Spec spec = PatchCoreTeacher.Spec.of(req.name(), version, backbone);
        if (req.layers() != null && !req.layers().isEmpty()) {
            spec = spec.withLayers(req.layers());
        }
        if (req.inputSize() != null) {
            if (req.inputSize() < 32 || req.inputSize() > 2048) {
                throw new IllegalArgumentException("inputSize must be 32..2048, got " + req.inputSize());
            }
            spec = spec.sized(req.inputSize(), req.inputSize());
        }
        if (req.mean() != null || req.std() != null) {
            List<Double> mean = req.mean() == null ? spec.mean() : req.mean();
            List<Double> std = req.std() == null ? spec.std() : req.std();
            if (mean.size() != 3 || std.size() != 3 || std.stream().anyMatch(v -> v == null || v <= 0)) {
                throw new IllegalArgumentException(
                        "mean and std need 3 values (R, G, B), std > 0; got " + mean + " and " + std);
            }
            spec = spec.normalised(mean, std);
        }
        return spec;
    }

    private static AnomalyTeacher.Result teachModel(String name, String version, List<BufferedImage> good, Path out) {
        BufferedImage first = good.get(0);
        int w = first.getWidth() / 4 * 4;
        int h = first.getHeight() / 4 * 4;
        AnomalyTeacher.Spec spec = new AnomalyTeacher.Spec(name, version, w, h, 4, 0.03, 1.5);
        return new AnomalyTeacher().teach(good, spec, out);
    }

    private static double score(InspectionModel model, BufferedImage img) {
        ModelVerdict v = model.inspect(img);
        return v.anomalyScore() == null ? 0 : v.anomalyScore();
    }

    /** The images of a folder, sorted by name; names the first file that is not a readable image. */
    public static List<BufferedImage> readImages(Path dir) {
        return readImages(dir, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /**
     * The images of a folder, sorted by name; names the first file that is not a readable image or is larger than
     * {@code maxPixels} (checked from its header, before decoding).
     */
    public static List<BufferedImage> readImages(Path dir, long maxPixels) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("image folder " + dir.toAbsolutePath() + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> IMAGE_EXTENSIONS.stream()
                            .anyMatch(e -> p.getFileName()
                                    .toString()
                                    .toLowerCase(Locale.ROOT)
                                    .endsWith(e)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(
                    "image folder " + dir.toAbsolutePath() + " holds no .png/.jpg/.bmp images");
        }
        List<BufferedImage> images = new ArrayList<>();
        for (Path f : files) {
            try {
                images.add(ImageDecoder.decode(Files.readAllBytes(f), f.toString(), maxPixels));
            } catch (IOException | ModelException e) {
                throw new IllegalArgumentException(
                        "image " + f.toAbsolutePath() + " cannot be read: " + e.getMessage(), e);
            }
        }
        return images;
    }
}
