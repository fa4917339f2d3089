package io.visionhub.vision.teach;

import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.model.InspectionModel;
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

    public TeachService(Path modelsRoot) {
        this.modelsRoot = modelsRoot;
    }

    /**
     * @param name                model name = folder under the models root
     * @param version             model version
     * @param goodDir             folder of good images (20 is typical); null with simulate
     * @param heldOutGoodDir      folder of held-out good images, or null
     * @param heldOutDefectiveDir folder of held-out defective images, or null
     * @param simulate            teach from simulated good parts and report on simulated held-out parts
     * @param goodImages          simulate: how many good parts to teach from
     */
    public record Request(String name, String version, String goodDir, String heldOutGoodDir, String heldOutDefectiveDir,
                          Boolean simulate, Integer goodImages) {
    }

    /** What was taught and how well it separates the held-out set (report null when none was given). */
    public record Response(String name, String version, String modelDir, String sha256, double threshold, int goodImages,
                           HeldOutReport report) {
    }

    public Response teach(Request req) {
        if (req.name() == null || !NAME.matcher(req.name()).matches()) {
            throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-', got " + req.name());
        }
        String version = req.version() == null || req.version().isBlank() ? "1" : req.version();
        boolean simulate = Boolean.TRUE.equals(req.simulate());
        Path out = modelsRoot.resolve(req.name()).normalize();
        if (!out.startsWith(modelsRoot.normalize())) {
            throw new IllegalArgumentException("name " + req.name() + " leaves the models folder");
        }
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
                throw new IllegalArgumentException("goodDir (a folder of good images) is required unless simulate is true");
            }
            good = readImages(Path.of(req.goodDir()));
        }
        BufferedImage first = good.get(0);
        int w = first.getWidth() / 4 * 4;
        int h = first.getHeight() / 4 * 4;
        AnomalyTeacher.Spec spec = new AnomalyTeacher.Spec(req.name(), version, w, h, 4, 0.03, 1.5);
        AnomalyTeacher.Result taught = new AnomalyTeacher().teach(good, spec, out);

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
                double[] g = readImages(Path.of(req.heldOutGoodDir())).stream().mapToDouble(i -> score(model, i)).toArray();
                double[] d = readImages(Path.of(req.heldOutDefectiveDir())).stream().mapToDouble(i -> score(model, i)).toArray();
                report = HeldOutReport.of(g, d, taught.threshold());
            }
            return new Response(req.name(), version, out.toString(), model.ref().sha256(), taught.threshold(),
                    taught.images(), report);
        }
    }

    private static double score(InspectionModel model, BufferedImage img) {
        ModelVerdict v = model.inspect(img);
        return v.anomalyScore() == null ? 0 : v.anomalyScore();
    }

    /** The images of a folder, sorted by name; names the first file that is not a readable image. */
    public static List<BufferedImage> readImages(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("image folder " + dir.toAbsolutePath() + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> IMAGE_EXTENSIONS.stream().anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("image folder " + dir.toAbsolutePath() + " holds no .png/.jpg/.bmp images");
        }
        List<BufferedImage> images = new ArrayList<>();
        for (Path f : files) {
            try {
                images.add(FrameInspector.decode(Files.readAllBytes(f), f.toString()));
            } catch (IOException | ModelException e) {
                throw new IllegalArgumentException("image " + f.toAbsolutePath() + " cannot be read: " + e.getMessage(), e);
            }
        }
        return images;
    }
}
