package io.visionhub.bench;

import io.visionhub.vision.RealFixtures;
import io.visionhub.vision.model.AnomalyModel;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.teach.AnomalyTeacher;
import io.visionhub.vision.teach.HeldOutReport;
import io.visionhub.vision.teach.PatchCoreTeacher;
import io.visionhub.vision.teach.TextureCrops;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * PatchCore vs the grey-cell teacher on real textures and photos with synthetic defects: image AUROC, pixel AUROC,
 * teaching time and per-frame cost. Sources: CC0 textures of Debian python3-skimage (brick, gravel, grass: random
 * crops anywhere in the texture) and opencv-doc photos (board.jpg, box.png: crops moved up to 12 px), brightness
 * +-15%. Each teacher learns from the same 20 good crops and is scored on 30 other good crops and 30 defective
 * ones (scratch, blot, cut-paste in turn).
 *
 * <pre>bench/run AnomalyTeachBench [source...]   (brick gravel grass board box; needs .fixtures/yolov8n.onnx)</pre>
 */
public final class AnomalyTeachBench {

    /** Good crops to teach from (seeds 1000..; the test crops use seeds 5000.. and 9000..): -Dpc.teach=80. */
    private static final int TEACH = Integer.getInteger("pc.teach", 20);

    private static final int TEST = 30;

    /** -Dpc.grey=false leaves the grey-cell rows out (when comparing PatchCore settings). */
    private static final boolean GREY = Boolean.parseBoolean(System.getProperty("pc.grey", "true"));

