package io.visionhub.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.plc.ModbusPlcSimulator;
import io.visionhub.plc.PlcFailSafeRecorder;
import io.visionhub.plc.PlcHandshake;
import io.visionhub.plc.PlcHandshakes;
import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.PlcSimulator;
import io.visionhub.plc.component.PlcComponent;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * Shop floor, trigger to result on the PLC: a PLC program (simulator) sets the part id and raises the trigger, and
 * the time until the hub's result-ready write arrives at the PLC is measured, over the route
 * {@code from: plc:st1 -> (event for the part, inference left out) -> to: plc:st1}, for OPC UA (Milo server,
 * security None, subscription) and Modbus TCP (j2mod server, PLC4X client, polling). The four-phase handshake as in
 * docs/plc.md: the PLC holds trigger and part id until trigger-ack, lowers the trigger, waits for the ack to clear.
 * Everything in one JVM on loopback; the figure is the handshake's own share: add the inference time of the model.
 * With {@code ledger=h2} the route commits each inspection to the ledger (H2 file, durable on return) before the
 * write, as the hub's inspection route does. It prints where the time goes: raised to seen by the hub (sampling,
 * publishing or polling), seen to the route (hand-over), the ledger commit, and the write until the PLC has it.
 *
 * <p>Run: {@code bench/run PlcTriggerLatencyBench [protocol=opcua|modbus] [parts=1000] [periodMs=50] [samplingMs=10]
 * [warmupParts=100] [publishingMs=0 (follows sampling)] [ledger=none|h2] [plcMinMs=10 (OPC UA server's minimum
 * sampling and publishing interval)]}
 */
public final class PlcTriggerLatencyBench {

