package io.visionhub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * Start-up to first event, as a fresh installation sees it: starts the packaged hub jar in an empty working
 * folder (only routes/, kamelets/, mappings/ and model cards copied, no data/, so the demo model is taught on
 * the way), waits for the embedded broker's address in the log, subscribes to the inspection topic and prints
 * the seconds from process start to the first inspection event received over MQTT.
 *
 * <p>Run: {@code ./mvnw -q -DskipTests package && bench/run StartupBench [runs]}
 *
 * <p>With {@code --mvn} it times the README's run command instead: a copy of the committed tree
 * ({@code git archive HEAD}, so no target/ and no data/: Maven compiles everything) in a temporary folder, then
 * {@code ./mvnw spring-boot:run -Dmaven.test.skip=true} there on the warm local Maven repository, with free ports for HTTP and OPC UA so
 * it can run beside another hub: {@code bench/run StartupBench --mvn [runs]}.
 */
public final class StartupBench {

    private static final Pattern BROKER =
            Pattern.compile("Embedded MQTT broker listening on .*? use (tcp://[^\\s,;()]+)");
    private static final Pattern CONTEXT_STATUS = Pattern.compile("\"contextStatus\":\"(\\w+)\"");

    public static void main(String[] args) throws Exception {
        boolean mvn = args.length > 0 && args[0].equals("--mvn");
        int runs = args.length > (mvn ? 1 : 0) ? Integer.parseInt(args[mvn ? 1 : 0]) : 3;
        Path jar = mvn ? null : findJar();
        List<Double> seconds = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            double s = mvn ? oneRunOfTheReadmeCommand() : oneRun(jar);
            seconds.add(s);
            System.out.printf("run %d: first inspection event received over MQTT %.2f s after process start%n", i, s);
        }
        seconds.sort(Comparator.naturalOrder());
        System.out.printf(
                "start-up to first event (%s): min %.2f s, median %.2f s, max %.2f s over %d runs (target < %d s)%n",
                mvn
                        ? "./mvnw spring-boot:run -Dmaven.test.skip=true, fresh copy of HEAD, warm Maven repository"
                        : "packaged jar",
                seconds.get(0),
                seconds.get(seconds.size() / 2),
                seconds.get(seconds.size() - 1),
                runs,
                mvn ? 20 : 15);
    }

    private static double oneRun(Path jar) throws Exception {
        Path work = Files.createTempDirectory("visionhub-startup");
        for (String dir : List.of("routes", "kamelets", "mappings", "models")) {
            copyTree(Path.of(dir), work.resolve(dir));
        }
        return timeToFirstEvent(
                new ProcessBuilder(
                        "java", "-jar", jar.toAbsolutePath().toString(), "--server.port=0", "--visionhub.opcua.port=0"),
                work);
    }

    /** The README's run command in a fresh copy of the committed tree (the copy made before the clock starts). */
    private static double oneRunOfTheReadmeCommand() throws Exception {
        Path work = Files.createTempDirectory("visionhub-startup-mvn");
        Process archive = new ProcessBuilder("bash", "-c", "git archive HEAD | tar -x -C " + work)
                .inheritIO()
                .start();
        if (archive.waitFor() != 0) {
            throw new IllegalStateException("git archive HEAD into " + work + " failed");
        }
        return timeToFirstEvent(
                new ProcessBuilder(
                        "./mvnw",
                        "spring-boot:run",
                        "-Dmaven.test.skip=true",
                        "-Dspring-boot.run.arguments=--server.port=0 --visionhub.opcua.port=0"),
                work);
    }

    private static double timeToFirstEvent(ProcessBuilder pb, Path work) throws Exception {
        pb.directory(work.toFile()).redirectErrorStream(true);
        long start = System.nanoTime();
        Process hub = pb.start();
        CompletableFuture<String> brokerUrl = new CompletableFuture<>();
        Deque<String> lastLines = new ArrayDeque<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            synchronized (lastLines) {
                                lastLines.addLast(line);
                                if (lastLines.size() > 40) {
                                    lastLines.removeFirst();
                                }
                            }
                            Matcher m = BROKER.matcher(line);
                            if (m.find()) {
                                brokerUrl.complete(m.group(1));
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                "hub-log");
        reader.setDaemon(true);
        reader.start();
        try {
            String url = brokerUrl.get(600, TimeUnit.SECONDS);
            CompletableFuture<Long> first = new CompletableFuture<>();
            CompletableFuture<String> firstStatus = new CompletableFuture<>();
            MqttClient client = new MqttClient(url, "startup-bench", new MemoryPersistence());
            client.connect(new MqttConnectionOptions());
            // (Paho 1.2.5's subscribe(String, int, listener) overload recurses; use the array form)
            IMqttMessageListener listener = (topic, msg) -> {
                long now = System.nanoTime();
                Matcher status = CONTEXT_STATUS.matcher(new String(msg.getPayload(), StandardCharsets.UTF_8));
                firstStatus.complete(status.find() ? status.group(1) : "?");
                first.complete(now);
            };
            client.subscribe(
                    new MqttSubscription[] {new MqttSubscription("visionhub/+/+/+/inspection", 1)},
                    new IMqttMessageListener[] {listener});
            long at = first.get(300, TimeUnit.SECONDS);
            // the demo camera waits for the demo MES's context: the first event must not say MISSING
            System.out.printf("first event's contextStatus: %s%n", firstStatus.get());
            client.disconnect();
            client.close();
            return (at - start) / 1e9;
        } catch (TimeoutException e) {
            synchronized (lastLines) {
                System.out.println("no event in time; the last lines of the hub's output:");
                lastLines.forEach(System.out::println);
            }
            throw e;
        } finally {
            // Maven forks the hub: stop the whole tree, the hub first
            List<ProcessHandle> tree = new ArrayList<>(hub.descendants().toList());
            Collections.reverse(tree);
            tree.add(hub.toHandle());
            for (ProcessHandle p : tree) {
                p.destroy();
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    p.destroyForcibly();
                }
            }
            deleteTree(work);
        }
    }

    private static Path findJar() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("vision-hub-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no target/vision-hub-*.jar: run ./mvnw -DskipTests package first"));
        }
    }

    /** Copies a folder tree (model weights, .onnx, left out: the hub teaches or fetches its own). */
    public static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".onnx")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
