package io.visionhub.bench;

import io.visionhub.event.Defect;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.Yolov8nCard;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.OnnxModel;
import io.visionhub.vision.model.SessionTuning;
import io.visionhub.vision.onnx.Yolov8Int8;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * INT8 against FP32 for the real YOLOv8n, one run: the fixture quantised to QDQ ({@link Yolov8Int8}, calibrated on
 * opencv-doc photos), written to {@code .fixtures/yolov8n-int8.onnx} and loaded through a model card like any model;
 * then accuracy on other photos (Debian darknet's, as shipped and scaled to 1920x1080: the FP32 detections are the
 * reference, the INT8 ones are scored against them as a detector against ground truth: AP at IoU 0.5 per class,
 * averaged, plus recall of the FP32 detections and the score and IoU differences of matched ones) and speed (bare
 * session.run of both alternating on the same input, and the whole step on a 1080p JPEG, 1 and 2 intra-op threads).
 *
 * <p>Usage: {@code bench/run Int8Bench [iterations]} (default 30 per case). Needs .ci/fetch-fixtures (YOLOv8n, darknet,
 * opencv-doc).
 */
public final class Int8Bench {

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path fp32 = Path.of(".fixtures", "yolov8n.onnx");
        Path darknet = Path.of("/usr/share/darknet/data");
        Path opencv = Path.of("/usr/share/doc/opencv-doc/examples/data");
        if (!Files.isRegularFile(fp32) || !Files.isDirectory(darknet) || !Files.isDirectory(opencv)) {
            System.out.println("Int8Bench: skipped (run .ci/fetch-fixtures: YOLOv8n, darknet and opencv-doc photos)");
            return;
        }
        List<Path> calibration;
        try (Stream<Path> s = Files.list(opencv)) {
            calibration = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        ModelCard.Input input = new ModelCard.Input("images", 640, 640, 3, "RGB", true, 114, null, null, null);
        long t0 = System.nanoTime();
        byte[] int8 = Yolov8Int8.quantise(fp32, calibration, input);
        Path int8File = Path.of(".fixtures", "yolov8n-int8.onnx");
        Files.write(int8File, int8);
        System.out.printf(
                "Int8Bench on %d cores, Java %s, %s%nquantised %s -> %s (%d -> %d bytes) in %.1f s, calibrated on %d"
                        + " opencv-doc photos%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                Instant.now(),
                fp32,
                int8File,
                Files.size(fp32),
                int8.length,
                (System.nanoTime() - t0) / 1e9,
                calibration.size());

        Path tmp = Files.createTempDirectory("int8-bench");
        Path fpCard = Yolov8nCard.write(Files.createDirectories(tmp.resolve("fp32")), fp32);
        Path i8Card = Yolov8nCard.write(Files.createDirectories(tmp.resolve("int8")), int8File);

        // accuracy: darknet photos (not used for calibration), as shipped and at 1080p
        List<byte[]> frames = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(darknet)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".jpg")).sorted().toList()) {
                byte[] jpeg = Files.readAllBytes(p);
                BufferedImage img = ImageDecoder.decode(jpeg, p.toString());
                frames.add(jpeg);
                names.add(p.getFileName() + " " + img.getWidth() + "x" + img.getHeight());
                frames.add(FrameInspector.encode(scale(img, 1920, 1080), "jpg"));
                names.add(p.getFileName() + " 1920x1080");
            }
        }
        SessionTuning tuning2 = new SessionTuning(2, 1, false, "all", 0, false, 0);
        try (InspectionModel f = new ModelLoader(tuning2).load(fpCard);
                InspectionModel q = new ModelLoader(tuning2).load(i8Card)) {
            accuracy(f, q, frames, names);
        }

        for (int threads : new int[] {1, 2}) {
            SessionTuning t = new SessionTuning(threads, 1, false, "all", 0, false, 0);
            try (InspectionModel f = new ModelLoader(t).load(fpCard);
                    InspectionModel q = new ModelLoader(t).load(i8Card)) {
                speed(threads, (OnnxModel) f, (OnnxModel) q, frames, iterations);
            }
        }
    }

    record Match(String frame, String cls, double fpScore, Double i8Score, double iou) {}

    static void accuracy(InspectionModel f, InspectionModel q, List<byte[]> frames, List<String> names) {
        // per class: INT8 detections (score, true positive?) and the count of FP32 detections
        java.util.Map<String, List<double[]>> preds = new java.util.TreeMap<>();
        java.util.Map<String, Integer> truths = new java.util.TreeMap<>();
        List<Match> matches = new ArrayList<>();
        int fpCount = 0;
        int i8Count = 0;
        for (int k = 0; k < frames.size(); k++) {
            FrameInspector fi = new FrameInspector("b", "l", new ModelHandle("f", f), null, false, "png", null);
            FrameInspector qi = new FrameInspector("b", "l", new ModelHandle("q", q), null, false, "png", null);
            Frame frame = new Frame("cam", k, Instant.now(), null, frames.get(k), null);
            List<Defect> ref = fi.inspect(frame).defects();
            List<Defect> got = new ArrayList<>(qi.inspect(frame).defects());
            fpCount += ref.size();
            i8Count += got.size();
            ref.forEach(d -> truths.merge(d.defectClass(), 1, Integer::sum));
            got.sort(Comparator.comparingDouble(Defect::confidence).reversed());
            Set<Defect> used = new HashSet<>();
            for (Defect g : got) {
                Defect best = null;
                double bestIou = 0.5;
                for (Defect r : ref) {
                    double v = iou(r.box(), g.box());
                    if (!used.contains(r) && r.defectClass().equals(g.defectClass()) && v >= bestIou) {
                        best = r;
                        bestIou = v;
                    }
                }
                if (best != null) {
                    used.add(best);
                    matches.add(new Match(names.get(k), g.defectClass(), best.confidence(), g.confidence(), bestIou));
                }
                preds.computeIfAbsent(g.defectClass(), c -> new ArrayList<>())
                        .add(new double[] {g.confidence(), best != null ? 1 : 0});
            }
            for (Defect r : ref) {
                if (!used.contains(r)) {
                    matches.add(new Match(names.get(k), r.defectClass(), r.confidence(), null, 0));
                }
            }
        }
        double apSum = 0;
        for (String c : truths.keySet()) {
            apSum += ap(preds.getOrDefault(c, List.of()), truths.get(c));
        }
        double map = apSum / Math.max(1, truths.size());
        List<Match> found = matches.stream().filter(m -> m.i8Score() != null).toList();
        double meanIou = found.stream().mapToDouble(Match::iou).average().orElse(0);
        double[] dScore = found.stream()
                .mapToDouble(m -> Math.abs(m.i8Score() - m.fpScore()))
                .sorted()
                .toArray();
        System.out.printf(
                "accuracy on %d frames (darknet photos as shipped and at 1080p, not in the calibration set): FP32 %d"
                        + " detections, INT8 %d; INT8 against FP32 as reference: mAP@0.5 %.3f over %d classes, recall"
                        + " %d/%d (%.1f%%), matched IoU mean %.3f, |score difference| median %.3f max %.3f%n",
                frames.size(),
                fpCount,
                i8Count,
                map,
                truths.size(),
                found.size(),
                fpCount,
                100.0 * found.size() / Math.max(1, fpCount),
                meanIou,
                dScore.length == 0 ? 0 : dScore[dScore.length / 2],
                dScore.length == 0 ? 0 : dScore[dScore.length - 1]);
        long confident = matches.stream().filter(m -> m.fpScore() >= 0.5).count();
        long confidentFound = found.stream().filter(m -> m.fpScore() >= 0.5).count();
        System.out.printf("FP32 detections scoring 0.5 or more found by INT8: %d/%d%n", confidentFound, confident);
        matches.stream()
                .filter(m -> m.i8Score() == null)
                .forEach(m -> System.out.printf(
                        "  missed by INT8: %s %s (FP32 score %.3f)%n", m.frame(), m.cls(), m.fpScore()));
    }

    /** Average precision, all-point interpolation (as COCO/VOC2010+), of scored predictions against n truths. */
    static double ap(List<double[]> predictions, int truths) {
        List<double[]> p = new ArrayList<>(predictions);
        p.sort((a, b) -> Double.compare(b[0], a[0]));
        int n = p.size();
        double[] prec = new double[n];
        double[] rec = new double[n];
        int tp = 0;
        for (int i = 0; i < n; i++) {
            tp += (int) p.get(i)[1];
            prec[i] = tp / (double) (i + 1);
            rec[i] = tp / (double) truths;
        }
        for (int i = n - 2; i >= 0; i--) {
            prec[i] = Math.max(prec[i], prec[i + 1]);
        }
        double ap = 0;
        double last = 0;
        for (int i = 0; i < n; i++) {
            ap += (rec[i] - last) * prec[i];
            last = rec[i];
        }
        return ap;
    }

    static void speed(int threads, OnnxModel f, OnnxModel q, List<byte[]> frames, int iterations) {
        BufferedImage img = ImageDecoder.decode(frames.get(1), "bench"); // a 1080p frame
        byte[] jpeg = frames.get(1);
        FrameInspector fi = new FrameInspector("b", "l", new ModelHandle("f", f), null, false, "png", null);
        FrameInspector qi = new FrameInspector("b", "l", new ModelHandle("q", q), null, false, "png", null);
        double[][] bare = new double[2][iterations];
        double[][] step = new double[2][iterations];
        MachineLoad load = MachineLoad.start();
        try (OnnxModel.BareRun bf = f.bareRun(img);
                OnnxModel.BareRun bq = q.bareRun(img)) {
            for (int i = -3; i < iterations; i++) {
                for (int m = 0; m < 2; m++) {
                    long t0 = System.nanoTime();
                    (m == 0 ? bf : bq).run();
                    long t1 = System.nanoTime();
                    (m == 0 ? fi : qi).inspect(new Frame("cam", i, Instant.now(), null, jpeg, null));
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        bare[m][i] = (t1 - t0) / 1e6;
                        step[m][i] = (t2 - t1) / 1e6;
                    }
                }
            }
        }
        String machine = load.summary();
        for (int m = 0; m < 2; m++) {
            System.out.printf(
                    "%-5s intra-op %d: bare session.run p50 %7.2f p99 %7.2f ms | step (1080p JPEG in) p50 %7.2f p99 %7.2f"
                            + " ms | %s%n",
                    m == 0 ? "FP32" : "INT8",
                    threads,
                    pct(bare[m], 50),
                    pct(bare[m], 99),
                    pct(step[m], 50),
                    pct(step[m], 99),
                    machine);
        }
        System.out.printf(
                "INT8 / FP32 intra-op %d: bare run p50 %.3f, step p50 %.3f (speed-up %.2fx bare)%n",
                threads,
                pct(bare[1], 50) / pct(bare[0], 50),
                pct(step[1], 50) / pct(step[0], 50),
                pct(bare[0], 50) / pct(bare[1], 50));
    }

    private static BufferedImage scale(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = out.createGraphics();
        g.setRenderingHint(
                java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static double iou(Defect.Box a, Defect.Box b) {
        double ix = Math.max(0, Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x()));
        double iy = Math.max(0, Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y()));
        double inter = ix * iy;
        return inter / ((double) a.width() * a.height() + (double) b.width() * b.height() - inter);
    }

    private static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
