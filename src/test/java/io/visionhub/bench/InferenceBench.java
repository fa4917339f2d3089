package io.visionhub.bench;

import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.DefectAnnotator;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.YoloShapedDetector;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.OnnxModel;
import io.visionhub.vision.model.SessionTuning;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * Per-frame latency of the inspection step against the bare {@code session.run} of the same model on the same
 * input, measured interleaved in one run.
 * <ul>
 *   <li>taught anomaly model, 640x480 frames: target p99 under 20 ms</li>
 *   <li>640x640 detector (a real YOLO from ../shared/fixtures/yolo when present, else a YOLO-shaped graph of the
 *       same cost and layout), 640x480 and 1920x1080 frames: target overhead under 15% of session.run</li>
 * </ul>
 * "Step" = decode (JPEG frames) + letterbox/normalise + session.run + decode/NMS + annotate when NG; it leaves out
 * storing images (a separate, asynchronous concern). Usage: bench/run InferenceBench [iterations]
 */
public final class InferenceBench {

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path tmp = Files.createTempDirectory("inference-bench");
        System.out.printf(
                "InferenceBench on %d cores, Java %s, %d iterations per case%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), iterations);

        // taught anomaly model
        SimulatedPartGenerator gen = new SimulatedPartGenerator(42, 0.3);
        Path anomalyDir = tmp.resolve("anomaly");
        new AnomalyTeacher()
                .teach(
                        LongStream.range(0, 20)
                                .mapToObj(i -> gen.good(i).image())
                                .toList(),
                        AnomalyTeacher.Spec.of("bench-anomaly", "1"),
                        anomalyDir);
        for (int threads : new int[] {1, 2}) {
            SessionTuning t = new SessionTuning(threads, 1, false, "all", 0, false, 0);
            try (InspectionModel m = new ModelLoader(t).load(anomalyDir)) {
                run(
                        "anomaly 640x480, pixels in, intra-op " + threads,
                        (OnnxModel) m,
                        gen,
                        640,
                        480,
                        false,
                        iterations * 3,
                        Math.max(200, iterations));
                run(
                        "anomaly 640x480, JPEG in, intra-op " + threads,
                        (OnnxModel) m,
                        gen,
                        640,
                        480,
                        true,
                        iterations * 3,
                        Math.max(200, iterations));
            }
        }

        // detector
        Path fixture = Path.of("../shared/fixtures/yolo");
        Path detDir;
        if (Files.isRegularFile(fixture.resolve("model.yaml"))) {
            detDir = fixture;
            System.out.println("detector: real model from " + fixture.toAbsolutePath());
        } else {
            detDir = YoloShapedDetector.write(Files.createDirectories(tmp.resolve("detector")));
            System.out.println("detector: no ../shared/fixtures/yolo/model.yaml; using the YOLO-shaped benchmark graph "
                    + "(~5 GFLOPs, output 1x84x8400)");
        }
        int detIters = Math.max(30, iterations / 5);
        for (String cfg : new String[] {"1:0", "2:0", "2:1"}) {
            int threads = Integer.parseInt(cfg.split(":")[0]);
            boolean spin = cfg.endsWith(":1");
            SessionTuning t = new SessionTuning(threads, 1, spin, "all", 0, false, 0);
            try (InspectionModel m = new ModelLoader(t).load(detDir)) {
                String tag = ", intra-op " + threads + (spin ? ", spinning" : "");
                run("detector 640x640, 640x480 pixels in" + tag, (OnnxModel) m, gen, 640, 480, false, detIters, 10);
                if (threads == 2 && !spin) {
                    run(
                            "detector 640x640, 1920x1080 pixels in" + tag,
                            (OnnxModel) m,
                            gen,
                            1920,
                            1080,
                            false,
                            detIters,
                            10);
                    run(
                            "detector 640x640, 1920x1080 JPEG in" + tag,
                            (OnnxModel) m,
                            gen,
                            1920,
                            1080,
                            true,
                            detIters,
                            10);
                }
            }
        }
    }

    private static void run(
            String name,
            OnnxModel model,
            SimulatedPartGenerator gen,
            int w,
            int h,
            boolean jpeg,
            int iterations,
            int warmup) {
        int frames = 16;
        BufferedImage[] images = new BufferedImage[frames];
        byte[][] encoded = new byte[frames][];
        for (int i = 0; i < frames; i++) {
            SimulatedPart p = gen.generate(1000 + i);
            images[i] = scale(p.image(), w, h);
            encoded[i] = jpeg ? FrameInspector.encode(images[i], "jpg") : null;
        }
        ModelHandle handle = new ModelHandle("bench", model);
        FrameInspector inspector = new FrameInspector("bench", "line", handle, null, false, "png", null);
        double[] step = new double[iterations];
        double[] bare = new double[iterations];
        double[] outside = new double[iterations];
        double[] pre = new double[iterations];
        double[] post = new double[iterations];
        double[] dec = new double[iterations];
        int ng = 0;
        try (OnnxModel.BareRun bareRun = model.bareRun(images[0])) {
            for (int i = -warmup; i < iterations; i++) {
                int k = Math.floorMod(i, frames);
                Frame f = new Frame("cam", i, Instant.now(), jpeg ? null : images[k], encoded[k], null);
                long t0 = System.nanoTime();
                InspectionEvent ev = inspector.inspect(f);
                if (ev.result() == InspectionEvent.Verdict.NG && !ev.defects().isEmpty()) {
                    DefectAnnotator.annotate(jpeg ? images[k] : f.image(), ev.defects());
                }
                long t1 = System.nanoTime();
                bareRun.run();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    step[i] = (t1 - t0) / 1e6;
                    bare[i] = (t2 - t1) / 1e6;
                    // per frame: everything in the step that is not the step's own session.run
                    outside[i] = (step[i] - ev.latency().inferenceMs())
                            / ev.latency().inferenceMs();
                    pre[i] = ev.latency().preprocessMs();
                    post[i] = ev.latency().postprocessMs();
                    dec[i] = ev.latency().decodeMs();
                    if (ev.result() == InspectionEvent.Verdict.NG) {
                        ng++;
                    }
                }
            }
        }
        double sp50 = pct(step, 50);
        double sp99 = pct(step, 99);
        double bp50 = pct(bare, 50);
        double bp99 = pct(bare, 99);
        double meanStep = Arrays.stream(step).average().orElse(0);
        double meanBare = Arrays.stream(bare).average().orElse(0);
        System.out.printf(
                "%-58s step p50 %7.2f p99 %7.2f ms | bare session.run p50 %7.2f p99 %7.2f ms | "
                        + "step/run p50 %.3f mean %.3f | overhead per frame (median) %5.1f%% [decode %.2f, pre %.2f, "
                        + "post %.2f ms p50] | %.0f frames/s | NG %d/%d%n",
                name,
                sp50,
                sp99,
                bp50,
                bp99,
                sp50 / bp50,
                meanStep / meanBare,
                100 * pct(outside, 50),
                pct(dec, 50),
                pct(pre, 50),
                pct(post, 50),
                1000 / meanStep,
                ng,
                iterations);
    }

    private static BufferedImage scale(BufferedImage src, int w, int h) {
        if (src.getWidth() == w && src.getHeight() == h) {
            return src;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