    public static void main(String[] args) throws Exception {
        String protocol = args.length > 0 ? args[0] : "opcua";
        int parts = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        long periodMs = args.length > 2 ? Long.parseLong(args[2]) : 50;
        double samplingMs = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        double publishingMs = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        String ledgerKind = args.length > 6 ? args[6] : "none";
        double plcMinMs = args.length > 7 ? Double.parseDouble(args[7]) : 10;
        if (!List.of("none", "h2").contains(ledgerKind)) {
            throw new IllegalArgumentException("ledger must be none or h2, not " + ledgerKind);
        }
        if (!List.of("opcua", "modbus").contains(protocol)) {
            throw new IllegalArgumentException("protocol must be opcua or modbus, not " + protocol);
        }
        String st = "st1";
        Map<String, Long> resultAt = new ConcurrentHashMap<>();
        // when the clear of the previous part's result-ready landed on the PLC, per part (the last one before the
        // result): the hub starts it at the trigger and the result's write waits for it; in a station it runs during
        // the inference, which this bench leaves out
        Map<String, Long> clearAt = new ConcurrentHashMap<>();
        AtomicLong lastClear = new AtomicLong();
        PlcProperties props = PlcProperties.defaults()
                .withEnabled(true)
                .withCycleBudgetMs(1000)
                .withSamplingIntervalMs(samplingMs);
        if (publishingMs > 0) {
            props = props.withPublishingIntervalMs(publishingMs);
        }
        AutoCloseable plc;
        Plc program;
        if (protocol.equals("opcua")) {
            PlcSimulator sim = new PlcSimulator(List.of(st), plcMinMs);
            sim.onWrite((key, nanos) -> {
                // called before the write is applied: a write of ResultReady while it is true is the clear
                if (key.equals(st + ".ResultReady") && Boolean.TRUE.equals(sim.value(st, "ResultReady"))) {
                    lastClear.set(nanos);
                }
            });
            sim.onResult(r -> {
                clearAt.put(r.partId(), lastClear.get());
                resultAt.put(r.partId(), r.nanos());
            });
            PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                    .withTrigger(sim.nodeId(st, "Trigger"))
                    .withPartId(sim.nodeId(st, "PartId"))
                    .withResultPartId(sim.nodeId(st, "ResultPartId"))
                    .withResultCode(sim.nodeId(st, "ResultCode"))
                    .withReject(sim.nodeId(st, "Reject"))
                    .withResultReady(sim.nodeId(st, "ResultReady"))
                    .withTriggerAck(sim.nodeId(st, "TriggerAck"));
            props = props.withEndpointUrl(sim.endpointUrl()).withStations(Map.of(st, n));
            plc = sim;
            program = new Plc() {
                public void raise(long part) {
                    sim.trigger(st, String.valueOf(part));
                }

                public void lower() {
                    sim.set(st, "Trigger", new Variant(false));
                }

                public boolean ack() {
                    return Boolean.TRUE.equals(sim.value(st, "TriggerAck"));
                }
            };
        } else {
            ModbusPlcSimulator sim = new ModbusPlcSimulator(List.of(st));
            sim.onCoilWrite((station, coil) -> {
                if (coil == ModbusPlcSimulator.RESULT_READY) {
                    long now = System.nanoTime();
                    if (sim.coil(station, coil)) {
                        String part = String.valueOf(sim.resultPartId(station));
                        clearAt.put(part, lastClear.get());
                        resultAt.put(part, now);
                    } else {
                        lastClear.set(now);
                    }
                }
            });
            props = props.withEndpointUrl(sim.endpointUrl()).withStations(Map.of(st, sim.mapping(st)));
            plc = sim;
            program = new Plc() {
                public void raise(long part) {
                    sim.trigger(st, part);
                }

                public void lower() {
                    sim.setCoil(st, ModbusPlcSimulator.TRIGGER, false);
                }

                public boolean ack() {
                    return sim.coil(st, ModbusPlcSimulator.TRIGGER_ACK);
                }
            };
        }
        Path dir = Files.createTempDirectory("plc-bench");
        HikariDataSource ledgerDs = null;
        JdbcInspectionLedger ledger = null;
        if (ledgerKind.equals("h2")) {
            LedgerProperties testProps = LedgerTestSupport.props(dir.resolve("ledger"));
            LedgerProperties ledgerProps = testProps.withHeads(testProps
                    .heads()
                    .withEveryRecords(LedgerProperties.defaults().heads().everyRecords()));
            ledgerDs = LedgerTestSupport.h2(dir.resolve("ledger"));
            ledger = LedgerTestSupport.ledger(ledgerDs, ledgerProps);
        }
        JdbcInspectionLedger ledgerInPath = ledger;
        Map<String, long[]> stages = new ConcurrentHashMap<>(); // part -> {route in, ledger done} (nanoTime)
        Map<String, Instant> seenAt = new ConcurrentHashMap<>(); // part -> the hub's trigger time
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PlcHandshake handshake = new PlcHandshake(props, meters, null, PlcFailSafeRecorder.NONE);
        handshake.start();
        CamelContext camel = new DefaultCamelContext();
        PlcComponent component = new PlcComponent();
        component.setHandshakes(PlcHandshakes.of(handshake));
        camel.addComponent("plc", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("plc:" + st)
                        .routeId("bench")
                        .process(e -> {
                            long in = System.nanoTime();
                            PartTrigger t = e.getIn().getBody(PartTrigger.class);
                            InspectionEvent event = TestEvents.event(st, t.partId(), InspectionEvent.Verdict.OK);
                            if (ledgerInPath != null) {
                                ledgerInPath.append(event, List.of());
                            }
                            seenAt.put(t.partId(), t.triggeredAt());
                            stages.put(t.partId(), new long[] {in, System.nanoTime()});
                            e.getIn().setBody(event);
                        })
                        .to("plc:" + st);
            }
        });
        camel.start();

        List<Long> nanos = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        List<Long> handOver = new ArrayList<>();
        List<Long> commit = new ArrayList<>();
        List<Long> write = new ArrayList<>();
        List<Long> clearWait = new ArrayList<>();
        List<Long> resultWrite = new ArrayList<>();
        List<Long> lessClear = new ArrayList<>();
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        long[] gcBefore = new long[2];
        int lost = 0;
        long next = System.nanoTime();
        MachineLoad machine = null;
        for (long part = 1; part <= warmup + parts; part++) {
            if (part == warmup + 1) {
                machine = MachineLoad.start();
                gcBefore[0] = gcs.stream()
                        .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                        .sum();
                gcBefore[1] = gcs.stream()
                        .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                        .sum();
            }
            Instant raisedAt = Instant.now();
            long t0 = System.nanoTime();
            program.raise(part);
            String id = String.valueOf(part);
            boolean got = waitFor(() -> resultAt.containsKey(id), 1000);
            waitFor(program::ack, 1000);
            program.lower();
            waitFor(() -> !program.ack(), 1000);
            if (part > warmup) {
                if (got) {
                    long done = resultAt.get(id);
                    nanos.add(done - t0);
                    long[] at = stages.get(id);
                    Instant hubSaw = seenAt.get(id);
                    if (at != null && hubSaw != null) {
                        // the hub stamps its trigger with the wall clock: moved onto the nanoTime line at the raise
                        long saw = t0 + Duration.between(raisedAt, hubSaw).toNanos();
                        seen.add(saw - t0);
                        handOver.add(at[0] - saw);
                        commit.add(at[1] - at[0]);
                        write.add(done - at[1]);
                        long cleared = clearAt.getOrDefault(id, 0L);
                        long from = Math.max(at[1], cleared);
                        clearWait.add(from - at[1]);
                        resultWrite.add(done - from);
                        lessClear.add(done - t0 - (from - at[1]));
                    }
                } else {
                    lost++;
                }
            }
            next += TimeUnit.MILLISECONDS.toNanos(periodMs);
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        String load = machine == null ? "" : machine.summary();
        long gcCount = gcs.stream()
                        .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                        .sum()
                - gcBefore[0];
        long gcMs = gcs.stream()
                        .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                        .sum()
                - gcBefore[1];
        long[] v = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        System.out.printf(
                "PlcTriggerLatencyBench %s: %d parts (after %d warm-up) every %d ms, %s, budget %d ms, ledger %s%n",
                protocol,
                parts,
                warmup,
                periodMs,
                protocol.equals("opcua")
                        ? String.format(
                                "sampling %.1f ms, publishing %.1f ms (server minimum %.1f ms)",
                                samplingMs, props.publishingIntervalMs(), plcMinMs)
                        : String.format("polling %.1f ms", samplingMs),
                props.cycleBudgetMs(),
                ledgerKind.equals("h2") ? "commit in the path (H2 file)" : "left out");
        System.out.println("while measuring: " + load + "; GC: " + gcCount + " collections, " + gcMs + " ms");
        stage("raised -> seen by the hub (sampling/publishing/polling)", seen);
        stage("seen -> route has the trigger (hand-over)", handOver);
        stage("route: event" + (ledgerInPath != null ? " + ledger commit" : ""), commit);
        stage("write until the PLC has result-ready", write);
        stage("  of it: waiting for the previous result-ready's clear", clearWait);
        stage("  of it: result + result-ready write after the clear", resultWrite);
        if (v.length > 0) {
            System.out.printf(
                    "trigger raised on PLC -> result-ready written on PLC: n=%d p50 %.2f ms  p99 %.2f ms  "
                            + "p99.9 %.2f ms  max %.2f ms%n",
                    v.length,
                    v[v.length / 2] / 1e6,
                    v[(int) Math.floor(v.length * 0.99)] / 1e6,
                    v[(int) Math.min(v.length - 1, Math.floor(v.length * 0.999))] / 1e6,
                    v[v.length - 1] / 1e6);
        }
        // the clear of the previous part's result-ready starts when the trigger is taken and runs during the
        // inference; only this bench, which has no inference, waits for it
        stage("total less the clear wait (inference hides the clear)", lessClear);
        System.out.printf(
                "results missing after 1 s: %d; hub triggers %.0f, missed %.0f, fail-safes %.0f%n",
                lost,
                meters.get("visionhub.plc.triggers").counter().count(),
                meters.get("visionhub.plc.triggers.missed").counter().count(),
                meters.get("visionhub.plc.deadline.missed").counter().count());
        camel.stop();
        handshake.close();
        plc.close();
        if (ledger != null) {
            ledger.close();
            ledgerDs.close();
        }
        System.exit(0);
    }

    private static void stage(String name, List<Long> nanos) {
        if (nanos.isEmpty()) {
            return;
        }
        long[] v = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                "  %-58s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms%n",
                name, v[v.length / 2] / 1e6, v[(int) Math.floor(v.length * 0.99)] / 1e6, v[v.length - 1] / 1e6);
    }

    private interface Plc {
        void raise(long part);

        void lower();

        boolean ack();
    }

    private static boolean waitFor(BooleanSupplier condition, long ms) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                return false;
            }
            LockSupport.parkNanos(200_000); // Java 17: Thread.sleep(0, 200_000) would sleep 1 ms
        }
        return true;
    }
}
