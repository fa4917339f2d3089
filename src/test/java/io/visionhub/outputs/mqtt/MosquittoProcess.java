package io.visionhub.outputs.mqtt;

import io.visionhub.outputs.PortPicker;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A Mosquitto broker process of the test's own, on a free port, with persistence in a folder. */
public final class MosquittoProcess implements AutoCloseable {

    private final Path executable;
    private final Path dir;
    private final int port;
    private final List<String> extraConfig;
    private final boolean mosquittoDefaults;
    private Process process;

    public MosquittoProcess(Path dir, List<String> extraConfig) {
        this(dir, extraConfig, false);
    }

    /**
     * @param mosquittoDefaults true: Mosquitto's own queue limits (1000 queued messages per client, 20 in flight),
     *     as a stock install has them; false: the limits docs/mqtt.md recommends
     */
    public MosquittoProcess(Path dir, List<String> extraConfig, boolean mosquittoDefaults) {
        this.mosquittoDefaults = mosquittoDefaults;
        this.executable = find().orElseThrow(() -> new IllegalStateException("mosquitto not installed"));
        this.dir = dir;
        this.port = PortPicker.ephemeral("127.0.0.1");
        this.extraConfig = extraConfig;
    }

    /** The mosquitto executable on PATH or in /usr/sbin, if installed. */
    public static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
        for (String d : path.split(":")) {
            if (!d.isEmpty()) {
                Path candidate = Path.of(d, "mosquitto");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a broker answers on the port of this machine. */
    public static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized void start() throws Exception {
        Files.createDirectories(dir);
        Path conf = dir.resolve("mosquitto.conf");
        StringBuilder c = new StringBuilder()
                .append("listener ")
                .append(port)
                .append(" 127.0.0.1\n")
                .append("persistence true\n")
                .append("persistence_location ")
                .append(dir.toAbsolutePath())
                .append("/\n");
        if (!mosquittoDefaults) {
            c.append("max_queued_messages 100000\n").append("max_inflight_messages 1000\n");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            c.append(
                    "user root\n"); // else mosquitto drops to user mosquitto and cannot write its persistence file here
        }
        boolean auth = extraConfig.stream().anyMatch(l -> l.startsWith("password_file"));
        if (!auth) {
            c.append("allow_anonymous true\n");
        }
        extraConfig.forEach(l -> c.append(l).append('\n'));
        Files.writeString(conf, c.toString());
        process = new ProcessBuilder(executable.toString(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("mosquitto.log").toFile()))
                .start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!listening(port)) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("mosquitto did not start on port " + port + ": "
                        + Files.readString(dir.resolve("mosquitto.log")));
            }
            Thread.sleep(20);
        }
    }

    /** Stops the broker with SIGTERM (it saves its persistence file) and waits for it to exit. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
