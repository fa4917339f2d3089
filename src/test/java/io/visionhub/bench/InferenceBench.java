package io.visionhub.bench;

import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.DefectAnnotator;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.ImageDecoder;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * storing images (a separate, asynchronous concern). Usage: bench/run InferenceBench [iterations] [--yolov8n-only]
 * (the real YOLOv8n cases run first, with iterations/5 per case, when .fixtures/yolov8n.onnx is present).
 */
public final class InferenceBench {

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        boolean onlyYolo = Arrays.asList(args).contains("--yolov8n-only");
        Path tmp = Files.createTempDirectory("inference-bench");
        System.out.printf(
                "InferenceBench on %d cores, Java %s, %d iterations per case, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                iterations,
                Instant.now());
        yolov8n(tmp, Math.max(20, iterations / 5));
        if (onlyYolo) {
            return;
        }

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

    /** How a case's frames reach the step. */
    enum Input {
        /** decoded pixels (RTSP/FFmpeg sources, simulated camera) */
        PIXELS,
        /**
         * JPEG bytes, decoded by the hub's decoder (libjpeg-turbo, reduced from the DCT where the model resizes the
         * frame down: 3/8 for 1080p into 640)
         */
        JPEG,
        /** JPEG bytes decoded at full size by FFmpeg's MJPEG decoder, the hub's decoder before libjpeg-turbo */
        JPEG_FFMPEG,
        /** JPEG bytes decoded with ImageIO, the decoder before the native one: for the side-by-side figure */
        JPEG_IMAGEIO
    }

    /**
     * The real YOLOv8n (.fixtures/yolov8n.onnx, fetched by .ci/fetch-fixtures) on real photos (Debian darknet's
     * samples) scaled to 640x480 and 1920x1080: pixels in, JPEG in with the native decoder, JPEG in with ImageIO,
     * step against bare session.run, 1 and 2 intra-op threads; first the decoders alone, side by side.
     */
    static void yolov8n(Path tmp, int iterations) throws Exception {
        Path onnx = Path.of(".fixtures", "yolov8n.onnx");
        Path photos = Path.of("/usr/share/darknet/data");
        if (!Files.isRegularFile(onnx) || !Files.isDirectory(photos)) {
            System.out.println("yolov8n: skipped (" + onnx + " or " + photos
                    + " absent: run .ci/fetch-fixtures, apt-get install darknet)");
            return;
        }
        List<BufferedImage> sources = darknetPhotos(photos);
        decoders(sources, iterations * 4);
        Path dir = Files.createDirectories(tmp.resolve("yolov8n"));
        writeYolov8nCard(dir, onnx);
        System.out.println("yolov8n: real model " + onnx.toAbsolutePath() + ", " + sources.size() + " darknet photos, "
                + iterations + " iterations per case (step and bare run alternate)");
        for (String cfg : new String[] {"1:0", "2:0", "2:1"}) {
            int threads = Integer.parseInt(cfg.split(":")[0]);
            boolean spin = cfg.endsWith(":1");
            SessionTuning t = new SessionTuning(threads, 1, spin, "all", 0, false, 0);
            try (InspectionModel m = new ModelLoader(t).load(dir)) {
                String tag = ", intra-op " + threads + (spin ? ", spinning" : "");
                for (int[] size : new int[][] {{640, 480}, {1920, 1080}}) {
                    BufferedImage[] images = sources.stream()
                            .map(i -> scale(i, size[0], size[1]))
                            .toArray(BufferedImage[]::new);
                    String res = size[0] + "x" + size[1];
                    for (Input in : Input.values()) {
                        if ((in == Input.JPEG_IMAGEIO || in == Input.JPEG_FFMPEG) && size[0] != 1920) {
                            continue;
                        }
                        if (spin && in != Input.JPEG) {
                            continue;
                        }
                        String what = switch (in) {
                            case PIXELS -> " pixels in";
                            case JPEG -> " JPEG in (hub: turbo planes 3/8)";
                            case JPEG_FFMPEG -> " JPEG in (FFmpeg full size)";
                            case JPEG_IMAGEIO -> " JPEG in (ImageIO decoder)";
                        };
                        runFrames("yolov8n " + res + what + tag, (OnnxModel) m, images, in, iterations, 5);
                    }
                }
            }
        }
    }

