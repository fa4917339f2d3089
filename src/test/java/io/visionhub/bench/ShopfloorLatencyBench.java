package io.visionhub.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.outputs.mqtt.MqttCallbackAdapter;
import io.visionhub.outputs.mqtt.MqttEventPublisher;
import io.visionhub.outputs.mqtt.MqttTopics;
import io.visionhub.outputs.mqtt.NoDelaySocketFactory;
import io.visionhub.outputs.mqtt.ReliableMqttClient;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.OpcUaResultPublisher;
import io.visionhub.outputs.opcua.OpcUaServerProperties;
import io.visionhub.plc.PlcHandshake;
import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.PlcSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Shop-floor latency: from the end of inference (the event exists) through the real-time outputs of the route
 * (opcUaResultPublisher -> mqttEventPublisher -> plc: producer) to (a) the reject bit written on the PLC
 * simulator's OPC UA server (time taken inside the simulator's write handler) and (b) an independent MQTT
 * subscriber receiving the event. Load: 4 stations x 50 inspections/s (one thread per station, as one route
 * consumer per camera). With ledger=h2 (default) or ledger=pg (the PostgreSQL at 127.0.0.1:5432, db test, a fresh
 * schema dropped afterwards) the durable ledger commit (JdbcInspectionLedger on an H2 file or PostgreSQL
 * database, group commit, as the demo runs it) comes first, as in the demo route.
 *
 * <p>Run: {@code bench/run ShopfloorLatencyBench [seconds=30] [ratePerStation=50] [stations=4]
 * [broker=embedded|tcp://host:port] [ledger=h2|pg|none] [warmup=S, default 20]}
 */
public final class ShopfloorLatencyBench {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int stationCount = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String brokerArg = args.length > 3 ? args[3] : "embedded";
        String ledgerKind = args.length > 4 ? args[4] : "h2";
        if (!List.of("h2", "pg", "none").contains(ledgerKind)) {
            throw new IllegalArgumentException("ledger must be h2, pg or none, not " + ledgerKind);
        }
        boolean withLedger = !"none".equals(ledgerKind);
        int warmupSeconds = 20;
        for (int i = 5; i < args.length; i++) {
            if (!args[i].startsWith("warmup=")) {
                throw new IllegalArgumentException("unknown option " + args[i] + " (warmup=S)");
            }
            warmupSeconds = Integer.parseInt(args[i].substring("warmup=".length()));
        }
        Path dir = Files.createTempDirectory("shopfloor-bench");
        List<String> stations = new ArrayList<>();
        for (int i = 1; i <= stationCount; i++) {
            stations.add("st" + i);
        }

        EmbeddedMqttBroker broker = null;
        String brokerUrl = brokerArg;
        if ("embedded".equals(brokerArg)) {
            broker = new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", 0, "in-memory");
            broker.start();
            brokerUrl = broker.url();
        }
        PlcSimulator plc = new PlcSimulator(stations);
        OpcUaServerProperties opcProps = OpcUaServerProperties.defaults()
                .withListen("127.0.0.1", 0)
                .withAllowSecurityNone(true)
                .withAllowAnonymous(true)
                .withPkiDir(dir.resolve("pki").toString());
        HubOpcUaServer opcServer = new HubOpcUaServer(opcProps, "bench");
        opcServer.start();

        PlcProperties plcProps = PlcProperties.defaults()
                .withEnabled(true)
                .withEndpointUrl(plc.endpointUrl())
                .withCycleBudgetMs(100);
        Map<String, PlcProperties.StationNodes> mapping = new LinkedHashMap<>();
        for (String s : stations) {
            PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                    .withTrigger(plc.nodeId(s, "Trigger"))
                    .withPartId(plc.nodeId(s, "PartId"))
                    .withResultPartId(plc.nodeId(s, "ResultPartId"))
                    .withResultCode(plc.nodeId(s, "ResultCode"))
                    .withReject(plc.nodeId(s, "Reject"))
                    .withResultReady(plc.nodeId(s, "ResultReady"));
            mapping.put(s, n);
        }
        plcProps = plcProps.withStations(mapping);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PlcHandshake handshake = new PlcHandshake(plcProps, meters, t -> {});
        handshake.start();

        ReliableMqttClient mqtt = new ReliableMqttClient(
                brokerUrl, "bench-hub", new MqttConnectionOptions(), dir.resolve("buffer"), 100_000, 1000, meters);
        MqttEventPublisher mqttPublisher = new MqttEventPublisher(mqtt, new MqttTopics("visionhub", "bench"), 1, true);
        mqtt.start(10_000);
        OpcUaResultPublisher opcPublisher = new OpcUaResultPublisher(opcServer);
        JdbcInspectionLedger ledger = null;
        HikariDataSource ledgerDs = null;
        String pgSchema = null;
        if (withLedger) {
            LedgerProperties testProps = LedgerTestSupport.props(dir.resolve("ledger"));
            LedgerProperties ledgerProps = testProps.withHeads(testProps
                    .heads()
                    .withEveryRecords(LedgerProperties.defaults().heads().everyRecords()));
            if ("pg".equals(ledgerKind)) {
                if (!LedgerTestSupport.postgresAvailable()) {
                    throw new IllegalStateException("ledger=pg needs PostgreSQL on " + LedgerTestSupport.PG_URL);
                }
                pgSchema = LedgerTestSupport.uniqueSchema();
                ledgerDs = LedgerTestSupport.postgres(pgSchema);
            } else {
                ledgerDs = LedgerTestSupport.h2(dir.resolve("ledger"));
            }
            ledger = LedgerTestSupport.ledger(ledgerDs, ledgerProps);
        }
        JdbcInspectionLedger ledgerInPath = ledger;

        Map<String, Long> startOf = new ConcurrentHashMap<>();
        Map<String, Long> inFlightStart = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> plcNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> mqttNanos = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> stepNanos = new ConcurrentLinkedQueue<>();
        boolean[] measuring = {false};
        plc.onWrite((node, nanos) -> {
            if (node.endsWith(".Reject")) {
                Long t0 = inFlightStart.get(node.substring(0, node.indexOf('.')));
                if (t0 != null && measuring[0]) {
                    plcNanos.add(nanos - t0);
                }
            }
        });
        MqttClient sub = new MqttClient(brokerUrl, "bench-sub", new MemoryPersistence());
        sub.setCallback(new MqttCallbackAdapter() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                long now = System.nanoTime();
                if (!topic.endsWith("/inspection")) {
                    return;
                }
                String id = eventId(message.getPayload());
                Long t0 = startOf.remove(id);
                if (t0 != null && measuring[0]) {
                    mqttNanos.add(now - t0);
                }
            }
        });
        MqttConnectionOptions subOptions = new MqttConnectionOptions();
        subOptions.setReceiveMaximum(1000);
        subOptions.setSocketFactory(new NoDelaySocketFactory());
        sub.connect(subOptions);
        sub.subscribe("visionhub/bench/+/+/inspection", 1);

        ScheduledExecutorService load = Executors.newScheduledThreadPool(stationCount);
        long periodMicros = 1_000_000L / rate;
        int[] counter = {0};
        for (String s : stations) {
            load.scheduleAtFixedRate(
                    () -> {
                        InspectionEvent.Verdict v =
                                (counter[0]++ % 10 == 0) ? InspectionEvent.Verdict.NG : InspectionEvent.Verdict.OK;
                        InspectionEvent e = TestEvents.event(s, "P-" + System.nanoTime(), v);
                        long t0 = System.nanoTime(); // end of inference: the event exists
                        startOf.put(e.id(), t0);
                        inFlightStart.put(s, t0);
                        if (ledgerInPath != null) {
                            ledgerInPath.append(e, List.of());
                        }
                        // as routes/examples/plc-triggered-station.yaml.example: the hand-offs that do not wait (OPC UA
                        // nodes, MQTT) first, then the PLC round trip, so that subscribers do not wait for the PLC's
                        // answer
                        InspectionEvent out = opcPublisher.publish(e);
                        out = mqttPublisher.publish(out);
                        handshake.writeResult(out); // what the plc: producer does
                        if (measuring[0]) {
                            stepNanos.add(System.nanoTime() - t0);
                        }
                    },
                    0,
                    periodMicros,
                    TimeUnit.MICROSECONDS);
        }
        System.out.printf("warming up %d s at %d stations x %d inspections/s ...%n", warmupSeconds, stationCount, rate);
        Thread.sleep(warmupSeconds * 1000L);
        MachineLoad machine = MachineLoad.start();
        measuring[0] = true;
        long t = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring[0] = false;
        double elapsed = (System.nanoTime() - t) / 1e9;
        load.shutdown();
        load.awaitTermination(10, TimeUnit.SECONDS);
        Thread.sleep(500);

        System.out.printf(
                "ShopfloorLatencyBench: %d stations x %d inspections/s for %.0f s (broker %s, PLC simulator "
                        + "over OPC UA None, cycle budget %d ms; ledger commit %s)%n",
                stationCount,
                rate,
                elapsed,
                brokerArg,
                plcProps.cycleBudgetMs(),
                withLedger
                        ? "included (JdbcInspectionLedger, " + ("pg".equals(ledgerKind) ? "PostgreSQL" : "H2 file")
                                + ")"
                        : "NOT included");
        report(
                withLedger ? "route steps (ledger+opcua+plc+mqtt hand-off)" : "route steps (opcua+plc+mqtt hand-off)",
                stepNanos,
                elapsed);
        report("end of inference -> reject bit written on PLC", plcNanos, elapsed);
        report("end of inference -> MQTT subscriber received", mqttNanos, elapsed);
        System.out.println("while measuring: " + machine.summary());
        System.out.printf(
                "PLC deadline missed: %.0f, failed writes: %.0f; MQTT kept: %.0f, dropped: %.0f%n",
                meters.find("visionhub.plc.deadline.missed").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum(),
                meters.find("visionhub.plc.writes").tag("outcome", "failed").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum(),
                mqtt.keptCount(),
                mqtt.droppedCount());

        sub.disconnect();
        sub.close();
        mqtt.close();
        handshake.close();
        if (ledger != null) {
            ledger.close();
        }
        if (pgSchema != null) {
            LedgerTestSupport.dropSchema(ledgerDs, pgSchema);
        }
        if (ledgerDs != null) {
            ledgerDs.close();
        }
        opcServer.stop();
        plc.close();
        if (broker != null) {
            broker.stop();
        }
        System.exit(0);
    }

    /**
     * The "id" of an event payload, found without parsing the whole document: the subscriber shares the machine
     * with the hub in this harness, so its own work is kept small (a SCADA client runs elsewhere).
     */
    static String eventId(byte[] payload) {
        String json = new String(payload, StandardCharsets.ISO_8859_1);
        int at = json.indexOf("\"id\":\"");
        if (at < 0) {
            throw new IllegalArgumentException(
                    "event without an id: " + json.substring(0, Math.min(80, json.length())));
        }
        int start = at + 6;
        return json.substring(start, json.indexOf('"', start));
    }

    private static void report(String what, ConcurrentLinkedQueue<Long> nanos, double seconds) {
        long[] v = nanos.stream().mapToLong(Long::longValue).toArray();
        if (v.length == 0) {
            System.out.printf("%-48s no samples%n", what);
            return;
        }
        Arrays.sort(v);
        System.out.printf(
                "%-48s n=%d (%.0f/s)  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms%n",
                what,
                v.length,
                v.length / seconds,
                v[v.length / 2] / 1e6,
                v[(int) Math.min(v.length - 1, Math.floor(v.length * 0.99))] / 1e6,
                v[(int) Math.min(v.length - 1, Math.floor(v.length * 0.999))] / 1e6,
                v[v.length - 1] / 1e6);
    }
}
