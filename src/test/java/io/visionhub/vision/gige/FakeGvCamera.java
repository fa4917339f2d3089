package io.visionhub.vision.gige;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Aravis' fake GigE Vision camera ({@code arv-fake-gv-camera-0.8}, Debian aravis-tools) as a separate process on
 * 127.0.0.1: GVCP on the standard port 3956 and GVSP to the hub, the same protocol path as a real camera. GigE Vision
 * fixes the control port, and the fake camera binds only to an interface's own address, so one at a time: a test
 * skips (with the reason) when the port is taken.
 */
public final class FakeGvCamera implements AutoCloseable {

    static final String BINARY = "/usr/bin/arv-fake-gv-camera-0.8";
    public static final String ADDRESS = "127.0.0.1";
    /** 127.0.0.1:3956 as /proc/net/udp writes it. */
    private static final String GVCP_SOCKET = "0100007F:0F74";

    private final Path log;
    private Process process;
    private int lostPerThousand;

    private FakeGvCamera(Path log) {
        this.log = log;
    }

    /** Starts the fake camera, or skips the calling test naming what is missing. */
    public static FakeGvCamera start(Path dir) throws IOException {
        Assumptions.assumeTrue(Aravis.available(), Aravis::unavailableReason);
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of(BINARY)),
                BINARY + " is not installed (Debian package aravis-tools; .ci/run installs it)");
        Assumptions.assumeFalse(
                gvcpBound(), ADDRESS + ":3956 (GVCP) is in use by another GigE Vision device or fake camera");
        FakeGvCamera cam = new FakeGvCamera(dir.resolve("arv-fake-gv-camera.log"));
        cam.restart();
        return cam;
    }

    /**
     * Kills the camera and starts it again dropping this many of every thousand GVSP packets on first send
     * ({@code --gvsp-lost-ratio}): the lossy link whose resends the stream counters report.
     */
    void restartLosing(int packetsPerThousand) throws IOException, InterruptedException {
        kill();
        lostPerThousand = packetsPerThousand;
        restart();
    }

    /** Starts the process (again) and waits until its control port is bound. */
    void restart() throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(BINARY, "-i", ADDRESS, "-s", "HUBTEST01"));
        if (lostPerThousand > 0) {
            command.add("-r");
            command.add(String.valueOf(lostPerThousand));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        BINARY + " exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            return gvcpBound();
        });
    }

    /** Kills the camera as a power cut would (no goodbye on the control channel). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> !gvcpBound());
    }

    static boolean gvcpBound() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/udp"));
        return lines.stream()
                .anyMatch(l -> l.trim().split("\\s+").length > 1
                        && l.trim().split("\\s+")[1].equals(GVCP_SOCKET));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
