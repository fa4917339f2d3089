package io.visionhub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 */
public final class StartupBench {

    private static final Pattern BROKER = Pattern.compile("Embedded MQTT broker listening on (tcp://\\S+)");

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path jar = findJar();
        List<Double> seconds = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            double s = oneRun(jar);
            seconds.add(s);
            System.out.printf("run %d: first inspection event received over MQTT %.2f s after process start%n", i, s);
        }
        seconds.sort(Comparator.naturalOrder());
        System.out.printf("start-up to first event: min %.2f s, median %.2f s, max %.2f s over %d runs (target < 15 s)%n",
                seconds.get(0), seconds.get(seconds.size() / 2), seconds.get(seconds.size() - 1), runs);
    }

    private static double oneRun(Path jar) throws Exception {
        Path work = Files.createTempDirectory("visionhub-startup");
        for (String dir : List.of("routes", "kamelets", "mappings", "models")) {
            copyTree(Path.of(dir), work.resolve(dir));
        }
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toAbsolutePath().toString(),
                "--server.port=0", "--visionhub.opcua.port=0")
                .directory(work.toFile()).redirectErrorStream(true);
        long start = System.nanoTime();
        Process hub = pb.start();
        CompletableFuture<String> brokerUrl = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = BROKER.matcher(line);
                    if (m.find()) {
                        brokerUrl.complete(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "hub-log");
        reader.setDaemon(true);
        reader.start();
        try {
            String url = brokerUrl.get(60, TimeUnit.SECONDS);
            CompletableFuture<Long> first = new CompletableFuture<>();
            MqttClient client = new MqttClient(url, "startup-bench", new MemoryPersistence());
            client.connect(new MqttConnectionOptions());
            // (Paho 1.2.5's subscribe(String, int, listener) overload recurses; use the array form)
            IMqttMessageListener listener = (topic, msg) -> first.complete(System.nanoTime());
            client.subscribe(new MqttSubscription[] {new MqttSubscription("visionhub/+/+/+/inspection", 1)},
                    new IMqttMessageListener[] {listener});
            long at = first.get(60, TimeUnit.SECONDS);
            client.disconnect();
            client.close();
            return (at - start) / 1e9;
        } finally {
            hub.destroy();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
            deleteTree(work);
        }
    }

    private static Path findJar() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("vision-hub-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/vision-hub-*.jar: run ./mvnw -DskipTests package first"));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
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
