package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.outputs.mqtt.TestEvents;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake over EtherNet/IP (PLC4X's eip driver) against the EtherNet/IP PLC simulator started here
 * ({@link EipPlcSimulator}): the same scenarios as over Modbus TCP: each trigger's result under its own part id, the
 * four-phase trigger-ack, the fail-safe while the PLC is down and no stale write after it returns, a bad address map
 * refused at start. Each test also checks that the driver sent nothing the simulator does not know.
 */
class EipPlcHandshakeTest {

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
        try (EipPlcSimulator plc = new EipPlcSimulator(List.of("m1"))) {
            start(plc.endpointUrl(), "m1", plc.mapping("m1"), 2000);
            plc.trigger("m1", 4711);
            PartTrigger t = triggers.poll(10, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("4711");
            await().atMost(5, TimeUnit.SECONDS).until(() -> plc.bit("m1", "TriggerAck"));

            assertThat(handshake.writeResult(TestEvents.event("m1", t.partId(), InspectionEvent.Verdict.NG)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            assertThat(plc.resultPartId("m1")).isEqualTo(4711);
            assertThat(plc.resultCode("m1")).isEqualTo((short) 2);
            assertThat(plc.bit("m1", "Reject")).isTrue();
            assertThat(plc.bit("m1", "ResultReady")).isTrue();

            plc.setBit("m1", "Trigger", false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("m1", "TriggerAck"));
            assertThat(counter("visionhub.plc.writes", "m1")).isEqualTo(1);
            assertThat(plc.unknown()).isEmpty();
        }
    }

    @Test
    void hundredPartsWithTheFourPhaseHandshakeGetExactlyOneResultEachUnderTheirOwnId() throws Exception {
        int parts = 100;
        try (EipPlcSimulator plc = new EipPlcSimulator(List.of("m2"))) {
            // what the PLC sees when the hub sets result-ready: the result fields are written before it
            Map<Long, List<long[]>> results = new ConcurrentHashMap<>();
            plc.onWrite((station, tag) -> {
                if (tag.equals("ResultReady") && plc.bit(station, tag)) {
                    results.computeIfAbsent((long) plc.resultPartId(station), k -> new CopyOnWriteArrayList<>())
                            .add(new long[] {plc.resultCode(station), plc.bit(station, "Reject") ? 1 : 0});
                }
            });
            start(plc.endpointUrl(), "m2", plc.mapping("m2"), 2000);
            // the first write after the connect warms the driver's write path (slow on a loaded test machine)
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> handshake.writeResult(TestEvents.event("m2", "0", InspectionEvent.Verdict.OK))
                            == PlcHandshake.Outcome.CONFIRMED);
            results.clear();
            failSafes.clear();
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
                    plc.trigger("m2", (int) part);
                    if (!waitFor(() -> plc.bit("m2", "TriggerAck"), 2000)) {
                        plcTimeouts.add(part);
                    }
                    plc.setBit("m2", "Trigger", false);
                    long p = part;
                    waitFor(() -> !plc.bit("m2", "TriggerAck"), 2000);
                    if (!waitFor(() -> results.containsKey(p), 2000)) {
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
        try (EipPlcSimulator plc = new EipPlcSimulator(List.of("m3"));
                TcpProxy cable = new TcpProxy(plc.port())) {
            PlcProperties.StationNodes nodes = plc.mapping("m3");
            // each poll is four CIP requests in a row (one per tag): a budget that a loaded test machine keeps
            start(EipPlcSimulator.endpointUrl(cable.port()), "m3", nodes, 1000);
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> !handshake.isDown()
                            && handshake.writeResult(TestEvents.event("m3", "100", InspectionEvent.Verdict.OK))
                                    == PlcHandshake.Outcome.CONFIRMED);
            failSafes.clear(); // attempts while the first connection settled

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
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> !handshake.isDown()
                            && handshake.writeResult(TestEvents.event("m3", "200", InspectionEvent.Verdict.OK))
                                    == PlcHandshake.Outcome.CONFIRMED);
            assertThat(plc.resultPartId("m3"))
                    .as("the newest part, no result of the outage")
                    .isEqualTo(200);
            assertThat(plc.resultCode("m3")).isEqualTo((short) 1);
            assertThat(plc.unknown()).isEmpty();
        }
    }

    @Test
    void badAddressMapIsRefusedAtStartNamingTheKey() {
        PlcProperties props = PlcProperties.defaults().withEndpointUrl("eip://127.0.0.1:1");
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("eip")
                .withTrigger("%st_Trigger:DINT")
                .withPartId("%st_PartId:DINT")
                .withReject("%st_Reject:BOOL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.trigger")
                .hasMessageContaining("is a bit");
        n = n.withTrigger("%st_Trigger:BOOL");
        assertThat(refusal(props.withStation("bad", n.withPartId("%st_PartId"))))
                .as("a tag without its type cannot be written")
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("with its type");
        assertThat(refusal(props.withStation("bad", n.withPartId("%st_PartId:REAL"))))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("is a number");
        assertThat(refusal(props.withStation("bad", n.withResultCode("%st_Code:DINT:4"))))
                .hasMessageContaining("visionhub.plc.stations.bad.result-code")
                .hasMessageContaining("not an array");
        assertThat(refusal(props.withStation("bad", n.withPartId("")))).hasMessageContaining("part-id");
        assertThat(refusal(props.withEndpointUrl("modbus-tcp://127.0.0.1:502").withStation("bad", n)))
                .hasMessageContaining("eip://");
    }

    @Test
    void aPartIdThatDoesNotFitItsTagIsRefusedAndTheFailSafeRejectsThePart() throws Exception {
        try (EipPlcSimulator plc = new EipPlcSimulator(List.of("m5"))) {
            start(plc.endpointUrl(), "m5", plc.mapping("m5"), 300);
            assertThat(handshake.writeResult(TestEvents.event("m5", "42", InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            // a DINT holds up to 2,147,483,647; and no text
            assertThat(handshake.writeResult(TestEvents.event("m5", "4294967296", InspectionEvent.Verdict.OK)))
                    .isNotEqualTo(PlcHandshake.Outcome.CONFIRMED);
            assertThat(handshake.writeResult(TestEvents.event("m5", "A-7", InspectionEvent.Verdict.OK)))
                    .isNotEqualTo(PlcHandshake.Outcome.CONFIRMED);
            await().atMost(5, TimeUnit.SECONDS).until(() -> failSafes.size() == 2);
            assertThat(failSafes).extracting(PlcFailSafe::partId).containsExactly("4294967296", "A-7");
            assertThat(plc.resultPartId("m5"))
                    .as("nothing written under another part's id")
                    .isEqualTo(42);
            assertThat(plc.unknown()).isEmpty();
        }
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
