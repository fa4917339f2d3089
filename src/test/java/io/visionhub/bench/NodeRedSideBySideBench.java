package io.visionhub.bench;

import com.sun.net.httpserver.HttpServer;
import io.visionhub.HubProcess;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.outputs.PortPicker;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The hub against Node-RED on the same flow, the same broker and the same machine (issue 21). Inspection events
 * (the hub's JSON, without production context) arrive on MQTT QoS 1; each side enriches them with line-1's
 * production context, records them durably, publishes them on MQTT QoS 1 and POSTs a JSONata-mapped document for
 * every NG part to an HTTP sink:
 * <ul>
 *   <li><b>hub</b>: a separate JVM of the hub (target/classes, its own H2 ledger in a temporary working folder)
 *   running routes/examples/mqtt-inspection-input.yaml.example into routes/demo.yaml's {@code inspection} route
 *   (context, rules with {@code extraNgTargets=webhook}, ledger record with outbox rows, OPC UA, MQTT out, quality
 *   screens), the webhook target pointed at the sink (outbox, mappings/demo-customer/webhook.jsonata);</li>
 *   <li><b>Node-RED</b> (npm node-red under bench/node-red, run headless on a flow file this bench writes): mqtt in
 *   (QoS 1, persistent session) → function (context from a table) → function (append to a file, once without and
 *   once with fsync per record: two instances) → mqtt out (QoS 1) and switch NG → change (JSONata) → http request.</li>
 * </ul>
 * Each side first gets warm-up bursts (not counted) until its CPU per event settles: the same rule for both
 * ({@link Warmup}: bursts of the measured size until 3 in a row agree within 10% in CPU ms/event and, for the hub,
 * its JIT compiler threads took at most 5% of each one's CPU; at most 40), each
 * burst printed. Then alternating rounds of a 10,000-event burst published as fast as the broker takes them (8
 * stations); for each side: events received on its output topic, lost, events/s (first publish to last output) and
 * CPU ms per event (utime+stime of the whole process from /proc/&lt;pid&gt;/stat, from the first publish until the
 * last output and the burst's NG POSTs have come), then the ratios. For the hub the CPU is also split by thread
 * ({@link JvmThreadCpu}: JIT compiler, GC, input lanes, ledger, outbox, HTTP and MQTT clients, other) and given
 * without the JIT compiler threads, labelled as such; the headline stays all of the process's CPU. For Node-RED,
 * its process total. The broker is a Mosquitto of the bench's own with the settings docs/mqtt.md gives
 * (max_queued_messages 100000); {@code --stock} runs it with Mosquitto's defaults (1000 queued messages per
 * client) instead.
 *
 * <p>Run: {@code (cd bench/node-red && npm ci) && ./mvnw -q -B -o compile && bench/run NodeRedSideBySideBench
 * [events] [rounds] [--stock] [--hub-only] [--rewarm] [--warmup-events=N] [--warmup-max=N] [--settle=F]
 * [--settle-window=N] [--jit-settle=F] [--hub-b=tree] [--hub-b-arg=--key=value ...] [--hub-arg=--key=value ...]
 * ["--broker-conf=option value" ...]}; {@code --rewarm} gives every side one uncounted burst right before each of
 * its measured ones (both runtimes alike); {@code --broker-conf} adds a line to the broker's mosquitto.conf;
 * {@code --hub-arg} adds a setting to the hub's command line (repeatable; shown in the hub's name; it replaces the
 * bench's own setting of the same key), e.g. {@code --hub-arg=--visionhub.quality.ncr.enabled=false}: closer to the
 * flow Node-RED runs, without the NCR register's item per NG part in the ledger and to SAP QM, or
 * {@code --hub-arg=--visionhub.routes.dir=routes-same-work}: the hub's inspection route doing the work of Node-RED's
 * flow and no more (bench/node-red/hub-same-work.yaml: no OPC UA station nodes, quality screens, NCR, maintenance or
 * PLC output); {@code --hub-b} starts a second hub ("hub B") from another source tree (say a worktree of the base
 * commit, compiled): its target/classes in place of this tree's, its routes, kamelets and mappings; measured in turn
 * with the first, an A/B of a change under the same load; {@code --hub-b-arg} adds a setting to hub B only (with
 * {@code --hub-b=.} an A/B of one setting on the same classes); with {@code HUB_JFR=/tmp/hub.jfr} the hub runs with a
 * flight recording, {@code HUB_JVM_OPTS='-Xlog:...'} adds JVM options to the hub's command line (split on spaces),
 * {@code HUB_RECEIVE_MAXIMUM=n} sets its input's in-flight window (default 256)
 */
public final class NodeRedSideBySideBench {

    private static final String LINE = "line-1";
    private static final int STATIONS = 8;
    /** the hub's second routes folder: the same work as Node-RED's flow (bench/node-red/hub-same-work.yaml) */
    static final String SAME_WORK_ROUTES = "routes-same-work";

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        boolean stock = a.remove("--stock");
        // the hub alone (no Node-RED needed): to iterate on the hub's own cost quickly
        boolean hubOnly = a.remove("--hub-only");
        // one uncounted burst of each side right before its measured one: each round then meets a process that has
        // just run the flow (after the other sides' rounds the hub's JVM recompiled for the first burst: JIT 20-29 %
        // of its CPU in the round after Node-RED's; bench/README.md, "Commits per document, and re-warmed rounds");
        // both sides get it
        boolean rewarm = a.remove("--rewarm");
        // a second hub on other classes (e.g. a copy of the base's target/classes), measured in turn with the first
        // under the same load: an A/B of a change in one run
        String hubB = null;
        // settings of the hub (both hubs with --hub-b), e.g. --hub-arg=--visionhub.quality.ncr.enabled=false for the
        // flow Node-RED runs without the hub's own per-NG extras; printed with the hub's name
        List<String> hubArgs = new ArrayList<>(List.of("--visionhub.routing.nice=0"));
        // settings of hub B only (after hubArgs), e.g. --hub-b=. --hub-b-arg=--spring.datasource.url=...: an A/B of a
        // setting on the same classes in one run
        List<String> hubBArgs = new ArrayList<>();
        // lines added to the broker's mosquitto.conf (after the bench's own; Mosquitto takes the last of a repeated
        // option), e.g. "--broker-conf=max_inflight_messages 1000"
        List<String> brokerConf = new ArrayList<>();
        for (java.util.Iterator<String> i = a.iterator(); i.hasNext(); ) {
            String o = i.next();
            if (o.startsWith("--hub-b=")) {
                hubB = o.substring("--hub-b=".length());
                i.remove();
            } else if (o.startsWith("--hub-b-arg=")) {
                hubBArgs.add(o.substring("--hub-b-arg=".length()));
                i.remove();
            } else if (o.startsWith("--broker-conf=")) {
                brokerConf.add(o.substring("--broker-conf=".length()));
                i.remove();
            } else if (o.startsWith("--hub-arg=")) {
                hubArgs.add(o.substring("--hub-arg=".length()));
                i.remove();
            }
        }
        String hubName = hubArgs.size() == 1
                ? "hub (H2 ledger)"
                : "hub (H2 ledger; " + String.join(" ", hubArgs.subList(1, hubArgs.size())) + ")";
        if (hubB == null && !hubBArgs.isEmpty()) {
            throw new IllegalArgumentException("--hub-b-arg " + hubBArgs + " needs --hub-b=<tree> (--hub-b=. for this "
                    + "tree): without a hub B the setting would be ignored");
        }
        Warmup warmup = Warmup.take(a); // removes the --warmup-*/--settle* options it reads
        int events = a.size() > 0 ? Integer.parseInt(a.get(0)) : 10_000;
        int rounds = a.size() > 1 ? Integer.parseInt(a.get(1)) : 3;
        Path nodeRed = Path.of("bench/node-red/node_modules/node-red/red.js");
        if (!hubOnly && !Files.exists(nodeRed)) {
            throw new IllegalStateException("Node-RED is not installed: run (cd bench/node-red && npm ci) first");
        }
        Path work = Files.createTempDirectory("nodered-side-by-side");
        MachineLoad load = MachineLoad.start();
        Sink sink = new Sink();
        MosquittoProcess broker = new MosquittoProcess(work.resolve("broker"), brokerConf, stock);
        broker.start();
        List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
        // a bench stopped with Ctrl-C or kill leaves no hub, Node-RED or broker behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processes.forEach(Process::destroyForcibly);
            try {
                broker.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            // routing priority off: this flow runs no inference for it to yield to, and at nice 10 the hub would
            // yield to the broker and this bench's own publisher, which Node-RED (nice 0) does not
            Side hub = startHub(work.resolve("hub"), broker, sink, processes, "", hubArgs, Path.of(""), hubName);
            Side nr = hubOnly
                    ? null
                    : startNodeRed(nodeRed, work.resolve("node-red"), "nr", false, broker, sink, processes);
            Side nrSync = hubOnly
                    ? null
                    : startNodeRed(nodeRed, work.resolve("node-red-fsync"), "nrs", true, broker, sink, processes);
            Side b = hubB == null
                    ? null
                    : startHub(
                            work.resolve("hub-b"),
                            broker,
                            sink,
                            processes,
                            "-b",
                            Stream.concat(hubArgs.stream(), hubBArgs.stream()).toList(),
                            Path.of(hubB),
                            "hub B (" + hubB + (hubBArgs.isEmpty() ? "" : "; " + String.join(" ", hubBArgs)) + ")");
            List<Side> sides = new ArrayList<>(hubOnly ? List.of(hub) : List.of(hub, nr, nrSync));
            if (b != null) {
                sides.add(1, b);
            }
            System.out.printf(
                    "NodeRedSideBySideBench: %d events per burst (%d stations, 10%% NG), %d rounds, broker %s, "
                            + "node %s, Node-RED %s%n",
                    events,
                    STATIONS,
                    rounds,
                    (stock ? "Mosquitto defaults (--stock)" : "docs/mqtt.md settings")
                            + (brokerConf.isEmpty() ? "" : " and " + String.join(", ", brokerConf)),
                    version("node", "--version"),
                    nodeRedVersion());
            System.out.println("warm-up of each side (not counted): " + warmup.describe(events));
            for (Side side : sides) { // both runtimes until their CPU per event settles
                warmUp(side, broker, sink, warmup, events);
            }
            Map<Side, List<Result>> results = new java.util.LinkedHashMap<>();
            sides.forEach(s -> results.put(s, new ArrayList<>()));
            for (int r = 1; r <= rounds; r++) {
                for (Side side : sides) {
                    if (rewarm) {
                        Result w = burst(side, broker, events, sink);
                        System.out.printf(
                                "re-warm %d %-22s received %5d/%d  %7.0f events/s  CPU %.3f ms/event (not counted)%n",
                                r, side.name, w.received, events, w.perSecond(), w.cpuMsPerEvent());
                    }
                    long[] ledger0 = side.ledgerCounters();
                    Result res = burst(side, broker, events, sink);
                    results.get(side).add(res);
                    System.out.printf(
                            "round %d %-22s received %5d/%d lost %4d  %7.0f events/s  CPU %.3f ms/event  NG POSTs %d%s%s%n",
                            r,
                            side.name,
                            res.received,
                            events,
                            events - res.received,
                            res.perSecond(),
                            res.cpuMsPerEvent(),
                            res.posts,
                            side.h2FileSize(),
                            Side.perCommit(ledger0, side.ledgerCounters()));
                    if (res.split != null) {
                        System.out.println("        by thread, ms/event: " + res.split.line(res.received, "ms/event"));
                    }
                    if (res.jit != null) {
                        System.out.println("        JIT: " + res.jit);
                    }
                }
            }
            System.out.println("--- medians over " + rounds + " rounds ---");
            for (Side side : sides) {
                Result m = median(results.get(side));
                long lost = results.get(side).stream()
                        .mapToLong(x -> events - x.received)
                        .sum();
                System.out.printf(
                        "%-22s %7.0f events/s  CPU %.3f ms/event  lost %d of %d  (guarantee: %s)%n",
                        side.name, m.perSecond(), m.cpuMsPerEvent(), lost, events * rounds, side.guarantee);
                List<Result> rs = results.get(side);
                if (rs.get(0).split != null) {
                    // the headline above is ALL the process's CPU, JIT included; without JIT only as a reading aid
                    List<Double> noJit = rs.stream()
                            .map(x -> x.split.withoutJitMs() / x.received)
                            .sorted()
                            .toList();
                    JvmThreadCpu.Split all = rs.get(0).split;
                    int received = rs.get(0).received;
                    for (Result x : rs.subList(1, rs.size())) {
                        all = all.plus(x.split);
                        received += x.received;
                    }
                    System.out.printf(
                            "%-22s steady state: all threads %.3f ms/event (median; JIT included), without the JIT "
                                    + "compiler threads %.3f ms/event (median, labelled: not the headline)%n",
                            "", m.cpuMsPerEvent(), noJit.get(noJit.size() / 2));
                    System.out.println("                       by thread over all rounds, ms/event: "
                            + all.line(received, "ms/event"));
                }
            }
            Result h = median(results.get(hub));
            for (Side other : sides.subList(1, sides.size())) {
                Result o = median(results.get(other));
                System.out.printf(
                        "hub / %-16s throughput %.2fx  CPU per event %.2fx (hub CPU target <= 0.5 ms/event, "
                                + "throughput target >= 1.0x of Node-RED; 3x = %.0f events/s)%n",
                        other.name,
                        h.perSecond() / o.perSecond(),
                        h.cpuMsPerEvent() / o.cpuMsPerEvent(),
                        3 * o.perSecond());
            }
            System.out.println("machine: " + load.summary() + "; " + Instant.now());
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            broker.stop();
            sink.close();
            HubProcess.removeWorkFolder(work);
        }
        // a Paho or HTTP client thread left behind kept the JVM up for minutes after the figures (seen at 2026-12-05)
        System.exit(0);
    }

    /** One side of the comparison: where it listens, where it answers, its process; {@code jvm}: split by thread. */
    /**
     * @param h2File the hub's H2 database file (its size is printed after each round); null for Node-RED
     * @param http   the hub's HTTP port (its ledger's commit counters are printed after each round); 0 for Node-RED
     */
    record Side(
            String name,
            String inRoot,
            String outFilter,
            long pid,
            String guarantee,
            boolean jvm,
            Path h2File,
            int http) {

        /**
         * The hub's ledger counters, commits and records (its Prometheus endpoint, as the demo's operator); null for
         * Node-RED or when they cannot be read.
         */
        long[] ledgerCounters() {
            if (http == 0) {
                return null;
            }
            try {
                String auth = java.util.Base64.getEncoder()
                        .encodeToString("operator:operator-demo".getBytes(StandardCharsets.UTF_8));
                HttpResponse<String> r = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/actuator/prometheus"))
                                        .header("Authorization", "Basic " + auth)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                return new long[] {
                    counter(r.body(), "visionhub_ledger_commits_total"),
                    counter(r.body(), "visionhub_ledger_records_total")
                };
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private static long counter(String prometheus, String name) {
            for (String line : prometheus.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            throw new IllegalStateException(name + " not in the hub's metrics");
        }

        /** "; ledger N commits for M records (R per commit)" between two readings, "" when either is missing. */
        static String perCommit(long[] before, long[] after) {
            if (before == null || after == null) {
                return "";
            }
            long commits = after[0] - before[0];
            long records = after[1] - before[1];
            return String.format(
                    "; ledger %d commits for %d records (%.1f per commit)",
                    commits, records, commits == 0 ? 0.0 : records / (double) commits);
        }

        /** "; H2 file N MB" for a hub, "" for Node-RED. */
        String h2FileSize() {
            try {
                return h2File == null ? "" : String.format("; H2 file %.0f MB", Files.size(h2File) / 1e6);
            } catch (IOException e) {
                return "; H2 file unreadable: " + e.getMessage();
            }
        }
    }

    /**
     * A burst: events seen on the output, seconds from first publish to last output, CPU, NG POSTs at the sink; for a
     * JVM side its CPU by thread and what its JIT compiled meanwhile ({@link HotSpotCounters}, null if unread).
     */
    record Result(int received, double seconds, double cpuMs, int posts, JvmThreadCpu.Split split, String jit) {
        double perSecond() {
            return received / seconds;
        }

        double cpuMsPerEvent() {
            return received == 0 ? Double.NaN : cpuMs / received;
        }
    }

    private static Result median(List<Result> rs) {
        List<Result> s = new ArrayList<>(rs);
        s.sort((x, y) -> Double.compare(x.perSecond(), y.perSecond()));
        Result m = s.get(s.size() / 2);
        List<Double> cpu = rs.stream().map(Result::cpuMsPerEvent).sorted().toList();
        double cpuMedian = cpu.get(cpu.size() / 2);
        return new Result(m.received, m.seconds, cpuMedian * m.received, m.posts, null, null);
    }

    // ---------------------------------------------------------------- warm-up

    /**
     * The warm-up rule, the same for every side: bursts of {@code events} until the CPU ms/event of the last
     * {@code window} bursts lie within {@code tolerance} of each other (max / min) and, for a JVM (the hub, whose CPU
     * is split by thread), its JIT compiler threads took at most {@code jitShare} of the CPU in each of them; at most
     * {@code maxBursts}. A window of 3 (two consecutive differences) because one pair matched by chance while the hub
     * was still compiling: 1.41 then 1.44 ms/event, then 1.20 (the lead's rounds of 2026-12-05 21:25). The JIT share
     * because the CPU rule alone was met while the hub still compiled (20-24 % of its CPU in the rounds, 6 Dec): its
     * tiered warm-up takes 200,000-300,000 events (code run once per group commit or outbox poll reaches C2's
     * thresholds that late), after which it compiled ~20 methods a burst and its CPU per event had fallen by half.
     *
     * @param events    events per warm-up burst; 0: the measured burst's size
     * @param maxBursts the cap; a side not settled by then is said so and measured anyway
     * @param tolerance e.g. 0.10: the window's largest CPU ms/event at most 10% over its smallest
     * @param window    bursts that must agree
     * @param jitShare  e.g. 0.05: the JIT threads' largest share of a window burst's CPU; 1 turns the check off
     */
    record Warmup(int events, int maxBursts, double tolerance, int window, double jitShare) {

        /**
         * Reads and removes {@code --warmup-events=N} (default: the measured burst's size), {@code --warmup-max=N}
         * (40), {@code --settle=F} (0.10), {@code --settle-window=N} (3) and {@code --jit-settle=F} (0.05) from a
         * bench's arguments.
         */
        static Warmup take(List<String> args) {
            int events = 0;
            int max = 40;
            double tolerance = 0.10;
            int window = 3;
            double jit = 0.05;
            for (java.util.Iterator<String> i = args.iterator(); i.hasNext(); ) {
                String o = i.next();
                String v = o.substring(o.indexOf('=') + 1);
                try {
                    if (o.startsWith("--warmup-events=")) {
                        events = Integer.parseInt(v);
                    } else if (o.startsWith("--warmup-max=")) {
                        max = Integer.parseInt(v);
                    } else if (o.startsWith("--settle=")) {
                        tolerance = Double.parseDouble(v);
                    } else if (o.startsWith("--settle-window=")) {
                        window = Integer.parseInt(v);
                    } else if (o.startsWith("--jit-settle=")) {
                        jit = Double.parseDouble(v);
                    } else {
                        continue;
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("warm-up option " + o + ": not a number", e);
                }
                i.remove();
            }
            if (events < 0 || max < 1 || tolerance <= 0 || window < 2 || jit <= 0 || jit > 1) {
                throw new IllegalArgumentException("warm-up: need --warmup-events >= 0, --warmup-max >= 1, "
                        + "--settle > 0, --settle-window >= 2, 0 < --jit-settle <= 1; got " + events + ", " + max
                        + ", " + tolerance + ", " + window + ", " + jit);
            }
            return new Warmup(events, max, tolerance, window, jit);
        }

        int burstEvents(int measured) {
            return events == 0 ? measured : events;
        }

        /**
         * True when the last {@code window} bursts' CPU ms/event are within the tolerance of each other and each of
         * their JIT shares (NaN for a side not split by thread: not checked) is at most {@link #jitShare}.
         */
        boolean settled(List<Double> cpuMsPerEvent, List<Double> jitShares) {
            if (cpuMsPerEvent.size() < window) {
                return false;
            }
            List<Double> last = cpuMsPerEvent.subList(cpuMsPerEvent.size() - window, cpuMsPerEvent.size());
            double min = last.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double max = last.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            boolean compiled = jitShares.subList(jitShares.size() - window, jitShares.size()).stream()
                    .allMatch(j -> j.isNaN() || j <= jitShare);
            return max <= min * (1 + tolerance) && compiled;
        }

        String describe(int measured) {
            return String.format(
                    "bursts of %d events until %d in a row agree within %.0f%% in CPU ms/event and (a JVM) its JIT "
                            + "threads took at most %.0f%% of each one's CPU, at most %d",
                    burstEvents(measured), window, 100 * tolerance, 100 * jitShare, maxBursts);
        }
    }

    /** Warm-up bursts on one side until its CPU per event settles (or the cap); prints each burst. */
    static List<Result> warmUp(Side side, MosquittoProcess broker, Sink sink, Warmup rule, int measured)
            throws Exception {
        int events = rule.burstEvents(measured);
        List<Result> bursts = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> jit = new ArrayList<>();
        for (int b = 1; b <= rule.maxBursts(); b++) {
            Result w = burst(side, broker, events, sink);
            bursts.add(w);
            cpu.add(w.cpuMsPerEvent());
            jit.add(w.split == null ? Double.NaN : w.split.jitShare());
            String change = b == 1
                    ? ""
                    : String.format(" (%+.1f%% on the previous)", 100 * (w.cpuMsPerEvent() / cpu.get(b - 2) - 1));
            System.out.printf(
                    "warm-up %2d %-22s received %5d/%d  %7.0f events/s  CPU %.3f ms/event%s%n",
                    b, side.name, w.received, events, w.perSecond(), w.cpuMsPerEvent(), change);
            if (w.split != null) {
                System.out.println("        by thread, ms/event: " + w.split.line(w.received, "ms/event"));
            }
            if (w.jit != null) {
                System.out.println("        JIT: " + w.jit);
            }
            if (rule.settled(cpu, jit)) {
                System.out.printf("warm-up %-22s settled after %d bursts (%d events)%n", side.name, b, b * events);
                return bursts;
            }
        }
        System.out.printf(
                "warm-up %-22s NOT settled after %d bursts (%d events): the rounds below still include warm-up%n",
                side.name, rule.maxBursts(), rule.maxBursts() * events);
        return bursts;
    }

    // ---------------------------------------------------------------- the burst and its measurement

    private static Result burst(Side side, MosquittoProcess broker, int events, Sink sink) throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicLong lastSeen = new AtomicLong();
        MqttAsyncClient sub =
                new MqttAsyncClient(broker.url(), "bench-sub-" + System.nanoTime(), new MemoryPersistence());
        sub.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String id = idOf(message.getPayload());
                if (id != null && ids.contains(id) && seen.add(id)) {
                    lastSeen.set(System.nanoTime());
                }
            }

            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {}

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {}

            @Override
            public void deliveryComplete(IMqttToken t) {}

            @Override
            public void connectComplete(boolean reconnect, String uri) {}

            @Override
            public void authPacketArrived(int code, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {}
        });
        MqttConnectionOptions so = new MqttConnectionOptions();
        so.setReceiveMaximum(65_535);
        sub.connect(so).waitForCompletion(10_000);
        sub.subscribe(side.outFilter, 1).waitForCompletion(10_000);

        List<byte[]> payloads = new ArrayList<>(events);
        List<String> topics = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            String station = "bench-" + (i % STATIONS + 1);
            InspectionEvent e = event(station, "P" + i, i % 10 == 9);
            ids.add(e.id());
            payloads.add(EventJson.toBytes(e));
            topics.add(side.inRoot + "/site-b/" + LINE + "/" + station + "/inspection");
        }
        int postsBefore = sink.posts(side.name);
        MqttAsyncClient pub =
                new MqttAsyncClient(broker.url(), "bench-pub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions po = new MqttConnectionOptions();
        pub.connect(po).waitForCompletion(10_000);
        // the JIT's counters from the JVM's performance-data file (jstat, no attach): outside the measured interval
        HotSpotCounters.Snapshot jit0 = side.jvm ? HotSpotCounters.read(side.pid) : null;
        JvmThreadCpu.Snapshot before = side.jvm ? JvmThreadCpu.snapshot(side.pid) : null;
        long cpu0 = before != null ? before.processTicks() : JvmThreadCpu.processTicks(side.pid);
        long t0 = System.nanoTime();
        lastSeen.set(t0);
        Semaphore window = new Semaphore(1000);
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch published = new CountDownLatch(events);
        for (int i = 0; i < events; i++) {
            window.acquire();
            MqttMessage m = new MqttMessage(payloads.get(i));
            m.setQos(1);
            while (true) {
                try {
                    pub.publish(topics.get(i), m, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken t) {
                            window.release();
                            published.countDown();
                        }

                        @Override
                        public void onFailure(IMqttToken t, Throwable ex) {
                            failed.incrementAndGet();
                            window.release();
                            published.countDown();
                        }
                    });
                    break;
                } catch (org.eclipse.paho.mqttv5.common.MqttException ex) {
                    if (ex.getReasonCode() != 32202) { // too many in flight: the broker's receive maximum
                        throw ex;
                    }
                    Thread.sleep(1);
                }
            }
        }
        published.await(120, TimeUnit.SECONDS);
        // until every event is out, or nothing new for 20 s
        while (seen.size() < events && System.nanoTime() - lastSeen.get() < TimeUnit.SECONDS.toNanos(20)) {
            Thread.sleep(20);
        }
        long end = lastSeen.get();
        // the hub's outbox POSTs the NG documents after the commit: its CPU counts until they have come (or 2 s pass
        // without one), so that the work a burst leaves behind is in the burst's figure
        awaitPosts(sink, side.name, postsBefore + ngEvents(events));
        JvmThreadCpu.Snapshot after = side.jvm ? JvmThreadCpu.snapshot(side.pid) : null;
        long cpu1 = after != null ? after.processTicks() : JvmThreadCpu.processTicks(side.pid);
        int posts = sink.posts(side.name) - postsBefore;
        // the Java thread names (jcmd) only after the measured interval: the dump costs the hub a safepoint
        JvmThreadCpu.Split split = after == null ? null : JvmThreadCpu.between(before, after, threadNames(side, after));
        HotSpotCounters.Snapshot jit1 = jit0 == null ? null : HotSpotCounters.read(side.pid);
        pub.disconnect().waitForCompletion(5_000);
        pub.close();
        sub.disconnect().waitForCompletion(5_000);
        sub.close();
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " publishes refused by the broker)");
        }
        return new Result(
                seen.size(),
                (end - t0) / 1e9,
                (cpu1 - cpu0) * 1000.0 / JvmThreadCpu.TICKS_PER_SECOND,
                posts,
                split,
                jit1 == null ? null : jit1.since(jit0));
    }

    private static int ngEvents(int events) {
        return events / 10; // event(…, i % 10 == 9)
    }

    private static void awaitPosts(Sink sink, String side, int expected) throws InterruptedException {
        int last = sink.posts(side);
        long since = System.nanoTime();
        while (last < expected && System.nanoTime() - since < TimeUnit.SECONDS.toNanos(2)) {
            Thread.sleep(20);
            int now = sink.posts(side);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
    }

    /** Java thread names by native id, per process; asked of the JVM again only when new threads appear. */
    private static final Map<Long, Map<Long, String>> THREAD_NAMES = new ConcurrentHashMap<>();

    static Map<Long, String> threadNames(Side side, JvmThreadCpu.Snapshot after) {
        Map<Long, String> known = THREAD_NAMES.getOrDefault(side.pid, Map.of());
        if (known.isEmpty() || !known.keySet().containsAll(after.threadTicks().keySet())) {
            known = JvmThreadCpu.javaThreadNames(side.pid);
            THREAD_NAMES.put(side.pid, known);
        }
        return known;
    }

    static String idOf(byte[] payload) {
        String s = new String(payload, StandardCharsets.UTF_8);
        int i = s.indexOf("\"id\":\"");
        if (i < 0) {
            return null;
        }
        int start = i + 6;
        int end = s.indexOf('"', start);
        return end < 0 ? null : s.substring(start, end);
    }

    static InspectionEvent event(String station, String partId, boolean ng) {
        Instant now = Instant.now();
        List<Defect> defects = ng ? List.of(new Defect("scratch", 0.91, new Defect.Box(10, 20, 30, 40))) : List.of();
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                "cam-" + station,
                LINE,
                now,
                now,
                new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                ng ? InspectionEvent.Verdict.NG : InspectionEvent.Verdict.OK,
                defects,
                ng ? 0.93 : 0.12,
                null,
                null,
                InspectionEvent.ContextStatus.MISSING,
                partId,
                new Latency(1, 1, 5, 1, 8));
    }

    // ---------------------------------------------------------------- the hub

    /**
     * A hub process; {@code tag} (empty for the first) keeps a second hub's input topic and client id apart on the
     * same broker, {@code extraArgs} are more --settings for it.
     */
    static Side startHub(
            Path dir, MosquittoProcess broker, Sink sink, List<Process> processes, String tag, List<String> extraArgs)
            throws Exception {
        return startHub(dir, broker, sink, processes, tag, extraArgs, Path.of(""), "hub (H2 ledger)");
    }

    /**
     * A hub process of the source tree {@code tree} (its target/classes in place of this tree's, its routes,
     * kamelets, mappings and models; {@code Path.of("")}: this tree), named {@code name} (which must start with
     * "hub": the sink's key).
     */
    static Side startHub(
            Path dir,
            MosquittoProcess broker,
            Sink sink,
            List<Process> processes,
            String tag,
            List<String> extraArgs,
            Path tree,
            String name)
            throws Exception {
        String classPath =
                tree.toString().isEmpty() ? absoluteClassPath() : classPathWith(tree.resolve("target/classes"));
        String inRoot = "hub" + tag + "-in";
        String site = "site-b"; // both hubs publish here: the benches load one hub at a time
        Files.createDirectories(dir.resolve("routes"));
        for (String d : List.of("kamelets", "mappings", "models")) {
            copyTree(tree.resolve(d), dir.resolve(d));
        }
        // the hub's routes less the demo MES simulator (the bench pushes line-1's context, no demo camera runs)
        for (String f : List.of("demo.yaml", "ledger.yaml", "quality-alarms.yaml")) {
            Files.copy(tree.resolve("routes").resolve(f), dir.resolve("routes").resolve(f));
        }
        Files.copy(
                tree.resolve("routes/examples/mqtt-inspection-input.yaml.example"),
                dir.resolve("routes/mqtt-inspection-input.yaml"));
        // the same routes with bench/node-red/hub-same-work.yaml in place of demo.yaml: the work of Node-RED's flow
        // and no more (no OPC UA station nodes, quality screens, NCR, PLC), chosen with
        // --hub-arg=--visionhub.routes.dir=routes-same-work (or --hub-b-arg=... for an A/B in one run)
        Path sameWork = tree.resolve("bench/node-red/hub-same-work.yaml");
        if (Files.exists(sameWork)) { // a hub B tree from before it has none
            Path same = Files.createDirectories(dir.resolve(SAME_WORK_ROUTES));
            try (Stream<Path> routes = Files.list(dir.resolve("routes"))) {
                for (Path f : routes.filter(f -> !f.getFileName().toString().equals("demo.yaml"))
                        .toList()) {
                    Files.copy(f, same.resolve(f.getFileName()));
                }
            }
            Files.copy(sameWork, same.resolve("inspection.yaml"));
        }
        int http = PortPicker.ephemeral("127.0.0.1");
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        String jfr = System.getenv("HUB_JFR"); // a flight recording of the hub, e.g. HUB_JFR=/tmp/hub.jfr
        if (jfr != null && !jfr.isBlank()) {
            // a second hub (tag) records beside the first: /tmp/hub.jfr -> /tmp/hub-b.jfr
            String file = tag.isEmpty() ? jfr : jfr.replaceFirst("(\\.jfr)?$", tag + "$1");
            cmd.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile");
        }
        // extra JVM options for the hub, e.g. HUB_JVM_OPTS='-Xlog:jit+compilation=debug:file=/tmp/jit.log:uptime'
        String opts = System.getenv("HUB_JVM_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        }
        cmd.addAll(List.of(
                "-cp",
                classPath,
                "io.visionhub.VisionHubApplication",
                "--server.port=" + http,
                "--visionhub.opcua.port=0",
                "--visionhub.broker.enabled=false",
                "--visionhub.mqtt.broker-url=" + broker.url(),
                "--visionhub.site=" + site,
                "--visionhub.mqtt-input.broker-url=" + broker.url(),
                "--visionhub.mqtt-input.client-id=hub-bench-input" + tag,
                // the in-flight window (default 256): what the broker may hand over before the ledger commits
                "--visionhub.mqtt-input.receive-maximum=" + System.getenv().getOrDefault("HUB_RECEIVE_MAXIMUM", "256"),
                "--visionhub.mqtt-input.topic=" + inRoot + "/+/+/+/inspection",
                "--visionhub.enterprise.targets.webhook.url=" + sink.url(),
                "--visionhub.enterprise.targets.webhook.path=/hub",
                "--visionhub.enterprise.rules.extra-ng-targets=webhook"));
        if (!tag.isEmpty()) { // the broker drops a client whose id another one connects with
            cmd.add("--visionhub.mqtt.client-id=visionhub-site-b-bench" + tag);
        }
        // a setting given in extraArgs replaces the bench's own (Spring Boot would read both values as a list)
        for (String arg : extraArgs) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                String key = arg.substring(0, eq + 1);
                cmd.removeIf(c -> c.startsWith(key));
            }
            cmd.add(arg);
        }
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        processes.add(p);
        CountDownLatch ready = new CountDownLatch(1);
        pump(p, dir.resolve("hub.log"), line -> {
            if (line.contains("mqtt-input:") && line.contains("connected to")) {
                ready.countDown();
            }
            if (line.contains("Routing priority")) { // what the hub did with its threads' priority
                System.out.println("hub" + tag + ": " + line.substring(line.indexOf("Routing priority")));
            }
        });
        // HUB_START_S: how long to wait for the hub (600 s by default: under load 30-60 a hub starts in 4-6 min)
        int startS = Integer.parseInt(System.getenv().getOrDefault("HUB_START_S", "600"));
        if (!ready.await(startS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the hub did not connect its MQTT input in " + startS + " s (HUB_START_S "
                    + "waits longer); see " + dir.resolve("hub.log"));
        }
        pushContext(http);
        return new Side(
                name,
                inRoot,
                "visionhub/" + site + "/+/+/inspection",
                p.pid(),
                "acknowledges after the ledger commit; ledger (hash chain, signed heads) + outbox on H2; persistent "
                        + "session; NG POST from the durable outbox, retried",
                true,
                dir.resolve("data/visionhub.mv.db"),
                http);
    }

    /** The bench's class path with {@code classes} in place of the hub's own classes folder (absolute entries). */
    private static String classPathWith(Path classes) {
        String main = "io/visionhub/VisionHubApplication.class";
        if (!Files.exists(classes.resolve(main))) {
            throw new IllegalArgumentException("--hub-b: no compiled hub at " + classes);
        }
        return Stream.of(absoluteClassPath().split(java.io.File.pathSeparator))
                .map(e -> Files.exists(Path.of(e).resolve(main))
                        ? classes.toAbsolutePath().toString()
                        : e)
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** The bench's class path with absolute entries (the hub runs in its own working folder). */
    private static String absoluteClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static void pushContext(int http) throws Exception {
        String body = """
                {"line":"line-1","productionOrder":"PO-BENCH","product":"BRK-7","specVersion":"B","batch":"L-BENCH",\
                "workCentre":"WC-PRESS-1","shift":"A","version":%d}""".formatted(System.currentTimeMillis());
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/context/line-1"))
                                .header("X-API-Key", "demo-mes-key")
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("context push refused: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    // ---------------------------------------------------------------- Node-RED

    private static Side startNodeRed(
            Path redJs,
            Path dir,
            String root,
            boolean fsync,
            MosquittoProcess broker,
            Sink sink,
            List<Process> processes)
            throws Exception {
        Files.createDirectories(dir);
        int port = PortPicker.ephemeral("127.0.0.1");
        Path records = dir.resolve("records.jsonl");
        Files.writeString(dir.resolve("settings.js"), """
                module.exports = {
                    uiHost: "127.0.0.1",
                    uiPort: %d,
                    httpAdminRoot: false,
                    httpNodeRoot: false,
                    flowFile: "flows.json",
                    credentialSecret: false,
                    functionGlobalContext: { fs: require("fs") },
                    logging: { console: { level: "info", metrics: false, audit: false } }
                };
                """.formatted(port));
        Files.writeString(
                dir.resolve("flows.json"), flow(root, fsync, records, broker.port(), sink.url() + "/" + root));
        Process p = new ProcessBuilder(
                        "node",
                        redJs.toAbsolutePath().toString(),
                        "--userDir",
                        dir.toString(),
                        "--settings",
                        dir.resolve("settings.js").toString(),
                        "flows.json")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        processes.add(p);
        CountDownLatch ready = new CountDownLatch(1);
        pump(p, dir.resolve("node-red.log"), line -> {
            if (line.contains("Connected to broker")) {
                ready.countDown();
            }
        });
        if (!ready.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Node-RED did not connect in 120 s; see " + dir.resolve("node-red.log"));
        }
        return new Side(
                fsync ? "Node-RED (fsync)" : "Node-RED (no fsync)",
                root + "-in",
                root + "-out/#",
                p.pid(),
                "acknowledges on receipt (mqtt.js), in-memory buffers, file append " + (fsync ? "with" : "without")
                        + " fsync per record, no ledger, no outbox (a failed POST is lost)",
                false,
                null,
                0);
    }

    /** The flow: mqtt in → enrich → record → mqtt out, and NG → JSONata document → POST. */
    static String flow(String root, boolean fsync, Path records, int brokerPort, String sinkUrl) {
        String enrich = """
                const line = global.get('lines')[msg.payload.line];
                if (line) { msg.payload.context = line; msg.payload.contextStatus = 'APPLIED'; }
                return msg;""";
        String record = """
                const fs = global.get('fs');
                let fd = context.get('fd');
                if (fd === undefined) { fd = fs.openSync(RECORDS, 'a'); context.set('fd', fd); }
                fs.writeSync(fd, JSON.stringify(msg.payload) + '\\n');
                if (FSYNC) { fs.fsyncSync(fd); }
                msg.topic = 'ROOT-out/' + msg.payload.line + '/' + msg.payload.station + '/inspection';
                return msg;""".replace("ROOT", root)
                .replace("RECORDS", quote(records.toString()))
                .replace("FSYNC", String.valueOf(fsync));
        String lines = """
                global.set('lines', {'line-1': {line: 'line-1', productionOrder: 'PO-BENCH', product: 'BRK-7',
                  specVersion: 'B', batch: 'L-BENCH', workCentre: 'WC-PRESS-1', shift: 'A', version: 1}});""";
        String jsonata = "{\"externalReference\": payload.id, \"title\": \"Vision Hub \" & payload.result & \" at \" & "
                + "payload.station, \"priority\": \"HIGH\", \"site\": \"site-b\", \"line\": payload.line, "
                + "\"station\": payload.station, \"inspectionId\": payload.id, \"occurredAt\": payload.captureTime, "
                + "\"productionOrder\": payload.context.productionOrder, \"defects\": [payload.defects.{\"class\": "
                + "defectClass, \"confidence\": confidence}]}";
        String json = """
                [
                 {"id":"tab","type":"tab","label":"inspection"},
                 {"id":"broker","type":"mqtt-broker","name":"bench","broker":"127.0.0.1","port":"%d","clientid":"%s-bench",
                  "autoConnect":true,"usetls":false,"protocolVersion":"5","keepalive":"60","cleansession":false,
                  "sessionExpiry":"3600","autoUnsubscribe":false,"birthTopic":"","closeTopic":"","willTopic":""},
                 {"id":"in","type":"mqtt in","z":"tab","x":0,"y":0,"topic":"%s-in/+/+/+/inspection","qos":"1","datatype":"json",
                  "broker":"broker","nl":false,"rap":true,"rh":0,"inputs":0,"wires":[["enrich"]]},
                 {"id":"enrich","type":"function","z":"tab","x":0,"y":0,"name":"production context","func":%s,"initialize":%s,
                  "outputs":1,"wires":[["record"]]},
                 {"id":"record","type":"function","z":"tab","x":0,"y":0,"name":"record","func":%s,"outputs":1,
                  "wires":[["out","ng"]]},
                 {"id":"out","type":"mqtt out","z":"tab","x":0,"y":0,"topic":"","qos":"1","retain":"false","broker":"broker","wires":[]},
                 {"id":"ng","type":"switch","z":"tab","x":0,"y":0,"property":"payload.result","propertyType":"msg",
                  "rules":[{"t":"eq","v":"NG","vt":"str"}],"checkall":"true","outputs":1,"wires":[["map"]]},
                 {"id":"map","type":"change","z":"tab","x":0,"y":0,"rules":[{"t":"set","p":"payload","pt":"msg","to":%s,"tot":"jsonata"}],
                  "wires":[["post"]]},
                 {"id":"post","type":"http request","z":"tab","x":0,"y":0,"method":"POST","ret":"txt","url":%s,"tls":"",
                  "persist":true,"wires":[]}
                ]
                """.formatted(
                brokerPort, root, root, quote(enrich), quote(lines), quote(record), quote(jsonata), quote(sinkUrl));
        return json;
    }

    private static String quote(String s) {
        try {
            return EventJson.mapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The HTTP sink of both sides: answers 201 with a document id, counts POSTs by path. */
    static final class Sink implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, AtomicInteger> posts = new ConcurrentHashMap<>();
        private final AtomicInteger next = new AtomicInteger();
        private final java.util.concurrent.ExecutorService executor =
                java.util.concurrent.Executors.newFixedThreadPool(4);

        Sink() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            server.setExecutor(executor);
            server.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                String path = ex.getRequestURI().getPath();
                posts.computeIfAbsent(path.startsWith("/hub") ? "hub" : path.substring(1), k -> new AtomicInteger())
                        .incrementAndGet();
                byte[] body = ("{\"id\":\"WR-" + next.incrementAndGet() + "\"}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(201, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        int posts(String side) {
            String key =
                    side.startsWith("hub") ? "hub" : side.contains("fsync)") && !side.contains("no") ? "nrs" : "nr";
            AtomicInteger n = posts.get(key);
            return n == null ? 0 : n.get();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow(); // its threads are not daemons: they kept the bench's JVM up after the figures
        }
    }

    private static void pump(Process p, Path log, java.util.function.Consumer<String> onLine) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            w.println(line);
                            w.flush();
                            onLine.accept(line);
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "pump-" + log.getFileName());
        t.setDaemon(true);
        t.start();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static String version(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static String nodeRedVersion() {
        try {
            String pkg = Files.readString(Path.of("bench/node-red/node_modules/node-red/package.json"));
            return EventJson.mapper().readTree(pkg).path("version").asText();
        } catch (IOException e) {
            return "?";
        }
    }
}
