package io.visionhub.vision.component;

import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.source.LatestFrameHandoff;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A free-running station's threads as {@link VisionConsumer} runs them, without Camel or a network source, for
 * benchmarks: a camera thread hands encoded frames over at a fixed rate (newest frame wins), an inspecting thread
 * inspects them, and with decode-ahead a third thread decodes the next frame meanwhile ({@link DecodedFrameSlot}).
 */
public final class StationStream {

    /**
     * Per inspected frame: {@code periodMs} between consecutive completions (the station's throughput), {@code
     * latencyMs} from the frame's capture to its event; frames {@code dropped} by the handoff; {@code runMs} the
     * session.run times inside the steps; {@code cpuMs} the inspecting thread's CPU time per frame (with one intra-op
     * thread ONNX Runtime runs on the calling thread, so this is the critical path's work, whatever the box's load).
     */
    public record Result(double[] periodMs, double[] latencyMs, double[] runMs, double[] cpuMs, long dropped) {}

    private StationStream() {}

    /**
     * Runs until {@code frames} frames are inspected (after {@code warmup} more), the camera handing over {@code
     * jpegs} in turn at {@code fps}.
     */
    public static Result run(
            FrameInspector inspector, byte[][] jpegs, double fps, boolean ahead, int warmup, int frames)
            throws InterruptedException {
        LatestFrameHandoff handoff = new LatestFrameHandoff();
        DecodedFrameSlot slot = new DecodedFrameSlot();
        AtomicBoolean running = new AtomicBoolean(true);
        int total = warmup + frames;
        long[] captured = new long[1 << 20];
        Thread camera = new Thread(
                () -> {
                    long period = (long) (1e9 / fps);
                    long next = System.nanoTime();
                    int seq = 0;
                    while (running.get() && seq < captured.length) {
                        captured[seq] = System.nanoTime();
                        handoff.offer(new Frame("bench", seq, Instant.now(), null, jpegs[seq % jpegs.length], null));
                        seq++;
                        next += period;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                },
                "bench-camera");
        Thread decoder = new Thread(
                () -> {
                    try {
                        while (running.get()) {
                            if (!slot.awaitEmpty(100, TimeUnit.MILLISECONDS)
                                    || !handoff.awaitFilled(100, TimeUnit.MILLISECONDS)) {
                                continue;
                            }
                            Frame f = handoff.poll();
                            if (f != null) {
                                slot.put(inspector.prepare(f));
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "bench-decode-ahead");
        double[] period = new double[frames];
        double[] latency = new double[frames];
        double[] run = new double[frames];
        double[] cpu = new double[frames];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        camera.start();
        if (ahead) {
            decoder.start();
        }
        long last = 0;
        try {
            for (int i = 0; i < total; ) {
                Frame f;
                FrameInspector.Prepared p = null;
                if (ahead) {
                    if (!slot.awaitFilled(1, TimeUnit.SECONDS)) {
                        continue;
                    }
                    p = slot.poll();
                    f = p.frame();
                } else {
                    if (!handoff.awaitFilled(1, TimeUnit.SECONDS)) {
                        continue;
                    }
                    f = handoff.poll();
                    if (f == null) {
                        continue;
                    }
                }
                long c0 = mx.getCurrentThreadCpuTime();
                InspectionEvent ev = inspector.inspect(f, p);
                long c1 = mx.getCurrentThreadCpuTime();
                long done = System.nanoTime();
                int k = i - warmup;
                if (k >= 0) {
                    period[k] = (done - last) / 1e6;
                    latency[k] = (done - captured[(int) f.sequence()]) / 1e6;
                    run[k] = ev.latency().inferenceMs();
                    cpu[k] = (c1 - c0) / 1e6;
                }
                last = done;
                i++;
            }
        } finally {
            running.set(false);
            camera.join();
            if (ahead) {
                decoder.join();
            }
        }
        return new Result(period, latency, run, cpu, handoff.dropped());
    }

    public static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
