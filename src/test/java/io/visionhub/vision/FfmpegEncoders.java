package io.visionhub.vision;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Real FFmpeg encoders that push a test-pattern stream to a hub source listening for RTSP (RECORD), as an encoder
 * or camera that pushes does; for tests and benches with many cameras. Close stops them all.
 */
public final class FfmpegEncoders implements AutoCloseable {

    private final Path logs;
    private final List<Process> processes = new ArrayList<>();

    /** @param logs folder for each encoder's log */
    public FfmpegEncoders(Path logs) {
        this.logs = logs;
    }

    public static boolean ffmpegPresent() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A free port for a hub source to listen on, below the ephemeral range: a port the kernel hands out as free
     * (port 0) is an ephemeral one, and with many cameras an encoder's own outgoing connection could take it (and
     * keep it for the whole stream) before the hub listens there.
     */
    public static int freePort() throws IOException {
        int low = ephemeralLow();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 200 && low > 11_000; i++) {
            int port = r.nextInt(10_000, low);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int ephemeralLow() {
        try {
            // readAllLines: Files.readString trusts the size procfs reports and returned a cut value
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0)
                    .trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /**
     * Starts an encoder pushing {@code testsrc} of this size and rate, encoded with {@code codec} ({@code mpeg4}, or
     * {@code libx264} as most IP cameras send H.264), to the URL; it exits when nobody listens there yet, so callers
     * start it again until the hub has frames.
     */
    public Process push(String url, String size, int fps, String codec) throws IOException {
        List<String> cmd = testPattern(size, fps);
        cmd.addAll(List.of("-c:v", codec));
        if ("libx264".equals(codec)) {
            // a camera's stream: constant frame rate, a key frame every second, no B-frames
            cmd.addAll(List.of(
                    "-preset", "veryfast", "-tune", "zerolatency", "-g", String.valueOf(fps), "-pix_fmt", "yuv420p"));
        } else {
            cmd.addAll(List.of("-q:v", "5"));
        }
        cmd.addAll(List.of("-f", "rtsp", "-rtsp_transport", "tcp", url));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(
                        logs.resolve("ffmpeg-" + processes.size() + ".log").toFile())
                .start();
        processes.add(p);
        return p;
    }

    /**
     * The start of an FFmpeg command line that plays the {@code testsrc} pattern of this size and rate in real time
     * ({@code -re}), logging errors only; the caller adds the encoder's options and the output.
     */
    public static List<String> testPattern(String size, int fps) {
        return new ArrayList<>(List.of(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=" + size + ":rate=" + fps));
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