    /**
     * 1080p JPEG decode alone, the decoders alternating on the same frames, wall and CPU time of the decoding thread:
     * libjpeg-turbo to YCbCr planes at the scale the hub uses for a 640 letterbox (3/8), the same scale to BGR (the
     * hub's decoder before), at 1/8 (only the DC coefficients: the floor that entropy decoding sets), at full size,
     * FFmpeg at full size and ImageIO; then decode + letterbox/normalise into the 640x640 input, planes in one pass
     * against BGR then resize; then the planes decode at camera-typical JPEG qualities.
     */
    static void decoders(List<BufferedImage> sources, int iterations) {
        byte[][] jpegs = sources.stream()
                .map(i -> FrameInspector.encode(scale(i, 1920, 1080), "jpg"))
                .toArray(byte[][]::new);
        int m = io.visionhub.vision.JpegDecoders.eighths(1920, 1080, 640, 360);
        boolean turbo = io.visionhub.vision.JpegDecoders.turboAvailable();
        if (!turbo) {
            System.out.println("decode: libjpeg-turbo absent (apt-get install libturbojpeg0): its rows are skipped");
        }
        String[] names = {
            "turbo " + m + "/8 planes (hub, for 640):",
            "turbo " + m + "/8 BGR (before):",
            "turbo 1/8 BGR (DC only, floor):",
            "turbo full size BGR:",
            "FFmpeg full size:",
            "ImageIO:"
        };
        List<java.util.function.Function<byte[], Object>> decoders = List.of(
                j -> io.visionhub.vision.JpegDecoders.turboPlanes(j, m),
                j -> io.visionhub.vision.JpegDecoders.turbo(j, m),
                j -> io.visionhub.vision.JpegDecoders.turbo(j, 1),
                j -> io.visionhub.vision.JpegDecoders.turbo(j, 8),
                io.visionhub.vision.JpegDecoders::ffmpeg,
                j -> ImageDecoder.decodeWithImageIO(j, "bench", Long.MAX_VALUE));
        alternate("decode 1920x1080 JPEG", jpegs, names, decoders, turbo ? 0 : 4, iterations);
        if (!turbo) {
            return;
        }
        // decode + pre-processing into the reused input buffer, as the step does it
        io.visionhub.vision.model.ImagePreprocessor pre = new io.visionhub.vision.model.ImagePreprocessor(
                new io.visionhub.vision.model.ModelCard.Input(null, 640, 640, 3, "RGB", true, 114, null, null, null),
                true);
        java.nio.FloatBuffer in = java.nio.ByteBuffer.allocateDirect(pre.size() * 4)
                .order(java.nio.ByteOrder.nativeOrder())
                .asFloatBuffer();
        alternate(
                "decode + letterbox 640, 1080p JPEG",
                jpegs,
                new String[] {"planes, one pass (hub):", "BGR then resize (before):", "pre alone, planes:"},
                List.of(
                        j -> pre.apply(io.visionhub.vision.JpegDecoders.turboPlanes(j, m), in, 1920, 1080),
                        j -> pre.apply(io.visionhub.vision.JpegDecoders.turbo(j, m), in, 1920, 1080),
                        planesOf(m, pre, in)),
                0,
                iterations);
        // camera-typical qualities: the decode cost follows the compressed size (entropy decoding)
        for (boolean smooth : new boolean[] {false, true}) {
            for (float q : new float[] {0.75f, 0.85f, 0.95f}) {
                byte[][] js = sources.stream()
                        .map(i -> jpeg(smooth ? scaleSmooth(i, 1920, 1080) : scale(i, 1920, 1080), q))
                        .toArray(byte[][]::new);
                alternate(
                        String.format(
                                "decode 1080p JPEG q%.0f %s", q * 100, smooth ? "bilinear-scaled" : "nearest-scaled"),
                        js,
                        new String[] {"turbo " + m + "/8 planes (hub):", "turbo 1/8 (floor):"},
                        List.of(
                                j -> io.visionhub.vision.JpegDecoders.turboPlanes(j, m),
                                j -> io.visionhub.vision.JpegDecoders.turbo(j, 1)),
                        0,
                        iterations);
            }
        }
    }

