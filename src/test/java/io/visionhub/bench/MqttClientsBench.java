package io.visionhub.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.inputs.mqtt.InspectionEventInput;
import io.visionhub.ledger.camel.LedgerConstants;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import io.visionhub.outputs.mqtt.MqttEventPublisher;
import io.visionhub.outputs.mqtt.MqttTopics;
import io.visionhub.outputs.mqtt.ReliableMqttClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorSupport;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * CPU per message of the hub's MQTT client threads (Paho's receive, send and callback threads of the {@code
 * mqtt-input:} consumer and of the output's {@link ReliableMqttClient}) and of the input lanes, on the path the hub
 * runs for an MQTT message, against a real Mosquitto: a feeder publishes inspection events QoS 1 on 8 station topics;
 * the route parses each ({@link InspectionEventInput}), hands it to a stand-in for the ledger's group commit (a thread
 * that continues each exchange on its lane, through {@link LedgerConstants#CONTINUE_ON}, as {@code ledger:record}
 * does, without a database), then publishes it with {@link MqttEventPublisher} (QoS 1, MQTT 5 properties); the input
 * acknowledges it after that. Figures are the threads' CPU time (ThreadMXBean) per message, by group; the feeder's
 * own threads are left out. No ledger, no inspection route: what is measured is the MQTT clients and the lanes'
 * hand-offs, not the route.
 *
 * <p>Run: {@code bench/run MqttClientsBench [messages per round, 20000] [rounds, 5]}. To compare two builds, run it
 * alternately with each build's {@code target/classes} first on the class path (bench/README-routing.md).
 */
