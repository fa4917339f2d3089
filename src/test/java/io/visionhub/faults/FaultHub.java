package io.visionhub.faults;

import io.visionhub.api.HubHttpClient;
import io.visionhub.outputs.PortPicker;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real hub ({@code io.visionhub.VisionHubApplication}, the demo configuration of this checkout) in a JVM of
 * its own, in a working folder that holds what an installation holds: {@code routes/}, {@code kamelets/},
 * {@code mappings/}, and {@code data/} once it ran. The same folder survives a kill -9 and a restart. Its output
 * goes to {@code hub-<n>.log} in the folder.
 */
public final class FaultHub implements AutoCloseable {

    private static final String MAIN = "io.visionhub.VisionHubApplication";

    private final Path work;
    private final int httpPort = PortPicker.ephemeral("127.0.0.1");
    private final List<String> args = new ArrayList<>();
    private final java.util.Map<String, String> env = new java.util.HashMap<>();
    private final HubHttpClient http = new HubHttpClient("127.0.0.1", () -> httpPort);
    private Process process;
    private int starts;

    /**
     * A working folder with the repository's kamelets and mappings and its routes except the demo's MES stand-in
     * (the harness pushes context itself).
     */
    public FaultHub(Path work, Path repo) throws IOException {
        this.work = work;
        // a harness stopped by Ctrl-C takes its hub with it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process != null) {
                process.destroyForcibly();
            }
        }));
        io.visionhub.HubProcess.copyTree(repo.resolve("kamelets"), work.resolve("kamelets"));
        io.visionhub.HubProcess.copyTree(repo.resolve("mappings"), work.resolve("mappings"));
        Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> s = Files.list(repo.resolve("routes"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                if (!p.getFileName().toString().equals("demo-mes-simulator.yaml")) {
                    Files.copy(p, work.resolve("routes").resolve(p.getFileName()));
                }
            }
        }
    }

    /** Adds {@code --key=value} arguments (Spring properties) for every later start. */
    public FaultHub with(String... keyValues) {
        for (String kv : keyValues) {
            args.add("--" + kv);
        }
        return this;
    }

    /** Sets an environment variable of the hub's JVM from the next start on (e.g. libfaketime's). */
    public FaultHub env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Path work() {
        return work;
    }

    public HubHttpClient http() {
        return http;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Starts the hub and waits until its API answers (the database migrated, routes started). */
    public void start(Duration timeout) throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("hub already running in " + work);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-cp", hubClassPath(), MAIN));
        cmd.add("--server.port=" + httpPort);
        cmd.add("--server.address=127.0.0.1");
        cmd.add("--visionhub.opcua.port=0");
        cmd.add("--visionhub.broker.port=" + PortPicker.ephemeral("127.0.0.1"));
        cmd.add("--visionhub.simulators.enabled=false");
        cmd.add("--visionhub.enterprise.sync.enabled=false");
        cmd.add("--visionhub.routes.reload=true");
        cmd.addAll(args);
        starts++;
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        process = pb.directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "hub exited with " + process.exitValue() + " during start; see " + log());
            }
            try {
                HttpResponse<String> r = http.sendAs("GET", "/api/inspections?limit=1", null, "operator");
                if (r.statusCode() == 200 && routesStarted()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Files.readString(log()).contains("Application run failed")) {
                process.destroyForcibly(); // Spring gave up, but a non-daemon thread may keep the JVM alive
                throw new IllegalStateException("hub failed to start; see " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("hub did not answer within " + timeout + "; see " + log());
            }
            Thread.sleep(250);
        }
    }

    private boolean routesStarted() throws IOException {
        return Files.readString(log()).contains("Started VisionHubApplication");
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or closed. */
    public void kill9() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("hub survived SIGKILL");
            }
        }
    }

    /** SIGTERM, as systemd stops it; SIGKILL after a minute. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public Path log() {
        return work.resolve("hub-" + Math.max(1, starts) + ".log");
    }

    /** The lines of every log of this folder that contain {@code text}. */
    public List<String> logLines(String text) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= starts; i++) {
            Path l = work.resolve("hub-" + i + ".log");
            if (Files.exists(l)) {
                try (Stream<String> lines = Files.lines(l)) {
                    lines.filter(x -> x.contains(text)).forEach(out::add);
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The harness's class path without the test classes: the hub's classes, the demo set and the dependencies. */
    private static String hubClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isBlank() && !e.replace('\\', '/').endsWith("test-classes"))
                .map(e -> Path.of(e).toAbsolutePath().toString()) // the hub runs in its own folder
                .collect(Collectors.joining(File.pathSeparator));
    }
}