    /** Pre-processing alone from planes decoded beforehand (decoded outside the timing: cached per frame). */
    private static java.util.function.Function<byte[], Object> planesOf(
            int m, io.visionhub.vision.model.ImagePreprocessor pre, java.nio.FloatBuffer in) {
        java.util.Map<byte[], io.visionhub.vision.pixel.YCbCrPlanes> cache = new java.util.IdentityHashMap<>();
        return j -> {
            io.visionhub.vision.pixel.YCbCrPlanes p = cache.get(j);
            if (p == null) {
                p = io.visionhub.vision.JpegDecoders.turboPlanes(j, m);
                cache.put(j, p);
                return p; // the first call per frame only decodes: it falls in the warm-up
            }
            return pre.apply(p, in, 1920, 1080);
        };
    }

    /** Runs the functions alternating on the same frames and prints wall and CPU p50/p99 per function. */
    static void alternate(
            String what,
            byte[][] jpegs,
            String[] names,
            List<java.util.function.Function<byte[], Object>> fns,
            int first,
            int iterations) {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        int n = names.length;
        double[][] wall = new double[n][iterations];
        double[][] cpuMs = new double[n][iterations];
        MachineLoad load = MachineLoad.start();
        for (int i = -Math.max(20, jpegs.length); i < iterations; i++) {
            byte[] j = jpegs[Math.floorMod(i, jpegs.length)];
            for (int d = first; d < n; d++) {
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                Object r = fns.get(d).apply(j);
                long t1 = System.nanoTime();
                long c1 = cpu.getCurrentThreadCpuTime();
                if (r == null) {
                    throw new IllegalStateException(what + " " + names[d] + " gave nothing");
                }
                if (i >= 0) {
                    wall[d][i] = (t1 - t0) / 1e6;
                    cpuMs[d][i] = (c1 - c0) / 1e6;
                }
            }
        }
        String machine = load.summary();
        for (int d = first; d < n; d++) {
            System.out.printf(
                    "%s (%d bytes avg), %-34s wall p50 %6.2f p99 %6.2f ms | CPU p50 %6.2f ms | %s%n",
                    what,
                    Arrays.stream(jpegs).mapToInt(b -> b.length).sum() / jpegs.length,
                    names[d],
                    pct(wall[d], 50),
                    pct(wall[d], 99),
                    pct(cpuMs[d], 50),
                    machine);
        }
    }

    /**
     * Debian darknet's sample photos of real scenes (dog, horses, person, eagle, giraffe, kite) that are in
     * {@code photos}, decoded: the scenes the benches scale to camera sizes.
     */
    static List<BufferedImage> darknetPhotos(Path photos) throws IOException {
        List<BufferedImage> sources = new ArrayList<>();
        for (String n : new String[] {"dog.jpg", "horses.jpg", "person.jpg", "eagle.jpg", "giraffe.jpg", "kite.jpg"}) {
            Path p = photos.resolve(n);
            if (Files.isRegularFile(p)) {
                sources.add(ImageDecoder.decodeWithImageIO(Files.readAllBytes(p), n, Long.MAX_VALUE));
            }
        }
        return sources;
    }