    public static void main(String[] args) throws Exception {
        Path backbone = RealFixtures.YOLOV8N;
        if (!Files.isRegularFile(backbone)) {
            System.err.println(backbone + " is absent: run .ci/fetch-fixtures");
            System.exit(1);
        }
        List<String> sources = args.length > 0 ? List.of(args) : List.of("brick", "gravel", "grass", "board", "box");
        Path work = Files.createTempDirectory("teach-bench");
        System.out.printf(
                "%d cores, java %s; teach %d good crops, test %d good + %d defective per source%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), TEACH, TEST, TEST);
        System.out.println("| source | teacher | image AUROC | by defect: scratch / blot / cut-paste | pixel AUROC "
                + "| recall / FP at threshold | teach s | ms/frame | machine |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String s : sources) {
            TextureCrops crops = crops(s);
            List<BufferedImage> good = new ArrayList<>();
            for (int i = 0; i < TEACH; i++) {
                good.add(crops.good(1000 + i).image());
            }
            List<TextureCrops.Sample> test = new ArrayList<>();
            for (int i = 0; i < TEST; i++) {
                test.add(crops.good(5000 + i));
            }
            for (int i = 0; i < TEST; i++) {
                test.add(crops.defective(9000 + i, TextureCrops.DEFECTS[i % 3]));
            }
            long t0;
            if (GREY) {
                Path greyDir = work.resolve(s + "-grey");
                MachineLoad load = MachineLoad.start();
                t0 = System.nanoTime();
                AnomalyTeacher.Result grey = new AnomalyTeacher()
                        .teach(good, AnomalyTeacher.Spec.of(s, "1").sized(crops.size(), crops.size()), greyDir);
                double greyTeach = (System.nanoTime() - t0) / 1e9;
                row(s, "grey cells", greyDir, grey.threshold(), greyTeach, test, crops.size(), load);
            }

            Path pcDir = work.resolve(s + "-patchcore");
            MachineLoad load = MachineLoad.start();
            t0 = System.nanoTime();
            AnomalyTeacher.Result taught = new PatchCoreTeacher().teach(good, spec(s, backbone), pcDir);
            double pcTeach = (System.nanoTime() - t0) / 1e9;
            row(s, "PatchCore (" + LABEL + ")", pcDir, taught.threshold(), pcTeach, test, crops.size(), load);
        }
    }

    // -Dpc.layers=a,b -Dpc.size=256 -Dpc.sigma=1.0 -Dpc.coreset=0.25 -Dpc.maxBank=20000 -Dpc.border=6
    // -Dpc.reweight=9 to compare settings; the defaults are the teacher's
    private static final String LABEL = System.getProperty("pc.label", "defaults");

    static PatchCoreTeacher.Spec spec(String name, Path backbone) {
        PatchCoreTeacher.Spec spec = PatchCoreTeacher.Spec.of(name, "1", backbone);
        String layers = System.getProperty("pc.layers");
        if (layers != null) {
            spec = spec.withLayers(List.of(layers.split(",")));
        }
        int size = Integer.getInteger("pc.size", spec.width());
        spec = spec.sized(size, size);
        String sigma = System.getProperty("pc.sigma");
        if (sigma != null) {
            spec = spec.withSmoothing(Double.parseDouble(sigma));
        }
        String coreset = System.getProperty("pc.coreset");
        if (coreset != null) {
            spec = spec.withCoreset(Double.parseDouble(coreset), Integer.getInteger("pc.maxBank", spec.maxBank()));
        }
        String border = System.getProperty("pc.border");
        if (border != null) {
            spec = spec.withBorder(Integer.parseInt(border));
        }
        String reweight = System.getProperty("pc.reweight");
        if (reweight != null) {
            spec = spec.withReweight(Integer.parseInt(reweight));
        }
        return spec;
    }

    static TextureCrops crops(String s) {
        return switch (s) {
            case "brick", "gravel", "grass" -> {
                BufferedImage img = TextureCrops.read(RealFixtures.SKIMAGE_DATA.resolve(s + ".png"));
                BufferedImage donor = TextureCrops.read(
                        RealFixtures.SKIMAGE_DATA.resolve(("brick".equals(s) ? "gravel" : "brick") + ".png"));
                yield new TextureCrops(img, donor, 256, 0);
            }
            case "board" -> {
                BufferedImage img = TextureCrops.read(RealFixtures.OPENCV_DATA.resolve("board.jpg"));
                yield new TextureCrops(img, img, 256, 12);
            }
            case "box" -> {
                BufferedImage img = TextureCrops.read(RealFixtures.OPENCV_DATA.resolve("box.png"));
                yield new TextureCrops(img, img, 192, 12);
            }
            default -> throw new IllegalArgumentException("unknown source " + s);
        };
    }

    private static void row(
            String source,
            String teacher,
            Path dir,
            double threshold,
            double teachS,
            List<TextureCrops.Sample> test,
            int size,
            MachineLoad load) {
        List<Double> goodScores = new ArrayList<>();
        List<Double> badScores = new ArrayList<>();
        java.util.Map<String, List<Double>> byKind = new java.util.TreeMap<>();
        int pixels = test.size() * size * size;
        float[] pixelScores = new float[pixels];
        boolean[] pixelLabels = new boolean[pixels];
        double[] ms = new double[test.size()];
        try (InspectionModel model = new ModelLoader().load(dir)) {
            AnomalyModel am = (AnomalyModel) model;
            for (int i = 0; i < test.size(); i++) {
                TextureCrops.Sample t = test.get(i);
                // the per-frame cost is that of the map's run (the same graph run as inspect, without the regions)
                long t0 = System.nanoTime();
                AnomalyModel.AnomalyMap map = am.anomalyMap(t.image());
                ms[i] = (System.nanoTime() - t0) / 1e6;
                (t.defect() == null ? goodScores : badScores).add(map.score());
                if (t.defect() != null) {
                    byKind.computeIfAbsent(t.defect(), k -> new ArrayList<>()).add(map.score());
                }
                float[] up = upsample(map, size);
                System.arraycopy(up, 0, pixelScores, i * size * size, size * size);
                System.arraycopy(t.mask(), 0, pixelLabels, i * size * size, size * size);
            }
        }
        HeldOutReport r = HeldOutReport.of(
                goodScores.stream().mapToDouble(d -> d).toArray(),
                badScores.stream().mapToDouble(d -> d).toArray(),
                threshold);
        Arrays.sort(ms);
        double[] g = goodScores.stream().mapToDouble(d -> d).toArray();
        StringBuilder kinds = new StringBuilder();
        for (String k : TextureCrops.DEFECTS) {
            double a = HeldOutReport.of(
                            g,
                            byKind.getOrDefault(k, List.of()).stream()
                                    .mapToDouble(d -> d)
                                    .toArray(),
                            threshold)
                    .auroc();
            kinds.append(kinds.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", a));
        }
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %.3f | %s | %.3f | %d/%d, %d FP | %.1f | %.1f | %s |%n",
                source,
                teacher,
                r.auroc(),
                kinds,
                pixelAuroc(pixelScores, pixelLabels),
                r.truePositives(),
                r.defective(),
                r.falsePositives(),
                teachS,
                ms[ms.length / 2],
                load.summary());
    }

    /** Bilinear resize of a map to size x size (pixel centres aligned), as the frame would be compared. */
    static float[] upsample(AnomalyModel.AnomalyMap m, int size) {
        float[] out = new float[size * size];
        double sx = (double) m.width() / size;
        double sy = (double) m.height() / size;
        for (int y = 0; y < size; y++) {
            double fy = Math.max(0, Math.min(m.height() - 1, (y + 0.5) * sy - 0.5));
            int y0 = (int) fy;
            int y1 = Math.min(m.height() - 1, y0 + 1);
            double wy = fy - y0;
            for (int x = 0; x < size; x++) {
                double fx = Math.max(0, Math.min(m.width() - 1, (x + 0.5) * sx - 0.5));
                int x0 = (int) fx;
                int x1 = Math.min(m.width() - 1, x0 + 1);
                double wx = fx - x0;
                float[] v = m.values();
                double top = v[y0 * m.width() + x0] * (1 - wx) + v[y0 * m.width() + x1] * wx;
                double bot = v[y1 * m.width() + x0] * (1 - wx) + v[y1 * m.width() + x1] * wx;
                out[y * size + x] = (float) (top * (1 - wy) + bot * wy);
            }
        }
        return out;
    }

    /** AUROC over pixels (Mann-Whitney with ties counted half), by sorting. */
    static double pixelAuroc(float[] scores, boolean[] labels) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(scores[a], scores[b]));
        long pos = 0;
        for (boolean l : labels) {
            if (l) {
                pos++;
            }
        }
        long neg = labels.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        double rankSum = 0;
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[idx[k]]) {
                    rankSum += avgRank;
                }
            }
            i = j + 1;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
