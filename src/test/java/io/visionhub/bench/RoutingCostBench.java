package io.visionhub.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.visionhub.HubProcess;
import io.visionhub.event.EventJson;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import io.visionhub.vision.model.OnnxSessionFactory;
import io.visionhub.vision.model.SessionTuning;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * .fixtures/yolov8n.onnx, 1x3x640x640, opened as the hub opens its models: {@link OnnxSessionFactory}, spinning off,
 * inter-op 1, the intra-op threads given) on this machine while a hub process routes 1,000 msg/s of other traffic
 * (MQTT in through {@code mqtt-input:}, the inspection route with its rules and JSONata-mapped webhook document per
 * NG part in the outbox, the ledger record, MQTT out), against the same with the hub idle. Before the phases the
 * hub's routing is warmed up by the rule of {@link NodeRedSideBySideBench} (bursts until its CPU per event
 * settles), so the loaded phases meet a compiled hub. Rounds alternate idle and loaded (each idle phase once the hub
 * has gone quiet: under 0.05 cores, at most 60 s); each prints the frames/s of
 * both, the loss, what the hub routed (events/s seen on its output topic), the cores the hub used split by thread
 * ({@link JvmThreadCpu}), and what else ran: the broker's cores and the bench JVM's besides inference (the traffic
 * generator, its MQTT client, JIT, GC). Target: loss &lt; 5%.
 *
 * <p>Run: {@code ./mvnw -q -B -o compile && bench/run RoutingCostBench [seconds per phase] [rounds] [msg/s]
 * [inference threads] [--hub-nice=N] [--hub-policy=nice|batch|idle] [--compare-nice=N | --compare-policy=idle|batch]
 * [--warmup-events=N] [--warmup-max=N] [--settle=F] [--settle-window=N] [--paced-warmup=S] [--floor]} (defaults 20 3
 * 1000 1; warm-up bursts of 10,000 events, then {@code --paced-warmup} seconds of the paced traffic, default 60, 0:
 * none). The traffic's events are built before each phase's clock starts (the generator only publishes them and
 * counts the hub's output), since the machines that send a hub its traffic are not the hub's box. {@code --hub-nice=N} starts the hub with {@code visionhub.routing.nice=N} (0: routing priority
 * off), {@code --hub-policy} with {@code visionhub.routing.policy}; {@code --compare-nice=N} starts two hubs, one
 * with the routing priority off and one at nice N; {@code --compare-policy=idle} (or {@code batch}) two hubs at
 * {@code --hub-nice} (or the default), one with policy {@code nice} and one with {@code idle} (SCHED_IDLE) or {@code
 * batch} (SCHED_BATCH). With two hubs each round
 * measures the idle frames/s once and then each hub's loaded phase in turn (the order swapped every other round), so
 * both settings meet the same minutes' load. Each loaded phase also probes the hub's HTTP server (Tomcat) every
 * 500 ms and prints the slowest answer, and prints the warnings and errors the hub logged meanwhile (a ledger append
 * timeout, an MQTT connection lost): with 2 inference threads on a 2-core machine and {@code idle}, the starvation
 * run of docs/operations.md. {@code --floor} adds two phases per round after the idle one: inference beside a bare
 * CPU spinner at nice 19 and at nice 10, the machine's floor for any work on the other core.
 */
public final class RoutingCostBench {

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        NodeRedSideBySideBench.Warmup warmup = NodeRedSideBySideBench.Warmup.take(a);
        String hubNice = option(a, "--hub-nice="); // the hub's visionhub.routing.nice (0: off); its default if absent
        String compareNice = option(a, "--compare-nice="); // two hubs, nice 0 and this, alternated in each round
        String hubPolicy = option(a, "--hub-policy="); // the hub's visionhub.routing.policy; its default if absent
        String comparePolicy = option(a, "--compare-policy="); // two hubs, policy nice and this, same nice value
        boolean floor = a.remove("--floor"); // also what a bare spinner on the other core costs inference
        // after the bursts, the paced traffic itself for this long (not counted): the bursts leave the JIT compiling
        // the paced path in the first loaded phase (0.07-0.19 of the hub's 0.90-0.93 cores, 7 Dec)
        String pacedWarmupOption = option(a, "--paced-warmup=");
        int pacedWarmup = pacedWarmupOption == null ? 60 : Integer.parseInt(pacedWarmupOption);
        if (comparePolicy != null
                && (compareNice != null || !List.of("idle", "batch").contains(comparePolicy))) {
            throw new IllegalArgumentException(
                    "--compare-policy takes idle or batch (against nice), and not with --compare-nice: "
                            + comparePolicy);
        }
        int seconds = a.size() > 0 ? Integer.parseInt(a.get(0)) : 20;
        int rounds = a.size() > 1 ? Integer.parseInt(a.get(1)) : 3;
        int rate = a.size() > 2 ? Integer.parseInt(a.get(2)) : 1000;
        int threads = a.size() > 3 ? Integer.parseInt(a.get(3)) : 1;
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
        long brokerPid = ProcessHandle.current()
                .children()
                .filter(c -> c.info().command().orElse("").contains("mosquitto"))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(-1);
        long self = ProcessHandle.current().pid();
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
        // the hub's own session settings (SessionTuning: spinning off, inter-op 1), the intra-op threads given
        SessionTuning tuning = new SessionTuning(threads, 1, false, "all", 0, false, 0);
        try (OrtSession session = OnnxSessionFactory.open(model, tuning, "yolov8n")) {
            // one hub at the setting given (or its default), or two that the rounds alternate: routing priority off
            // (nice 0) and at --compare-nice, both started and warmed up, loaded one at a time
            List<Hub> hubs = new ArrayList<>();
            if (compareNice != null || comparePolicy != null) {
                String label2 = compareNice != null
                        ? "nice " + compareNice
                        : "policy " + comparePolicy + ", nice " + (hubNice == null ? "default" : hubNice);
                List<String> settings2 =
                        compareNice != null ? settings(compareNice, hubPolicy) : settings(hubNice, comparePolicy);
                // started side by side: each takes minutes on a loaded machine
                java.util.concurrent.CompletableFuture<Hub> second =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            try {
                                return startHub(label2, work.resolve("hub-2"), broker, sink, processes, "2", settings2);
                            } catch (Exception e) {
                                throw new IllegalStateException(e.getMessage(), e);
                            }
                        });
                hubs.add(
                        compareNice != null
                                ? startHub(
                                        "nice 0 (off)",
                                        work.resolve("hub-off"),
                                        broker,
                                        sink,
                                        processes,
                                        "",
                                        settings("0", hubPolicy))
                                : startHub(
                                        "policy nice, nice " + (hubNice == null ? "default" : hubNice),
                                        work.resolve("hub-nice"),
                                        broker,
                                        sink,
                                        processes,
                                        "",
                                        settings(hubNice, "nice")));
                hubs.add(second.join());
            } else {
                hubs.add(startHub(
                        (hubNice == null ? "nice default" : "nice " + hubNice)
                                + (hubPolicy == null ? "" : ", policy " + hubPolicy),
                        work.resolve("hub"),
                        broker,
                        sink,
                        processes,
                        "",
                        settings(hubNice, hubPolicy)));
            }
            float[] pixels = new float[3 * 640 * 640];
            Random random = new Random(7);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = random.nextFloat();
            }
            String input = session.getInputNames().iterator().next();
            try (OnnxTensor tensor =
                    OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {1, 3, 640, 640})) {
                System.out.printf(
                        "RoutingCostBench: YOLOv8n 640x640, %d intra-op thread(s), spinning off, %d s per phase, %d "
                                + "rounds, hub traffic %d msg/s (8 stations, 10%% NG), hubs: %s%n",
                        threads,
                        seconds,
                        rounds,
                        rate,
                        hubs.stream().map(Hub::label).toList());
                // the hub's routing first, flat out, until its CPU per event settles (no inference meanwhile)
                System.out.println("hub warm-up (not counted): " + warmup.describe(WARMUP_BURST));
                for (Hub h : hubs) {
                    System.out.println("warm-up of the hub at " + h.label());
                    NodeRedSideBySideBench.warmUp(h.side(), broker, sink, warmup, WARMUP_BURST);
                }
                for (Hub h : hubs) {
                    if (pacedWarmup > 0) {
                        pacedWarmUp(h, broker, rate, pacedWarmup, brokerPid, self);
                    }
                }
                frames(session, input, tensor, TimeUnit.SECONDS.toNanos(5)); // inference warm-up
                List<Double> idle = new ArrayList<>();
                Map<Integer, List<Double>> floors = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
                for (int r = 1; r <= rounds; r++) {
                    awaitQuiet(hubs);
                    Phase quiet = Phase.start(hubs.get(0).side().pid(), brokerPid, self);
                    double fIdle = frames(session, input, tensor, TimeUnit.SECONDS.toNanos(seconds));
                    quiet.end(hubs.get(0).side());
                    idle.add(fIdle);
                    System.out.printf(
                            "round %d: idle hubs %.2f frames/s (hub %.2f cores)%n", r, fIdle, quiet.hubCores());
                    System.out.println("  idle phase:    " + quiet.describe());
                    if (floor) {
                        for (int nice : new int[] {19, 10}) {
                            double f = besideSpinner(session, input, tensor, seconds, nice, processes);
                            floors.computeIfAbsent(nice, k -> new ArrayList<>()).add(f);
                            System.out.printf(
                                    "round %d, floor: one spinner at nice %d (a shell loop, no memory traffic, no "
                                            + "syscalls): %.2f frames/s  loss %.1f%%%n",
                                    r, nice, f, 100 * (1 - f / fIdle));
                        }
                    }
                    List<Hub> order = new ArrayList<>(hubs);
                    if (r % 2 == 0) {
                        java.util.Collections.reverse(order); // neither setting always goes first
                    }
                    for (Hub h : order) {
                        awaitQuiet(hubs);
                        Traffic traffic = new Traffic(
                                broker.url(), h.side().inRoot(), h.side().outFilter(), rate);
                        traffic.prepare(seconds + 4); // the lead-in, the phase and some slack
                        traffic.start();
                        Thread.sleep(2000); // the hub reaches its pace before the clock starts
                        Phase busy = Phase.start(h.side().pid(), brokerPid, self);
                        Instant from = Instant.now(); // printed: a flight recording's window (bench/jfr-top.py --from)
                        int out0 = traffic.received.get();
                        long log0 = Files.size(h.log());
                        HttpProbe probe = new HttpProbe(h.http());
                        double fLoaded = frames(session, input, tensor, TimeUnit.SECONDS.toNanos(seconds));
                        probe.stop();
                        busy.end(h.side());
                        double routed = (traffic.received.get() - out0) / (double) seconds;
                        int behind = traffic.published.get() - traffic.received.get(); // at the loaded phase's end
                        traffic.stop(); // waits for the backlog: the next idle phase is idle
                        h.loaded().add(fLoaded);
                        h.loss().add(100 * (1 - fLoaded / fIdle));
                        System.out.printf(
                                "round %d, hub at %s routing %.0f msg/s (published %d, behind %d at the phase's end, "
                                        + "%d after the drain): %.2f frames/s (hub %.2f cores)  loss %.1f%%%n",
                                r,
                                h.label(),
                                routed,
                                traffic.published.get(),
                                behind,
                                traffic.published.get() - traffic.received.get(),
                                fLoaded,
                                busy.hubCores(),
                                100 * (1 - fLoaded / fIdle));
                        System.out.println("  routing phase (" + clock(from) + "-" + clock(Instant.now()) + " UTC): "
                                + busy.describe() + h.side().h2FileSize());
                        System.out.println("  " + busy.coresBound(quiet.inferenceCores()));
                        System.out.println("  hub's HTTP server meanwhile: " + probe.describe());
                        System.out.println("  hub's log meanwhile: " + warnings(h.log(), log0));
                    }
                }
                double mi = median(idle);
                for (Map.Entry<Integer, List<Double>> f : floors.entrySet()) {
                    double mf = median(f.getValue());
                    System.out.printf(
                            "median, the machine's floor: one spinner at nice %d beside inference: %.2f frames/s, "
                                    + "ratio %.3f, loss %.1f%% (what one core of other work at this nice value costs "
                                    + "inference here)%n",
                            f.getKey(), mf, mf / mi, 100 * (1 - mf / mi));
                }
                for (Hub h : hubs) {
                    double ml = median(h.loaded());
                    System.out.printf(
                            "median, hub at %s: %.2f frames/s without routing, %.2f frames/s while the hub routes %d "
                                    + "msg/s: ratio %.3f, loss %.1f%% (median of the rounds' losses %.1f%%; target < 5%%)%n",
                            h.label(), mi, ml, rate, ml / mi, 100 * (1 - ml / mi), median(h.loss()));
                }
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
            HubProcess.removeWorkFolder(work);
        }
    }

    /**
     * Waits until the hub uses under 0.05 cores over a second (its outbox drained the NCR backlog of the last
     * phase, its JIT caught up), at most 60 s, so that the idle phase is idle; prints how long it took.
     */
    /** HH:MM:SS in UTC, as a flight recording prints its samples' start times. */
    private static String clock(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                .withZone(java.time.ZoneOffset.UTC)
                .format(t);
    }

    private static void awaitQuiet(List<Hub> hubs) throws IOException, InterruptedException {
        for (Hub h : hubs) {
            awaitQuiet(h.side().pid());
        }
    }

    /**
     * A hub and what it did: its label (its routing priority), its log and HTTP port, the frames/s and losses of its
     * loaded phases.
     */
    private record Hub(
            String label,
            NodeRedSideBySideBench.Side side,
            Path log,
            int http,
            List<Double> loaded,
            List<Double> loss) {}

    private static Hub startHub(
            String label,
            Path dir,
            MosquittoProcess broker,
            NodeRedSideBySideBench.Sink sink,
            List<Process> processes,
            String tag,
            List<String> settings)
            throws Exception {
        NodeRedSideBySideBench.Side side = NodeRedSideBySideBench.startHub(dir, broker, sink, processes, tag, settings);
        Path log = dir.resolve("hub.log");
        Matcher m = TOMCAT_PORT.matcher(Files.readString(log));
        if (!m.find()) {
            throw new IllegalStateException("no 'Tomcat started on port' in " + log);
        }
        return new Hub(label, side, log, Integer.parseInt(m.group(1)), new ArrayList<>(), new ArrayList<>());
    }

    private static final Pattern TOMCAT_PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Pattern WARN_LINE = Pattern.compile("\\s(WARN|ERROR)\\s");

    /** The hub's routing priority settings: its nice value and policy, each only where given. */
    private static List<String> settings(String nice, String policy) {
        List<String> s = new ArrayList<>();
        if (nice != null) {
            s.add("--visionhub.routing.nice=" + Integer.parseInt(nice));
        }
        if (policy != null) {
            if (!List.of("nice", "batch", "idle").contains(policy)) {
                throw new IllegalArgumentException("policy nice, batch or idle, got " + policy);
            }
            s.add("--visionhub.routing.policy=" + policy);
        }
        return s;
    }

    /**
     * The WARN and ERROR lines the hub logged after byte {@code from}: their count and the five most frequent kinds
     * (the line from its level on, numbers as #, cut at 160 characters), most frequent first.
     */
    private static String warnings(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.min(from, all.length);
        String text = new String(all, start, all.length - start, java.nio.charset.StandardCharsets.UTF_8);
        java.util.Map<String, Integer> kinds = new java.util.HashMap<>();
        int n = 0;
        for (String l : text.lines().toList()) {
            Matcher m = WARN_LINE.matcher(l);
            if (m.find()) {
                n++;
                String k = l.substring(m.start()).trim().replaceAll("\\d+", "#").replaceAll("\\s+", " ");
                kinds.merge(k.length() > 160 ? k.substring(0, 160) : k, 1, Integer::sum);
            }
        }
        if (n == 0) {
            return "no warnings or errors";
        }
        return n + " warnings/errors: "
                + kinds.entrySet().stream()
                        .sorted(java.util.Map.Entry.<String, Integer>comparingByValue()
                                .reversed())
                        .limit(5)
                        .map(e -> e.getValue() + "x " + e.getKey())
                        .collect(java.util.stream.Collectors.joining(" | "));
    }

    /**
     * Asks the hub's HTTP server for its liveness every 500 ms (any answer counts: Tomcat answered) and keeps the
     * slowest answer and the requests that got none in 10 s: what a load balancer's or an operator's check would see.
     */
    private static final class HttpProbe {
        private final java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(10))
                .build();
        private final java.net.URI uri;
        private final Thread thread;
        private volatile boolean stop;
        private int asked;
        private int unanswered;
        private long slowestNanos;
        private final List<Long> nanos = new ArrayList<>();

        HttpProbe(int port) {
            uri = java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness");
            thread = new Thread(this::run, "http-probe");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!stop) {
                long t0 = System.nanoTime();
                try {
                    client.send(
                            java.net.http.HttpRequest.newBuilder(uri)
                                    .timeout(java.time.Duration.ofSeconds(10))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                    record(System.nanoTime() - t0, true);
                } catch (IOException e) {
                    record(System.nanoTime() - t0, false);
                } catch (InterruptedException e) {
                    return;
                }
                long left = TimeUnit.MILLISECONDS.toNanos(500) - (System.nanoTime() - t0);
                if (left > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                }
            }
        }

        private synchronized void record(long n, boolean answered) {
            asked++;
            if (answered) {
                nanos.add(n);
                slowestNanos = Math.max(slowestNanos, n);
            } else {
                unanswered++;
            }
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(15_000);
        }

        synchronized String describe() {
            List<Long> s = new ArrayList<>(nanos);
            s.sort(Long::compare);
            return String.format(
                    "%d requests, %d unanswered in 10 s, median %.0f ms, slowest %.0f ms",
                    asked, unanswered, s.isEmpty() ? Double.NaN : s.get(s.size() / 2) / 1e6, slowestNanos / 1e6);
        }
    }

    /** Removes {@code --name=value} from the arguments and returns the value, or null. */
    private static String option(List<String> a, String prefix) {
        for (java.util.Iterator<String> i = a.iterator(); i.hasNext(); ) {
            String o = i.next();
            if (o.startsWith(prefix)) {
                i.remove();
                return o.substring(prefix.length());
            }
        }
        return null;
    }

    private static void awaitQuiet(long hubPid) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        double cores = Double.NaN;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
            long c0 = JvmThreadCpu.processTicks(hubPid);
            Thread.sleep(1000);
            cores = (JvmThreadCpu.processTicks(hubPid) - c0) / (double) JvmThreadCpu.TICKS_PER_SECOND;
            if (cores < 0.05) {
                break;
            }
        }
        System.out.printf(
                "  before the idle phase: waited %.0f s for the hub to go quiet (%.2f cores in the last second%s)%n",
                (System.nanoTime() - t0) / 1e9, cores, cores < 0.05 ? "" : ": not quiet after 60 s");
    }

    /** Events per warm-up burst unless --warmup-events says otherwise: the side-by-side bench's burst. */
    private static final int WARMUP_BURST = 10_000;

    /**
     * The CPU of one phase: the hub by thread, the broker, and this JVM split into inference (the threads named
     * "java": the main thread, which runs the session, and ORT's intra-op workers, which it started and which
     * inherit its name) and the rest (the traffic generator, its MQTT client, JIT, GC).
     */
    private static final class Phase {
        private final long brokerPid;
        private final long self;
        private final long t0 = System.nanoTime();
        private final JvmThreadCpu.Snapshot hub0;
        private final long broker0;
        private final JvmThreadCpu.Snapshot self0;
        private double seconds;
        private JvmThreadCpu.Split hub;
        private double brokerCores;
        private double inferenceCores;
        private double benchRestCores;

        private Phase(long hubPid, long brokerPid, long self) throws IOException {
            this.brokerPid = brokerPid;
            this.self = self;
            hub0 = JvmThreadCpu.snapshot(hubPid);
            broker0 = brokerPid < 0 ? 0 : JvmThreadCpu.processTicks(brokerPid);
            self0 = JvmThreadCpu.snapshot(self);
        }

        static Phase start(long hubPid, long brokerPid, long self) throws IOException {
            return new Phase(hubPid, brokerPid, self);
        }

        void end(NodeRedSideBySideBench.Side side) throws IOException {
            JvmThreadCpu.Snapshot hub1 = JvmThreadCpu.snapshot(hub0.pid());
            long broker1 = brokerPid < 0 ? 0 : JvmThreadCpu.processTicks(brokerPid);
            JvmThreadCpu.Snapshot self1 = JvmThreadCpu.snapshot(self);
            seconds = (System.nanoTime() - t0) / 1e9;
            hub = JvmThreadCpu.between(hub0, hub1, NodeRedSideBySideBench.threadNames(side, hub1));
            brokerCores = cores(broker1 - broker0);
            long inference = 0;
            for (Map.Entry<Long, Long> t : self1.threadTicks().entrySet()) {
                if ("java".equals(self1.comm().get(t.getKey()))) {
                    inference += t.getValue() - self0.threadTicks().getOrDefault(t.getKey(), 0L);
                }
            }
            inferenceCores = cores(inference);
            benchRestCores = cores(self1.processTicks() - self0.processTicks() - inference);
        }

        double hubCores() {
            return hub.totalMs() / 1000 / seconds;
        }

        /**
         * The least loss the cores alone explain: what the hub, the broker and the rest of this JVM took leaves
         * inference at most {@code cpus - others} of the {@code inferenceIdle} cores it used with the hub idle. Any loss
         * above it is the scheduler and the shared caches (the floor's spinner measures those).
         */
        String coresBound(double inferenceIdle) {
            int cpus = Runtime.getRuntime().availableProcessors();
            double others = hubCores() + brokerCores + benchRestCores;
            double left = Math.min(inferenceIdle, cpus - others);
            return String.format(
                    "the %d cores: hub %.2f + broker %.2f + generator and counter %.2f = %.2f, inference %.2f (%.2f with"
                            + " the hub idle): the cores alone leave inference at most %.2f, at least %.1f%% loss",
                    cpus,
                    hubCores(),
                    brokerCores,
                    benchRestCores,
                    others,
                    inferenceCores,
                    inferenceIdle,
                    left,
                    100 * Math.max(0, 1 - left / inferenceIdle));
        }

        double inferenceCores() {
            return inferenceCores;
        }

        String describe() {
            return String.format(
                    "hub by thread, cores: %s%n                 broker %s cores; this JVM: inference %.2f cores, "
                            + "the rest (traffic generator, MQTT client, JIT, GC) %.2f cores",
                    hub.line(seconds * 1000, "cores"),
                    brokerPid < 0 ? "?" : String.format("%.2f", brokerCores),
                    inferenceCores,
                    benchRestCores);
        }

        private double cores(long ticks) {
            return ticks / (double) JvmThreadCpu.TICKS_PER_SECOND / seconds;
        }
    }

    /**
     * Inference frames/s beside one CPU spinner at the given nice value (a shell loop: no memory traffic, no system
     * calls): the least that any work on the other core costs inference on this machine (shared caches, memory,
     * the hypervisor's scheduling of the two vCPUs, the kernel's placement of a lowered thread). Nice 10 is the
     * hub's routing priority, so a hub whose threads needed one core could not cost less than this.
     */
    private static double besideSpinner(
            OrtSession session, String input, OnnxTensor tensor, int seconds, int nice, List<Process> processes)
            throws Exception {
        Process spinner = new ProcessBuilder("nice", "-n", String.valueOf(nice), "sh", "-c", "while :; do :; done")
                .redirectErrorStream(true)
                .start();
        processes.add(spinner);
        try {
            Thread.sleep(1000);
            return frames(session, input, tensor, TimeUnit.SECONDS.toNanos(seconds));
        } finally {
            spinner.destroyForcibly();
            spinner.waitFor(10, TimeUnit.SECONDS);
            processes.remove(spinner);
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

    /** The paced traffic for {@code seconds}, not counted; prints the hub's cores by thread (its JIT's share). */
    private static void pacedWarmUp(Hub h, MosquittoProcess broker, int rate, int seconds, long brokerPid, long self)
            throws Exception {
        Traffic traffic = new Traffic(broker.url(), h.side().inRoot(), h.side().outFilter(), rate);
        traffic.prepare(seconds);
        traffic.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / 2);
        Phase second = Phase.start(h.side().pid(), brokerPid, self); // its second half: where the JIT stands
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / 2);
        second.end(h.side());
        traffic.stop();
        System.out.printf(
                "paced warm-up of the hub at %s (not counted): %d s at %d msg/s; its second half: %s%n",
                h.label(), seconds, rate, second.describe());
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

        /**
         * The events of the next {@code seconds} of traffic, built and serialised before the clock starts: the
         * cameras and PLCs that send a hub its traffic are other machines, so building the messages is not routing
         * cost; on this 2-core box it took inference's CPU like the hub's work did (0.21 cores of this JVM for
         * generator and counter with events built on the fly, 7 Dec). Past them events are built as they go.
         */
        private byte[][] prepared = new byte[0][];

        void prepare(int seconds) {
            byte[][] out = new byte[rate * seconds][];
            for (int k = 0; k < out.length; k++) {
                out[k] = payload(k);
            }
            prepared = out;
        }

        private static String station(long k) {
            return "bench-" + (k % 8 + 1);
        }

        private static byte[] payload(long k) {
            return EventJson.toBytes(NodeRedSideBySideBench.event(station(k), "C" + k, k % 10 == 9));
        }

        void start() {
            int perTick = Math.max(1, rate / 100);
            ticker.scheduleAtFixedRate(
                    () -> {
                        for (int i = 0; i < perTick; i++) {
                            long k = n.getAndIncrement();
                            String station = station(k);
                            MqttMessage m = new MqttMessage(k < prepared.length ? prepared[(int) k] : payload(k));
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
