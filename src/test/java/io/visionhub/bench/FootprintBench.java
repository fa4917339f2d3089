package io.visionhub.bench;

import io.visionhub.HubProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * Footprint of the packaged hub over time: the jar's size, start-up to first inspection event, then resident memory
 * (RSS, from /proc) and the JVM's heap and non-heap (from /actuator/prometheus, which needs no login) sampled while
 * the demo station inspects (the simulated camera at its configured rate, every event recorded in the ledger and
 * published over MQTT, counted here). Prints one line per sample and a summary with the growth over the second
 * half of the run (a leak shows as growth there once the heap has settled).
 *
 * <p>Run: {@code ./mvnw -q clean package -DskipTests -Pembedded-broker && bench/run FootprintBench [minutes=60] [sample-seconds=30]
 * [jvm options…]}, e.g. {@code bench/run FootprintBench 60 30 -Xmx1536m} (the systemd env file's heap).
 */
public final class FootprintBench {

    record Sample(
            double minutes, long rssKb, double heapUsedMb, double heapCommittedMb, double nonHeapMb, long events) {}

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        int every = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<String> jvm = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        Path jar = HubProcess.packagedJar();
        System.out.printf("jar %s: %.1f MB (%d bytes)%n", jar.getFileName(), Files.size(jar) / 1e6, Files.size(jar));

        Path work = Files.createTempDirectory("visionhub-footprint");
        for (String dir : List.of("routes", "kamelets", "mappings")) {
            HubProcess.copyTree(Path.of(dir), work.resolve(dir));
        }
        List<String> command = new ArrayList<>(List.of(HubProcess.java()));
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=0", "--visionhub.opcua.port=0"));
        HubProcess hub = HubProcess.start(
                new ProcessBuilder(command).directory(work.toFile()), 40, HubProcess.BROKER, HubProcess.TOMCAT);
        List<Sample> samples = new ArrayList<>();
        try {
            AtomicLong events = new AtomicLong();
            CompletableFuture<Long> first = new CompletableFuture<>();
            MqttClient client = new MqttClient(
                    hub.found(HubProcess.BROKER).get(10, TimeUnit.MINUTES), "footprint-bench", new MemoryPersistence());
            client.connect(new MqttConnectionOptions());
            IMqttMessageListener listener = (topic, msg) -> {
                first.complete(System.nanoTime());
                events.incrementAndGet();
            };
            client.subscribe(
                    new MqttSubscription[] {new MqttSubscription("visionhub/+/+/+/inspection", 1)},
                    new IMqttMessageListener[] {listener});
            int port = Integer.parseInt(hub.found(HubProcess.TOMCAT).get(10, TimeUnit.MINUTES));
            long firstAt = first.get(10, TimeUnit.MINUTES);
            System.out.printf(
                    "start-up to first inspection event over MQTT: %.2f s%n", (firstAt - hub.startNanos()) / 1e9);
            System.out.printf(
                    "sampling every %d s for %.1f min (pid %d)%n%8s %9s %10s %12s %10s %8s%n",
                    every,
                    minutes,
                    hub.process().pid(),
                    "min",
                    "RSS MB",
                    "heap MB",
                    "heap comm.",
                    "nonheap MB",
                    "events");
            HttpClient http = HttpClient.newHttpClient();
            long t0 = System.nanoTime();
            long end = t0 + (long) (minutes * 60e9);
            while (true) {
                String prom = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                        .timeout(Duration.ofSeconds(30))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                Sample s = new Sample(
                        (System.nanoTime() - t0) / 60e9,
                        rssKb(hub.process().pid()),
                        sum(prom, "jvm_memory_used_bytes", "heap") / 1e6,
                        sum(prom, "jvm_memory_committed_bytes", "heap") / 1e6,
                        sum(prom, "jvm_memory_used_bytes", "nonheap") / 1e6,
                        events.get());
                samples.add(s);
                System.out.printf(
                        "%8.1f %9.1f %10.1f %12.1f %10.1f %8d%n",
                        s.minutes(),
                        s.rssKb() / 1024.0,
                        s.heapUsedMb(),
                        s.heapCommittedMb(),
                        s.nonHeapMb(),
                        s.events());
                if (System.nanoTime() >= end || !hub.process().isAlive()) {
                    break;
                }
                Thread.sleep(Math.min(every * 1000L, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            client.disconnect();
            client.close();
            summary(samples);
        } catch (Exception e) {
            System.out.println("the run failed; the last lines of the hub's output:");
            System.out.println(hub.lastLines());
            throw e;
        } finally {
            hub.close();
            HubProcess.deleteTree(work);
        }
    }

    private static void summary(List<Sample> samples) {
        Sample last = samples.get(samples.size() - 1);
        Sample mid = samples.get(samples.size() / 2);
        double maxRss = samples.stream().mapToLong(Sample::rssKb).max().orElse(0) / 1024.0;
        double maxHeap = samples.stream().mapToDouble(Sample::heapUsedMb).max().orElse(0);
        double eventsPerSecond = last.minutes() > 0 ? last.events() / (last.minutes() * 60) : 0;
        System.out.printf(
                "after %.1f min: RSS %.0f MB (max %.0f), heap used %.0f MB (max %.0f) of %.0f MB committed,"
                        + " non-heap %.0f MB; %d events (%.1f/s); second half: RSS %+.0f MB, non-heap %+.1f MB%n",
                last.minutes(),
                last.rssKb() / 1024.0,
                maxRss,
                last.heapUsedMb(),
                maxHeap,
                last.heapCommittedMb(),
                last.nonHeapMb(),
                last.events(),
                eventsPerSecond,
                (last.rssKb() - mid.rssKb()) / 1024.0,
                last.nonHeapMb() - mid.nonHeapMb());
    }

    /** Sum of a Prometheus gauge's series with area="…". */
    static double sum(String prometheus, String metric, String area) {
        Pattern line = Pattern.compile("(?m)^" + metric + "\\{[^}]*area=\"" + area + "\"[^}]*\\}\\s+([0-9.eE+-]+)$");
        Matcher m = line.matcher(prometheus);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static long rssKb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
