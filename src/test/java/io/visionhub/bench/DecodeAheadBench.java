package io.visionhub.bench;

import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.component.StationStream;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.OnnxModel;
import io.visionhub.vision.model.SessionTuning;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A station's stream of 1080p JPEG frames through the real YOLOv8n, without and with decode-ahead ({@code
 * decodeAhead=true}), against the bare {@code session.run}: a camera thread hands frames over at {@code fps} (faster
 * than the model, so the station is never idle), the station's threads as {@code VisionConsumer} runs them ({@link
 * StationStream}). Per mode: the period between completed frames (p50: the per-frame step of the stream, whose
 * reciprocal is the station's frames/s) over the bare run p50, and the latency from capture to event. Rounds
 * alternate bare, without and with, so that the box's load hits each alike. Usage: bench/run DecodeAheadBench
 * [frames per mode and round] [rounds] [fps] (needs .ci/fetch-fixtures, darknet, libturbojpeg0).
 */
public final class DecodeAheadBench {

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        double fps = args.length > 2 ? Double.parseDouble(args[2]) : 30;
        Path onnx = Path.of(".fixtures", "yolov8n.onnx");
        Path photos = Path.of("/usr/share/darknet/data");
        if (!Files.isRegularFile(onnx) || !Files.isDirectory(photos)) {
            System.out.println("skipped: " + onnx + " or " + photos + " absent");
            return;
        }
        List<BufferedImage> sources = InferenceBench.darknetPhotos(photos);
        byte[][] big = sources.stream()
                .map(i -> FrameInspector.encode(InferenceBench.scale(i, 1920, 1080), "jpg"))
                .toArray(byte[][]::new);
        byte[][] small = sources.stream()
                .map(i -> InferenceBench.jpeg(InferenceBench.scaleSmooth(i, 1920, 1080), 0.75f))
                .toArray(byte[][]::new);
        Path dir = Files.createTempDirectory("decode-ahead-bench");
        InferenceBench.writeYolov8nCard(dir, onnx);
        System.out.printf(
                "DecodeAheadBench: %d frames per mode and round, %d rounds, camera at %.0f fps, %d cores%n",
                frames, rounds, fps, Runtime.getRuntime().availableProcessors());
        for (int threads : new int[] {1, 2}) {
            SessionTuning t = new SessionTuning(threads, 1, false, "all", 3, false, 0);
            try (InspectionModel m = new ModelLoader(t).load(dir)) {
                FrameInspector inspector = new FrameInspector(
                        "bench", "line", new ModelHandle(dir.toString(), m), null, false, "jpg", null);
                for (byte[][] set : new byte[][][] {big, small}) {
                    int avg = (int) java.util.Arrays.stream(set)
                            .mapToInt(b -> b.length)
                            .average()
                            .orElse(0);
                    double[] bare = new double[rounds * frames];
                    double[] bareCpu = new double[rounds * frames];
                    double[][] cpu = new double[2][rounds * frames];
                    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                    double[][] period = new double[2][rounds * frames];
                    double[][] latency = new double[2][rounds * frames];
                    double[][] run = new double[2][rounds * frames];
                    long[] dropped = new long[2];
                    MachineLoad load = MachineLoad.start();
                    try (OnnxModel.BareRun b = ((OnnxModel) m).bareRun(ImageDecoder.decode(set[0], "bench"))) {
                        StationStream.run(inspector, set, fps, false, 5, 5); // warm-up of both paths
                        StationStream.run(inspector, set, fps, true, 5, 5);
                        for (int r = 0; r < rounds; r++) {
                            for (int i = 0; i < frames; i++) {
                                long c0 = mx.getCurrentThreadCpuTime();
                                long t0 = System.nanoTime();
                                b.run();
                                bare[r * frames + i] = (System.nanoTime() - t0) / 1e6;
                                bareCpu[r * frames + i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                            }
                            for (int mode = 0; mode < 2; mode++) {
                                StationStream.Result res = StationStream.run(inspector, set, fps, mode == 1, 3, frames);
                                System.arraycopy(res.periodMs(), 0, period[mode], r * frames, frames);
                                System.arraycopy(res.latencyMs(), 0, latency[mode], r * frames, frames);
                                System.arraycopy(res.runMs(), 0, run[mode], r * frames, frames);
                                System.arraycopy(res.cpuMs(), 0, cpu[mode], r * frames, frames);
                                dropped[mode] += res.dropped();
                            }
                        }
                    }
                    String machine = load.summary();
                    double bp = StationStream.pct(bare, 50);
                    for (int mode = 0; mode < 2; mode++) {
                        System.out.printf(
                                "1080p JPEG %d B, intra-op %d, %-16s per-frame step p50 %7.2f ms (%.1f frames/s mean)"
                                        + " | bare run p50 %7.2f | step/bare %.3f | run in step p50 %7.2f | latency"
                                        + " p50 %7.2f p99 %7.2f ms | dropped %d | inspecting-thread CPU/frame p50 %7.2f"
                                        + " over bare run CPU p50 %7.2f = %.3f%s | %s%n",
                                avg,
                                threads,
                                mode == 0 ? "sequential:" : "decode-ahead:",
                                StationStream.pct(period[mode], 50),
                                1000
                                        / java.util.Arrays.stream(period[mode])
                                                .average()
                                                .orElse(1),
                                bp,
                                StationStream.pct(period[mode], 50) / bp,
                                StationStream.pct(run[mode], 50),
                                StationStream.pct(latency[mode], 50),
                                StationStream.pct(latency[mode], 99),
                                dropped[mode],
                                StationStream.pct(cpu[mode], 50),
                                StationStream.pct(bareCpu, 50),
                                StationStream.pct(cpu[mode], 50) / StationStream.pct(bareCpu, 50),
                                threads == 1 ? " (intra-op 1: the step's critical path on a free core)" : "",
                                machine);
                    }
                }
            }
        }
    }
}
