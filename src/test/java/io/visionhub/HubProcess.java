package io.visionhub;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged hub as a separate process, for the benches and integration tests that start it: where the jar is, the
 * process with the last lines of its output and what its log announces (the embedded broker's address, Tomcat's
 * port), its stop (with the processes it forked), and the folders it runs in.
 */
public final class HubProcess implements AutoCloseable {

    /** The embedded broker's address in the hub's log (group 1). */
    public static final Pattern BROKER =
            Pattern.compile("Embedded MQTT broker listening on .*? use (tcp://[^\\s,;()]+)");

    /** Tomcat's HTTP port in the hub's log (group 1). */
    public static final Pattern TOMCAT = Pattern.compile("Tomcat started on port (\\d+)");

    private final Process process;
    private final long startNanos;
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final Map<Pattern, CompletableFuture<String>> found = new LinkedHashMap<>();

    private HubProcess(ProcessBuilder command, int keep, Pattern... watched) throws IOException {
        for (Pattern p : watched) {
            found.put(p, new CompletableFuture<>());
        }
        startNanos = System.nanoTime();
        process = command.redirectErrorStream(true).start();
        Thread reader = new Thread(() -> read(keep), "hub-log");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the command with its errors in its output, keeps the last {@code keep} lines of that, and watches it for
     * the patterns: {@link #found} completes with group 1 of the first line each matches, or fails once the process
     * has ended without one.
     */
    public static HubProcess start(ProcessBuilder command, int keep, Pattern... watched) throws IOException {
        return new HubProcess(command, keep, watched);
    }

    private void read(int keep) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > keep) {
                        lastLines.removeFirst();
                    }
                }
                for (Map.Entry<Pattern, CompletableFuture<String>> watch : found.entrySet()) {
                    Matcher m = watch.getKey().matcher(line);
                    if (m.find()) {
                        watch.getValue().complete(m.group(1));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        found.forEach((pattern, value) -> value.completeExceptionally(
                new IllegalStateException("the hub exited before its log matched " + pattern)));
    }

    /** Group 1 of the first line that matched the pattern (one of those given at the start). */
    public CompletableFuture<String> found(Pattern pattern) {
        return found.get(pattern);
    }

    public Process process() {
        return process;
    }

    /** {@link System#nanoTime()} just before the process started. */
    public long startNanos() {
        return startNanos;
    }

    /** The last lines of the output, one a line. */
    public String lastLines() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    /** Stops the process and what it forked (Maven forks the hub): the forked ones first, then the process. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        Collections.reverse(tree);
        tree.add(process.toHandle());
        for (ProcessHandle p : tree) {
            p.destroy();
            try {
                p.onExit().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                p.destroyForcibly();
            }
        }
    }

    /** The java launcher of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The jar that {@code ./mvnw package} left in target/ (for the benches). */
    public static Path packagedJar() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("vision-hub-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no target/vision-hub-*.jar: run ./mvnw -DskipTests package first"));
        }
    }

    /** The jar that failsafe names in the system property visionhub.jar; skips the test where there is none. */
    public static Path failsafeJar() {
        String p = System.getProperty("visionhub.jar");
        assumeTrue(p != null, "run by failsafe after package (system property visionhub.jar names the jar)");
        Path jar = Path.of(p);
        assumeTrue(Files.isRegularFile(jar), "no packaged jar at " + jar + " (run ./mvnw verify)");
        return jar;
    }

    /** Copies a folder's tree into another, over what is there; nothing where the folder does not exist. */
    public static void copyTree(Path from, Path to) throws IOException {
        copyTree(from, to, f -> true);
    }

    /** The same with only the files that pass the filter. */
    public static void copyTree(Path from, Path to, Predicate<Path> files) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (files.test(p)) {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * Deletes a bench's work folder (hub databases, broker store, logs: gigabytes after a long run) unless
     * the environment has {@code BENCH_KEEP=1}, and says which it did.
     */
    public static void removeWorkFolder(Path dir) throws IOException {
        if ("1".equals(System.getenv("BENCH_KEEP"))) {
            System.out.println("work folder kept (BENCH_KEEP=1): " + dir);
        } else {
            deleteTree(dir);
            System.out.println("work folder removed: " + dir + " (BENCH_KEEP=1 keeps it)");
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
