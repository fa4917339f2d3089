package io.visionhub;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real-browser tests' harness: a playwright-core script under src/test/browser, run by node against the hub
 * with Debian's Chromium, writing its results as JSON lines. {@link #chromium()} skips the test, with the reason,
 * where Chromium, node or playwright-core is missing (.ci/run installs them).
 */
public final class BrowserScript {

    private static final Path DIR = Path.of("src/test/browser");
    /** Where the scripts put their screenshots. */
    public static final Path SHOTS = Path.of("target/screenshots");

    private BrowserScript() {}

    /** Debian's Chromium; skips the test where it, node or playwright-core is not installed. */
    public static String chromium() {
        String chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser")
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(chromium != null, "Debian's chromium is not installed (apt-get install chromium)");
        Assumptions.assumeTrue(onPath("node"), "node is not installed");
        Assumptions.assumeTrue(
                Files.isDirectory(DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: (cd src/test/browser && npm install)");
        return chromium;
    }

    /** The screenshot folder, created, as an absolute path for a script's arguments. */
    public static String shots() throws IOException {
        Files.createDirectories(SHOTS);
        return SHOTS.toAbsolutePath().toString();
    }

    /** A script run to its end: whether it ended in time, its exit status and its output (stdout and stderr). */
    public record Finished(boolean ended, int exitValue, String output) {

        /** The last JSON line of the output: the script's result. */
        public JsonNode result() throws IOException {
            return EventJson.mapper()
                    .readTree(output.lines()
                            .filter(l -> l.startsWith("{"))
                            .reduce((a, b) -> b)
                            .orElseThrow());
        }
    }

    /** Runs {@code node script args...} to its end; killed (with its browser) after {@code seconds}. */
    public static Finished run(int seconds, String script, String... args) throws Exception {
        Process p = start(script, args);
        boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            kill(p);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(script + ": " + out);
        return new Finished(ended, ended ? p.exitValue() : -1, out);
    }

    /**
     * Starts {@code node script args...} for a conversation: the test sends commands ({@link Session#send}) and
     * reads the script's steps ({@link Session#step}); a watchdog kills it (with its browser) after {@code seconds}.
     */
    public static Session open(int seconds, String script, String... args) throws IOException {
        Process p = start(script, args);
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    kill(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        return new Session(script, p);
    }

    /** A running script that the test talks to: its output ({@code out}) and its input ({@code in}). */
    public record Session(String script, Process process, BufferedReader out, Writer in) {

        private Session(String script, Process process) {
            this(
                    script,
                    process,
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                    new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        }

        /** Reads the script's output up to the named step (failing on a failed step or the end of the output). */
        public JsonNode step(String name) throws IOException {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null) {
                System.out.println(script + ": " + line);
                seen.append(line).append('\n');
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode n = EventJson.mapper().readTree(line);
                if (n.has("failed")) {
                    throw new AssertionError("browser step failed before '" + name + "': " + line);
                }
                if (name.equals(n.path("step").asText())) {
                    return n;
                }
            }
            throw new AssertionError("the browser script ended before step '" + name + "':\n" + seen);
        }

        /** Sends the script a command line. */
        public void send(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
        }
    }

    private static Process start(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("node");
        command.add(script);
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .directory(DIR.toFile())
                .redirectErrorStream(true)
                .start();
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
