package io.visionhub.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Routing cost against inference (issue 21): YOLOv8n frames/s (ONNX Runtime, the real export in
 * .fixtures/yolov8n.onnx, 1x3x640x640) on this machine while a hub process routes 1,000 msg/s of other traffic
 * (MQTT in through {@code mqtt-input:}, the inspection route with its rules and JSONata-mapped webhook document per
 * NG part in the outbox, the ledger record, MQTT out), against the same with the hub idle. Rounds alternate idle
 * and loaded; each prints the frames/s of both, the loss, what the hub routed (events/s seen on its output topic)
 * and the CPU the hub used (cores, from /proc/&lt;pid&gt;/stat). Target: loss &lt; 5%.
 *
 * <p>Run: {@code ./mvnw -q -B -o compile && bench/run RoutingCostBench [seconds per phase] [rounds] [msg/s]
 * [inference threads]} (defaults 20 3 1000 1)
 */
public final class RoutingCostBench {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Path model = Path.of(".fixtures", "yolov8n.onnx");
        if (!Files.exists(model)) {
            throw new IllegalStateException(
                    "needs the real YOLOv8n export in .fixtures/yolov8n.onnx (.ci/fetch-fixtures)");
        }
        Path work = Files.createTempDirectory("routing-cost");
        MachineLoad load = MachineLoad.start();
        NodeRedSideBySideBench.Sink sink = new NodeRedSideBySideBench.Sink();
        MosquittoProcess broker = new MosquittoProcess(work.resolve("broker"), List.of());
        broker.start();
        List<Process> processes = new CopyOnWriteArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processes.forEach(Process::destroyForcibly);
            try {
                broker.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        try (OrtSession session = env.createSession(model.toString(), options)) {
            NodeRedSideBySideBench.Side hub =
                    NodeRedSideBySideBench.startHub(work.resolve("hub"), broker, sink, processes);
            float[] pixels = new float[3 * 640 * 640];
            Random random = new Random(7);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = random.nextFloat();
            }
            String input = session.getInputNames().iterator().next();
            try (OnnxTensor tensor =
                    OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {1, 3, 640, 640})) {
                frames(session, input, tensor, TimeUnit.SECONDS.toNanos(5)); // warm-up
                System.out.printf(
                        "RoutingCostBench: YOLOv8n 640x640, %d inference thread(s), %d s per phase, %d "
                                + "rounds, hub traffic %d msg/s (8 stations, 10%% NG)%n",
                        threads, seconds, rounds, rate);
                List<Double> idle = new ArrayList<>();
                List<Double> loaded = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    long c0 = NodeRedSideBySideBench.cpuTicks(hub.pid());
                    double fIdle = frames(session, input, tensor, TimeUnit.SECONDS.toNanos(seconds));
                    double hubIdleCores = (NodeRedSideBySideBench.cpuTicks(hub.pid()) - c0) / 100.0 / seconds;
                    Traffic traffic = new Traffic(broker.url(), hub.inRoot(), hub.outFilter(), rate);
                    traffic.start();
                    Thread.sleep(2000); // the hub reaches its pace before the clock starts
                    long c1 = NodeRedSideBySideBench.cpuTicks(hub.pid());
                    int out0 = traffic.received.get();
                    double fLoaded = frames(session, input, tensor, TimeUnit.SECONDS.toNanos(seconds));
                    double routed = (traffic.received.get() - out0) / (double) seconds;
                    double hubCores = (NodeRedSideBySideBench.cpuTicks(hub.pid()) - c1) / 100.0 / seconds;
                    int published = traffic.published.get();
                    int behind = published - traffic.received.get(); // at the end of the loaded phase
                    traffic.stop(); // waits for the backlog: the next idle phase is idle
                    idle.add(fIdle);
                    loaded.add(fLoaded);
                    System.out.printf(
                            "round %d: idle hub %.2f frames/s (hub %.2f cores)  |  hub routing %.0f msg/s "
                                    + "(published %d, behind %d): %.2f frames/s (hub %.2f cores)  loss %.1f%%%n",
                            r,
                            fIdle,
                            hubIdleCores,
                            routed,
                            traffic.published.get(),
                            traffic.published.get() - traffic.received.get(),
                            fLoaded,
                            hubCores,
                            100 * (1 - fLoaded / fIdle));
                }
                double mi = median(idle);
                double ml = median(loaded);
                System.out.printf(
                        "median: %.2f frames/s without routing, %.2f frames/s while the hub routes %d msg/s: "
                                + "ratio %.3f, loss %.1f%% (target < 5%%)%n",
                        mi, ml, rate, ml / mi, 100 * (1 - ml / mi));
                System.out.println("machine: " + load.summary() + "; " + Instant.now());
            }
        } finally {
            processes.forEach(Process::destroy);
            for (Process p : processes) {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            broker.stop();
            sink.close();
        }
    }

    private static double frames(OrtSession session, String input, OnnxTensor tensor, long nanos) throws Exception {
        long t0 = System.nanoTime();
        int n = 0;
        while (System.nanoTime() - t0 < nanos) {
            try (OrtSession.Result r = session.run(Map.of(input, tensor))) {
                n++;
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }

    /** Publishes {@code rate} events/s (QoS 1, in 10 ms ticks) to the hub's input and counts its output. */
    private static final class Traffic {
        final AtomicInteger published = new AtomicInteger();
        final AtomicInteger received = new AtomicInteger();
        private final MqttAsyncClient pub;
        private final MqttAsyncClient sub;
        private final String inRoot;
        private final int rate;
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong n = new AtomicLong();

        Traffic(String url, String inRoot, String outFilter, int rate) throws MqttException {
            this.inRoot = inRoot;
            this.rate = rate;
            pub = new MqttAsyncClient(url, "cost-pub-" + System.nanoTime(), new MemoryPersistence());
            pub.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            sub = new MqttAsyncClient(url, "cost-sub-" + System.nanoTime(), new MemoryPersistence());
            sub.setCallback(new MqttCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    if (topic.endsWith("/inspection")) {
                        received.incrementAndGet();
                    }
                }

                @Override
                public void disconnected(MqttDisconnectResponse r) {}

                @Override
                public void mqttErrorOccurred(MqttException e) {}

                @Override
                public void deliveryComplete(IMqttToken t) {}

                @Override
                public void connectComplete(boolean reconnect, String uri) {}

                @Override
                public void authPacketArrived(int code, MqttProperties p) {}
            });
            sub.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            sub.subscribe(outFilter, 1).waitForCompletion(10_000);
        }

        void start() {
            int perTick = Math.max(1, rate / 100);
            ticker.scheduleAtFixedRate(
                    () -> {
                        for (int i = 0; i < perTick; i++) {
                            long k = n.getAndIncrement();
                            String station = "bench-" + (k % 8 + 1);
                            InspectionEvent e = NodeRedSideBySideBench.event(station, "C" + k, k % 10 == 9);
                            MqttMessage m = new MqttMessage(EventJson.toBytes(e));
                            m.setQos(1);
                            try {
                                pub.publish(inRoot + "/site-b/line-1/" + station + "/inspection", m);
                                published.incrementAndGet();
                            } catch (MqttException ex) {
                                // too many in flight at the broker: this tick's rest is skipped (counted as behind)
                                return;
                            }
                        }
                    },
                    0,
                    10,
                    TimeUnit.MILLISECONDS);
        }

        /** Stops publishing and waits until the hub has routed the backlog (or made no progress for 30 s). */
        void stop() throws Exception {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            int last = -1;
            long since = System.nanoTime();
            while (received.get() < published.get() && System.nanoTime() - since < TimeUnit.SECONDS.toNanos(30)) {
                if (received.get() != last) {
                    last = received.get();
                    since = System.nanoTime();
                }
                Thread.sleep(100);
            }
            pub.disconnect().waitForCompletion(5_000);
            pub.close();
            sub.disconnect().waitForCompletion(5_000);
            sub.close();
        }
    }
}
