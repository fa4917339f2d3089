package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.plc.component.PlcComponent;
import io.visionhub.plc.component.PlcConstants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake over Modbus TCP (PLC4X's driver) against a Modbus TCP server started here ({@link ModbusPlcSimulator},
 * j2mod): same semantics as over OPC UA: each trigger's result under its own part id, the four-phase trigger-ack,
 * the fail-safe while the PLC is down and no stale write after it returns, a bad address map refused at start; and
 * the plc: component as the hub wires it (handshakes made from the settings when it starts).
 */
class ModbusPlcHandshakeTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Queue<PlcFailSafe> failSafes = new ConcurrentLinkedQueue<>();
    final BlockingQueue<PartTrigger> triggers = new LinkedBlockingQueue<>();
    PlcHandshake handshake;

    @AfterEach
    void close() {
        if (handshake != null) {
            handshake.close();
        }
    }

    PlcHandshake start(String endpointUrl, String station, PlcProperties.StationNodes nodes, long budgetMs)
            throws Exception {
        PlcProperties props = PlcProperties.defaults()
                .withEnabled(true)
                .withEndpointUrl(endpointUrl)
                .withCycleBudgetMs(budgetMs)
                .withDownProbeMs(200)
                .withStations(Map.of(station, nodes));
        handshake = new PlcHandshake(props, meters, triggers::add, f -> {
            failSafes.add(f);
            return CompletableFuture.completedFuture(null);
        });
        handshake.start();
        // the PLC program starts once the hub watches (it has seen the trigger's level): on a loaded machine the first
        // connect may take its 5 s and fail, and a trigger raised before the hub watches is (rightly) a missed one
        boolean triggered = !nodes.trigger().isBlank();
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> !handshake.isDown() && (!triggered || handshake.triggerSeen(station) != null));
        return handshake;
    }

    double counter(String name, String station) {
        return meters.find(name).tag("station", station).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void triggerGetsItsResultUnderItsOwnPartIdWithTheTriggerAcknowledged() throws Exception {
        try (ModbusPlcSimulator plc = new ModbusPlcSimulator(List.of("m1"))) {
            start(plc.endpointUrl(), "m1", plc.mapping("m1"), 2000);
            plc.trigger("m1", 4711);
            PartTrigger t = triggers.poll(10, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("4711");
            await().atMost(5, TimeUnit.SECONDS).until(() -> plc.coil("m1", ModbusPlcSimulator.TRIGGER_ACK));

            assertThat(handshake.writeResult(TestEvents.event("m1", t.partId(), InspectionEvent.Verdict.NG)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            assertThat(plc.resultPartId("m1")).isEqualTo(4711);
            assertThat(plc.resultCode("m1")).isEqualTo((short) 2);
            assertThat(plc.coil("m1", ModbusPlcSimulator.REJECT)).isTrue();
            assertThat(plc.coil("m1", ModbusPlcSimulator.RESULT_READY)).isTrue();

            plc.setCoil("m1", ModbusPlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.coil("m1", ModbusPlcSimulator.TRIGGER_ACK));
            assertThat(counter("visionhub.plc.writes", "m1")).isEqualTo(1);
        }
    }

    @Test
    void twoHundredPartsWithTheFourPhaseHandshakeGetExactlyOneResultEachUnderTheirOwnId() throws Exception {
        int parts = 200;
        try (ModbusPlcSimulator plc = new ModbusPlcSimulator(List.of("m2"))) {
            // what the PLC sees when the hub sets result-ready: the result fields are written before it
            Map<Long, List<long[]>> results = new ConcurrentHashMap<>();
            plc.onCoilWrite((station, coil) -> {
                if (coil == ModbusPlcSimulator.RESULT_READY && plc.coil(station, coil)) {
                    results.computeIfAbsent(plc.resultPartId(station), k -> new CopyOnWriteArrayList<>())
                            .add(new long[] {
                                plc.resultCode(station), plc.coil(station, ModbusPlcSimulator.REJECT) ? 1 : 0
                            });
                }
            });
            start(plc.endpointUrl(), "m2", plc.mapping("m2"), 1000);
            // the inspection side: each trigger's result, NG for every third part
            Thread inspector = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        PartTrigger t = triggers.take();
                        InspectionEvent.Verdict v = Long.parseLong(t.partId()) % 3 == 0
                                ? InspectionEvent.Verdict.NG
                                : InspectionEvent.Verdict.OK;
                        handshake.writeResult(TestEvents.event("m2", t.partId(), v));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            inspector.setDaemon(true);
            inspector.start();
            List<Long> plcTimeouts = new ArrayList<>();
            try {
                for (long part = 1; part <= parts; part++) {
                    // the PLC program: part id, trigger; hold both until trigger-ack; lower; wait for the result
                    plc.trigger("m2", part);
                    if (!waitFor(() -> plc.coil("m2", ModbusPlcSimulator.TRIGGER_ACK), 1000)) {
                        plcTimeouts.add(part);
                    }
                    plc.setCoil("m2", ModbusPlcSimulator.TRIGGER, false);
                    long p = part;
                    waitFor(() -> !plc.coil("m2", ModbusPlcSimulator.TRIGGER_ACK), 1000);
                    if (!waitFor(() -> results.containsKey(p), 1000)) {
                        plcTimeouts.add(part);
                    }
                }
            } finally {
                inspector.interrupt();
            }
            assertThat(plcTimeouts)
                    .as("parts whose trigger-ack or result the PLC waited for in vain")
                    .isEmpty();
            assertThat(counter("visionhub.plc.triggers", "m2")).isEqualTo(parts);
            assertThat(counter("visionhub.plc.triggers.missed", "m2")).isZero();
            assertThat(failSafes).isEmpty();
            assertThat(results).hasSize(parts);
            for (long part = 1; part <= parts; part++) {
                assertThat(results.get(part)).as("results of part %d", part).hasSize(1);
                long[] r = results.get(part).get(0);
                assertThat(r[0]).as("code of part %d", part).isEqualTo(part % 3 == 0 ? 2 : 1);
                assertThat(r[1]).as("reject of part %d", part).isEqualTo(part % 3 == 0 ? 1 : 0);
            }
        }
    }

    @Test
    void outageGivesEachPartTheFailSafeAndNoStaleResultIsWrittenAfterTheReconnect() throws Exception {
        try (ModbusPlcSimulator plc = new ModbusPlcSimulator(List.of("m3"));
                TcpProxy cable = new TcpProxy(plc.port())) {
            PlcProperties.StationNodes nodes = plc.mapping("m3");
            start("modbus-tcp://127.0.0.1:" + cable.port(), "m3", nodes, 300);
            assertThat(handshake.writeResult(TestEvents.event("m3", "100", InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);

            cable.cut();
            await().atMost(10, TimeUnit.SECONDS).until(handshake::isDown);
            long t0 = System.nanoTime();
            for (int i = 1; i <= 5; i++) {
                assertThat(handshake.writeResult(
                                TestEvents.event("m3", String.valueOf(100 + i), InspectionEvent.Verdict.NG)))
                        .isEqualTo(PlcHandshake.Outcome.MISSED);
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                    .as("results while down do not wait")
                    .isLessThan(300);
            assertThat(failSafes).extracting(PlcFailSafe::partId).containsExactly("101", "102", "103", "104", "105");
            assertThat(failSafes).allMatch(f -> f.reason() == PlcFailSafe.Reason.PLC_DOWN);

            cable.restore();
            await().atMost(20, TimeUnit.SECONDS).until(() -> !handshake.isDown());
            assertThat(handshake.writeResult(TestEvents.event("m3", "200", InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            assertThat(plc.resultPartId("m3"))
                    .as("the newest part, no result of the outage")
                    .isEqualTo(200);
            assertThat(plc.resultCode("m3")).isEqualTo((short) 1);
        }
    }

    @Test
    void thePlcComponentMadeFromPropertiesTakesTriggersAndWritesResultsInARoute() throws Exception {
        try (ModbusPlcSimulator plc = new ModbusPlcSimulator(List.of("m4"))) {
            PlcProperties props = PlcProperties.defaults()
                    .withEnabled(true)
                    .withEndpointUrl(plc.endpointUrl())
                    .withCycleBudgetMs(2000)
                    .withStations(Map.of("m4", plc.mapping("m4")));
            PlcComponent component = new PlcComponent();
            component.setProperties(props);
            component.setMeterRegistry(meters);
            component.setFailSafeRecorder(f -> {
                failSafes.add(f);
                return CompletableFuture.completedFuture(null);
            });
            CamelContext camel = new DefaultCamelContext();
            camel.addComponent("plc", component);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // the inspection stands in for vision: NG for part 77
                    from("plc:m4")
                            .routeId("m4")
                            .process(e -> e.getIn()
                                    .setBody(TestEvents.event(
                                            "m4",
                                            e.getIn().getHeader(PlcConstants.PART_ID, String.class),
                                            InspectionEvent.Verdict.NG)))
                            .to("plc:m4")
                            .to("mock:done");
                }
            });
            camel.start();
            try {
                MockEndpoint done = camel.getEndpoint("mock:done", MockEndpoint.class);
                done.expectedMessageCount(1);
                done.expectedHeaderReceived(PlcConstants.OUTCOME, "CONFIRMED");
                done.expectedHeaderReceived(PlcConstants.PART_ID, "77");
                plc.trigger("m4", 77);
                done.assertIsSatisfied(10_000);
                assertThat(plc.resultPartId("m4")).isEqualTo(77);
                assertThat(plc.resultCode("m4")).isEqualTo((short) 2);
                assertThat(plc.coil("m4", ModbusPlcSimulator.RESULT_READY)).isTrue();
                assertThat(failSafes).isEmpty();
            } finally {
                camel.stop();
            }
            assertThat(component.getHandshakes())
                    .as("closed with the component")
                    .isNull();
        }
    }

    @Test
    void badAddressMapIsRefusedAtStartNamingTheKey() {
        PlcProperties props = PlcProperties.defaults().withEndpointUrl("modbus-tcp://127.0.0.1:1");
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("modbus")
                .withTrigger("holding-register:1")
                .withPartId("holding-register:2:UDINT")
                .withReject("coil:3");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.trigger")
                .hasMessageContaining("is a bit");
        n = n.withTrigger("coil:1");
        assertThat(refusal(props.withStation("bad", n.withReject("discrete-input:3"))))
                .hasMessageContaining("visionhub.plc.stations.bad.reject")
                .hasMessageContaining("read-only");
        assertThat(refusal(props.withStation("bad", n.withPartId("register-of-doom:7"))))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("not a Modbus address");
        assertThat(refusal(props.withStation("bad", n.withPartId("")))).hasMessageContaining("part-id");
        assertThat(refusal(props.withEndpointUrl("opc.tcp://127.0.0.1:4840").withStation("bad", n)))
                .hasMessageContaining("modbus-tcp://");
        PlcProperties.StationNodes opcua = PlcProperties.StationNodes.defaults().withReject("ns=2;s=x");
        assertThat(refusal(props.withStation("bad", n).withStation("other", opcua)))
                .hasMessageContaining("one PLC, one protocol");
        assertThat(refusal(props.withStation("bad", n.withProtocol("profibus"))))
                .hasMessageContaining("'profibus' is not known");
    }

    private Throwable refusal(PlcProperties props) {
        Throwable t = catchThrowable(() -> new PlcHandshake(props, meters, x -> {}));
        assertThat(t).as("refused at start").isNotNull();
        return t;
    }

    private static boolean waitFor(BooleanSupplier condition, long ms) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}
