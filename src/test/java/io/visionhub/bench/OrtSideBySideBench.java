package io.visionhub.bench;

import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.OnnxModel;
import io.visionhub.vision.model.SessionTuning;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime Java (the hub's bare {@code session.run}) against onnxruntime-node on the same real YOLOv8n, the same
 * input tensor, the same intra-op threads (1, 2) and spinning (off, on), in one run: for each round and each setting
 * the Java session runs N times, then the Node session (a long-lived child process) runs N times. Two phases: the
 * machine as found, then with a second process burning one core (a busy 2-core box), where the fastest Java setting
 * is the one the hub should default to.
 *
 * <p>Needs .fixtures/yolov8n.onnx (.ci/fetch-fixtures), Debian darknet's dog.jpg and
 * {@code (cd bench/ort-node && npm install --no-audit --no-fund --ignore-scripts)}. Usage:
 * {@code bench/run OrtSideBySideBench [rounds] [runsPerRound]} (default 3 x 20).
 */
public final class OrtSideBySideBench {

    record Setting(int threads, boolean spin) {
        String label() {
            return "intra-op " + threads + ", spinning " + (spin ? "on" : "off");
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path onnx = Path.of(".fixtures", "yolov8n.onnx").toAbsolutePath();
        Path photo = Path.of("/usr/share/darknet/data/dog.jpg");
        Path nodeDir = Path.of("bench", "ort-node").toAbsolutePath();
        if (!Files.isRegularFile(onnx)
                || !Files.isRegularFile(photo)
                || !Files.isDirectory(nodeDir.resolve("node_modules/onnxruntime-node"))) {
            System.out.println("OrtSideBySideBench: needs " + onnx + ", " + photo + " and "
                    + nodeDir.resolve("node_modules/onnxruntime-node")
                    + " (.ci/fetch-fixtures; apt-get install darknet; cd bench/ort-node && npm install "
                    + "--no-audit --no-fund --ignore-scripts)");
            return;
        }
        Path tmp = Files.createTempDirectory("ort-side-by-side");
        writeCard(tmp, onnx);
        List<Setting> settings =
                List.of(new Setting(1, false), new Setting(1, true), new Setting(2, false), new Setting(2, true));
        System.out.printf(
                "OrtSideBySideBench on %d cores, Java %s, node %s, %s: YOLOv8n 640x640, %d rounds x %d runs per "
                        + "setting and side, alternating%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                nodeVersion(),
                Instant.now(),
                rounds,
                runs);

        Map<Setting, InspectionModel> java = new LinkedHashMap<>();
        Map<Setting, OnnxModel.BareRun> bare = new LinkedHashMap<>();
        Map<Setting, NodeSession> node = new LinkedHashMap<>();
        BufferedImage img = ImageDecoder.decode(Files.readAllBytes(photo), photo.toString());
        Path input = tmp.resolve("input.f32");
        try {
            for (Setting s : settings) {
                InspectionModel m =
                        new ModelLoader(new SessionTuning(s.threads(), 1, s.spin(), "all", 0, false, 0)).load(tmp);
                java.put(s, m);
                bare.put(s, ((OnnxModel) m).bareRun(img));
            }
            writeInput((OnnxModel) java.values().iterator().next(), img, input);
            for (Setting s : settings) {
                node.put(s, new NodeSession(nodeDir, onnx, input, s));
            }
            for (String phase : new String[] {"machine as found", "plus one core burnt by another process"}) {
                Process burner =
                        phase.startsWith("plus") ? new ProcessBuilder("sh", "-c", "while :; do :; done").start() : null;
                try {
                    Map<Setting, List<Double>> j = new LinkedHashMap<>();
                    Map<Setting, List<Double>> n = new LinkedHashMap<>();
                    for (Setting s : settings) {
                        // warm-up of both sides, untimed
                        for (int i = 0; i < 3; i++) {
                            bare.get(s).run();
                        }
                        node.get(s).run(3);
                        j.put(s, new ArrayList<>());
                        n.put(s, new ArrayList<>());
                    }
                    MachineLoad load = MachineLoad.start();
                    for (int r = 0; r < rounds; r++) {
                        for (Setting s : settings) {
                            OnnxModel.BareRun b = bare.get(s);
                            for (int i = 0; i < runs; i++) {
                                long t0 = System.nanoTime();
                                b.run();
                                j.get(s).add((System.nanoTime() - t0) / 1e6);
                            }
                            n.get(s).addAll(node.get(s).run(runs));
                        }
                    }
                    String machine = load.summary();
                    System.out.println();
                    System.out.println("## " + phase + " (" + machine + ")");
                    Setting best = null;
                    double bestMean = Double.MAX_VALUE;
                    for (Setting s : settings) {
                        double[] jt = j.get(s).stream()
                                .mapToDouble(Double::doubleValue)
                                .toArray();
                        double[] nt = n.get(s).stream()
                                .mapToDouble(Double::doubleValue)
                                .toArray();
                        double jm = Arrays.stream(jt).average().orElse(0);
                        if (jm < bestMean) {
                            bestMean = jm;
                            best = s;
                        }
                        System.out.printf(
                                "%-28s Java p50 %6.1f p99 %6.1f mean %6.1f ms | Node p50 %6.1f p99 %6.1f mean %6.1f ms"
                                        + " | Java/Node p50 %.3f mean %.3f%n",
                                s.label(),
                                pct(jt, 50),
                                pct(jt, 99),
                                jm,
                                pct(nt, 50),
                                pct(nt, 99),
                                Arrays.stream(nt).average().orElse(0),
                                pct(jt, 50) / pct(nt, 50),
                                jm / Arrays.stream(nt).average().orElse(1));
                    }
                    System.out.printf("fastest Java setting (%s): %s, mean %.1f ms%n", phase, best.label(), bestMean);
                } finally {
                    if (burner != null) {
                        burner.destroy();
                    }
                }
            }
        } finally {
            for (NodeSession s : node.values()) {
                s.close();
            }
            for (OnnxModel.BareRun b : bare.values()) {
                b.close();
            }
            for (InspectionModel m : java.values()) {
                m.close();
            }
        }
    }

    /** The hub's own pre-processing of the photo, written as raw little-endian float32 for the Node side. */
    private static void writeInput(OnnxModel model, BufferedImage img, Path file) throws IOException {
        io.visionhub.vision.model.ImagePreprocessor pre =
                new io.visionhub.vision.model.ImagePreprocessor(model.card().input(), true);
        FloatBuffer fb = ByteBuffer.allocateDirect(pre.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        pre.apply(img, fb);
        ByteBuffer out = ByteBuffer.allocate(pre.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < pre.size(); i++) {
            out.putFloat(fb.get(i));
        }
        Files.write(file, out.array());
    }

    private static void writeCard(Path dir, Path onnx) {
        new ModelCard(
                        "yolov8n",
                        "8.0",
                        ModelCard.DETECT,
                        onnx.toString(),
                        "Ultralytics YOLOv8n (COCO), benchmark fixture",
                        new ModelCard.Input("images", 640, 640, 3, "RGB", true, 114, null, null, null),
                        new ModelCard.Output("yolov8", "output0", null, null, null),
                        null,
                        Map.of("default", 0.25),
                        null,
                        null,
                        null,
                        0.45,
                        null,
                        null)
                .write(dir.resolve(ModelCard.CARD_FILE));
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * s.length) - 1))];
    }

    /** A node process holding one onnxruntime-node session; {@link #run(int)} times n runs there. */
    static final class NodeSession implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;

        NodeSession(Path dir, Path onnx, Path input, Setting s) throws IOException {
            process = new ProcessBuilder(
                            "node",
                            "ort-bench.js",
                            onnx.toString(),
                            input.toString(),
                            String.valueOf(s.threads()),
                            s.spin() ? "1" : "0")
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String ready = out.readLine();
            if (ready == null || !ready.contains("ready")) {
                throw new IOException("onnxruntime-node did not start (" + ready + ")");
            }
        }

        List<Double> run(int n) throws IOException {
            in.write(n + "\n");
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IOException("onnxruntime-node process ended");
            }
            List<Double> times = new ArrayList<>();
            for (String t : line.replace("[", "").replace("]", "").split(",")) {
                times.add(Double.parseDouble(t.trim()));
            }
            return times;
        }

        @Override
        public void close() throws IOException {
            try {
                in.write("0\n");
                in.flush();
            } catch (IOException ignored) {
                // already gone
            }
            process.destroy();
        }
    }
}