public final class MqttClientsBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int STATIONS = 8;

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("mqtt-clients-bench");
        try (MosquittoProcess broker = new MosquittoProcess(dir.resolve("broker"), List.of())) {
            broker.start();
            run(broker.url(), dir, perRound, rounds);
        }
    }

    private static void run(String url, Path dir, int perRound, int rounds) throws Exception {
        MqttConnectionOptions outOptions = new MqttConnectionOptions();
        outOptions.setConnectionTimeout(10);
        ReliableMqttClient out = new ReliableMqttClient(
                url, "bench-out", outOptions, dir.resolve("buffer"), 100_000, 1000, new SimpleMeterRegistry());
        out.start(10_000);
        MqttEventPublisher publisher = new MqttEventPublisher(out, new MqttTopics("visionhub", "bench"), 1, true);

        AtomicInteger done = new AtomicInteger();
        AtomicReference<CountDownLatch> roundDone = new AtomicReference<>(new CountDownLatch(0));
        AtomicInteger target = new AtomicInteger(Integer.MAX_VALUE);
        GroupCommit commit = new GroupCommit();
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-input:bench-in/+/+/+/inspection?brokerUrl=" + url
                                + "&clientId=bench-input&receiveMaximum=256&lanes=16")
                        .process(new InspectionEventInput())
                        .process(commit)
                        .process(e -> publisher.publish(e.getMessage().getBody(InspectionEvent.class)))
                        .process(e -> {
                            if (done.incrementAndGet() == target.get()) {
                                roundDone.get().countDown();
                            }
                        });
            }
        });
        camel.start();

        MqttAsyncClient feed = new MqttAsyncClient(url, "bench-feed", new MemoryPersistence());
        feed.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            payloads.add(EventJson.toBytes(event("st-" + (i % STATIONS), "P-" + i, i % 10 == 0)));
        }
        System.out.printf(
                Locale.ROOT,
                "MqttClientsBench: %d messages per round, %d rounds after two warm-ups, %d stations, payload %d B; "
                        + "loadavg %s%n",
                perRound,
                rounds,
                STATIONS,
                payloads.get(1).length,
                loadavg());
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        int warmUps = 2;
        for (int r = 1 - warmUps; r <= rounds; r++) {
            CountDownLatch latch = new CountDownLatch(1);
            roundDone.set(latch);
            target.set(done.get() + perRound);
            Map<String, Long> before = cpuByGroup();
            long t0 = System.nanoTime();
            Semaphore window =
                    new Semaphore(64); // the feeder's own flow control, under the broker's receive maximum (1000)
            for (int i = 0; i < perRound; i++) {
                window.acquire();
                MqttMessage m = new MqttMessage(payloads.get(i % payloads.size()), 1, false, null);
                feed.publish("bench-in/site/line-1/st-" + (i % STATIONS) + "/inspection", m, null, new Release(window));
            }
            if (!latch.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("round " + r + ": only " + done.get() + " of " + target.get());
            }
            if (!out.awaitDrained(60_000)) {
                throw new IllegalStateException("round " + r + ": the output did not drain");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Long> after = cpuByGroup();
            StringBuilder line = new StringBuilder();
            line.append(String.format(
                    Locale.ROOT,
                    "%s %d: %.1f msg/s, load %s;",
                    r == 0 ? "warm-up" : "round",
                    r,
                    perRound / seconds,
                    loadavg()));
            for (String g : after.keySet()) {
                double us = (after.get(g) - before.getOrDefault(g, 0L)) / 1e3 / perRound;
                line.append(String.format(Locale.ROOT, " %s %.1f", g, us));
                if (r > 0) {
                    figures.computeIfAbsent(g, k -> new ArrayList<>()).add(us);
                }
            }
            System.out.println(line.append(" µs/msg (syscalls: per msg)"));
        }
        StringBuilder median = new StringBuilder("median CPU µs per message:");
        for (Map.Entry<String, List<Double>> e : figures.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            median.append(String.format(Locale.ROOT, " %s %.1f", e.getKey(), v.get(v.size() / 2)));
        }
        System.out.println(median);
        feed.disconnect().waitForCompletion(5000);
        feed.close();
        camel.stop();
        commit.halt();
        out.close();
    }

    /** CPU nanoseconds of the live threads by group; threads that ended are not counted (none should). */
    private static Map<String, Long> cpuByGroup() {
        Map<String, Long> cpu = new HashMap<>();
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = THREADS.getThreadCpuTime(t.getThreadId());
            if (ns < 0) {
                continue;
            }
            String g = group(t.getThreadName());
            if (g != null) {
                cpu.merge(g, ns, Long::sum);
            }
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String g : List.of("input-paho", "output-paho", "lanes", "commit", "all-but-feeder")) {
            ordered.put(g, cpu.getOrDefault(g, 0L));
        }
        long all = 0;
        for (Map.Entry<String, Long> e : cpu.entrySet()) {
            all += e.getValue();
        }
        ordered.put("all-but-feeder", all - cpu.getOrDefault("feeder", 0L));
        // the process's read and write system calls (/proc/self/io), in thousandths so that per message reads as 1e-3
        long[] io = syscalls();
        ordered.put("read-syscalls", io[0] * 1000);
        ordered.put("write-syscalls", io[1] * 1000);
        return ordered;
    }

    /** {read, write} system calls of this process so far (the feeder's included: the same on both builds). */
    private static long[] syscalls() {
        long[] io = new long[2];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("syscr:")) {
                    io[0] = Long.parseLong(line.substring(6).strip());
                } else if (line.startsWith("syscw:")) {
                    io[1] = Long.parseLong(line.substring(6).strip());
                }
            }
        } catch (Exception e) {
            // not Linux: no counts
        }
        return io;
    }

    private static String group(String name) {
        if (name.contains("bench-feed")) {
            return "feeder";
        }
        if (name.startsWith("MQTT ") && name.contains("bench-input")) {
            return "input-paho";
        }
        if ((name.startsWith("MQTT ") || name.startsWith("mqtt-keeper")) && name.contains("bench-out")) {
            return "output-paho";
        }
        if (name.contains("-lane-")) {
            return "lanes";
        }
        if (name.equals("bench-commit")) {
            return "commit";
        }
        return "other";
    }

    private static InspectionEvent event(String station, String partId, boolean ng) {
        return NodeRedSideBySideBench.event(station, partId, ng);
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    /** The feeder's window: a slot back on each PUBACK. */
    private record Release(Semaphore window) implements org.eclipse.paho.mqttv5.client.MqttActionListener {
        @Override
        public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            window.release();
        }

        @Override
        public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken token, Throwable exception) {
            window.release();
        }
    }

    /**
     * A stand-in for the ledger's group commit: one thread takes what is queued, and continues each exchange on the
     * executor the exchange names (its lane), in order, as {@code ledger:record} does once a commit is durable.
     */
    private static final class GroupCommit extends AsyncProcessorSupport implements AsyncProcessor {
        private final BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        private final Thread writer = new Thread(this::write, "bench-commit");
        private volatile boolean running = true;

        GroupCommit() {
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            queue.add(new Object[] {exchange, callback});
            return false;
        }

        private void write() {
            List<Object[]> batch = new ArrayList<>();
            while (running) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(batch);
                for (Object[] item : batch) {
                    Exchange exchange = (Exchange) item[0];
                    AsyncCallback callback = (AsyncCallback) item[1];
                    exchange.getProperty(LedgerConstants.CONTINUE_ON, Executor.class)
                            .execute(() -> callback.done(false));
                }
                batch.clear();
            }
        }

        void halt() {
            running = false;
            writer.interrupt();
        }
    }
}