    static byte[] jpeg(BufferedImage img, float quality) {
        javax.imageio.ImageWriter w =
                javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = javax.imageio.ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            w.write(null, new javax.imageio.IIOImage(img, null, null), p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** Bilinear upscaling: smoother frames, closer to what a 1080p sensor's optics give than nearest-neighbour. */
    static BufferedImage scaleSmooth(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(
                java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    static void writeYolov8nCard(Path dir, Path onnx) {
        new io.visionhub.vision.model.ModelCard(
                        "yolov8n",
                        "8.0",
                        io.visionhub.vision.model.ModelCard.DETECT,
                        onnx.toAbsolutePath().toString(),
                        "Ultralytics YOLOv8n (COCO), benchmark fixture",
                        new io.visionhub.vision.model.ModelCard.Input(
                                "images", 640, 640, 3, "RGB", true, 114, null, null, null),
                        new io.visionhub.vision.model.ModelCard.Output("yolov8", "output0", null, null, null),
                        null,
                        java.util.Map.of("default", 0.25),
                        null,
                        null,
                        null,
                        0.45,
                        null,
                        null)
                .write(dir.resolve("model.yaml"));
    }

    /** One case on prepared frames: the step (decode when JPEG, pre, run, post) and the bare run alternate. */
    private static void runFrames(
            String name, OnnxModel model, BufferedImage[] images, Input input, int iterations, int warmup) {
        int frames = images.length;
        byte[][] encoded = new byte[frames][];
        for (int i = 0; i < frames; i++) {
            encoded[i] = input == Input.PIXELS ? null : FrameInspector.encode(images[i], "jpg");
        }
        ModelHandle handle = new ModelHandle("bench", model);
        FrameInspector inspector = new FrameInspector("bench", "line", handle, null, false, "png", null);
        double[] step = new double[iterations];
        double[] bare = new double[iterations];
        double[] dec = new double[iterations];
        double[] pre = new double[iterations];
        double[] post = new double[iterations];
        int found = 0;
        MachineLoad load = MachineLoad.start();
        try (OnnxModel.BareRun bareRun = model.bareRun(images[0])) {
            for (int i = -warmup; i < iterations; i++) {
                int k = Math.floorMod(i, frames);
                long t0 = System.nanoTime();
                Frame f;
                if (input == Input.JPEG_IMAGEIO || input == Input.JPEG_FFMPEG) {
                    BufferedImage img = input == Input.JPEG_IMAGEIO
                            ? ImageDecoder.decodeWithImageIO(encoded[k], "bench", Long.MAX_VALUE)
                            : io.visionhub.vision.JpegDecoders.ffmpeg(encoded[k]);
                    f = new Frame("cam", i, Instant.now(), img, encoded[k], null);
                } else {
                    f = new Frame("cam", i, Instant.now(), input == Input.PIXELS ? images[k] : null, encoded[k], null);
                }
                long tDecoded = System.nanoTime();
                InspectionEvent ev = inspector.inspect(f);
                long t1 = System.nanoTime();
                bareRun.run();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    step[i] = (t1 - t0) / 1e6;
                    bare[i] = (t2 - t1) / 1e6;
                    dec[i] = input == Input.JPEG_IMAGEIO || input == Input.JPEG_FFMPEG
                            ? (tDecoded - t0) / 1e6
                            : ev.latency().decodeMs();
                    pre[i] = ev.latency().preprocessMs();
                    post[i] = ev.latency().postprocessMs();
                    found += ev.defects().size();
                }
            }
        }
        double meanStep = Arrays.stream(step).average().orElse(0);
        double meanBare = Arrays.stream(bare).average().orElse(0);
        System.out.printf(
                "%-66s step p50 %7.2f p99 %7.2f | bare run p50 %7.2f p99 %7.2f ms | step/run p50 %.3f mean %.3f | "
                        + "decode %.2f pre %.2f post %.2f ms p50 | %.1f detections/frame | %s%n",
                name,
                pct(step, 50),
                pct(step, 99),
                pct(bare, 50),
                pct(bare, 99),
                pct(step, 50) / pct(bare, 50),
                meanStep / meanBare,
                pct(dec, 50),
                pct(pre, 50),
                pct(post, 50),
                (double) found / iterations,
                load.summary());
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

    static BufferedImage scale(BufferedImage src, int w, int h) {
        if (src.getWidth() == w && src.getHeight() == h) {
            return src;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
