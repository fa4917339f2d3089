package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The handshake over Siemens S7 (PLC4X's S7 driver) against Snap7's S7 server started here ({@link S7PlcSimulator},
 * node-snap7), with the same semantics as over OPC UA and Modbus: each trigger's result under its own part id, the
 * four-phase trigger-ack, the fail-safe while the PLC is down and no stale write after it returns,
 * a bad address map refused at start. Skipped, with the reason, where node or node-snap7 is missing (.ci/run builds
 * it).
 */
class S7PlcHandshakeTest {

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

    static void assumeServer() {
        String why = S7PlcSimulator.available();
        Assumptions.assumeTrue(why == null, why);
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
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s1"))) {
            start(plc.endpointUrl(), "s1", plc.mapping("s1"), 2000);
            plc.trigger("s1", 4711);
            PartTrigger t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("4711");
            await().atMost(5, TimeUnit.SECONDS).until(() -> plc.bit("s1", S7PlcSimulator.TRIGGER_ACK));

            assertThat(handshake.writeResult(TestEvents.event("s1", t.partId(), InspectionEvent.Verdict.NG)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);

            plc.sync();
            assertThat(plc.resultPartId("s1")).isEqualTo(4711);
            assertThat(plc.resultCode("s1")).isEqualTo((short) 2);
            assertThat(plc.bit("s1", S7PlcSimulator.REJECT)).isTrue();
            assertThat(plc.bit("s1", S7PlcSimulator.RESULT_READY)).isTrue();

            plc.setBit("s1", S7PlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("s1", S7PlcSimulator.TRIGGER_ACK));
            assertThat(counter("visionhub.plc.writes", "s1")).isEqualTo(1);
        }
    }

    @Test
    void aPartIdThatIsNotANumberIsRefusedAndTheFailSafeRejectsThePart() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s2"))) {
            start(plc.endpointUrl(), "s2", plc.mapping("s2"), 300);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> handshake.writeResult(TestEvents.event("s2", "42", InspectionEvent.Verdict.OK))
                            == PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.resultPartId("s2")).isEqualTo(42);
            // the PLC's part id is a DWORD: "A-0042" cannot go there, the part gets the fail-safe
            assertThat(handshake.writeResult(TestEvents.event("s2", "A-0042", InspectionEvent.Verdict.OK)))
                    .isNotEqualTo(PlcHandshake.Outcome.CONFIRMED);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !failSafes.isEmpty());
            assertThat(failSafes).extracting(PlcFailSafe::partId).containsExactly("A-0042");
            assertThat(plc.resultPartId("s2"))
                    .as("nothing written under another part's id")
                    .isEqualTo(42);
        }
    }

    @Test
    void hundredPartsWithTheFourPhaseHandshakeGetExactlyOneResultEachUnderTheirOwnId() throws Exception {
        assumeServer();
        int parts = 100;
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s3"))) {
            // what the PLC sees when the hub sets result-ready: the result fields are written before it
            Map<Integer, List<int[]>> results = new ConcurrentHashMap<>();
            plc.onWrite((station, at) -> {
                if (at[0] == 0
                        && at[1] == S7PlcSimulator.RESULT_READY
                        && plc.bit(station, S7PlcSimulator.RESULT_READY)) {
                    results.computeIfAbsent(plc.resultPartId(station), k -> new CopyOnWriteArrayList<>())
                            .add(new int[] {plc.resultCode(station), plc.bit(station, S7PlcSimulator.REJECT) ? 1 : 0});
                }
            });
            start(plc.endpointUrl(), "s3", plc.mapping("s3"), 1000);
            // the inspection side: each trigger's result, NG for every third part
            Thread inspector = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        PartTrigger t = triggers.take();
                        InspectionEvent.Verdict v = Long.parseLong(t.partId()) % 3 == 0
                                ? InspectionEvent.Verdict.NG
                                : InspectionEvent.Verdict.OK;
                        handshake.writeResult(TestEvents.event("s3", t.partId(), v));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            inspector.setDaemon(true);
            inspector.start();
            List<Integer> plcTimeouts = new ArrayList<>();
            try {
                for (int part = 1; part <= parts; part++) {
                    // the PLC program: part id, trigger; hold both until trigger-ack; lower; wait for the result
                    plc.trigger("s3", part);
                    if (!waitFor(() -> plc.bit("s3", S7PlcSimulator.TRIGGER_ACK), 2000)) {
                        plcTimeouts.add(part);
                    }
                    plc.setBit("s3", S7PlcSimulator.TRIGGER, false);
                    int p = part;
                    waitFor(() -> !plc.bit("s3", S7PlcSimulator.TRIGGER_ACK), 2000);
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
            assertThat(counter("visionhub.plc.triggers", "s3")).isEqualTo(parts);
            assertThat(counter("visionhub.plc.triggers.missed", "s3")).isZero();
            assertThat(failSafes).isEmpty();
            assertThat(results).hasSize(parts);
            for (int part = 1; part <= parts; part++) {
                assertThat(results.get(part)).as("results of part %d", part).hasSize(1);
                int[] r = results.get(part).get(0);
                assertThat(r[0]).as("code of part %d", part).isEqualTo(part % 3 == 0 ? 2 : 1);
                assertThat(r[1]).as("reject of part %d", part).isEqualTo(part % 3 == 0 ? 1 : 0);
            }
        }
    }

    @Test
    void outageGivesEachPartTheFailSafeAndNoStaleResultIsWrittenAfterTheReconnect() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s4"));
                TcpProxy cable = new TcpProxy(plc.port())) {
            start(S7PlcSimulator.endpointUrl(cable.port()), "s4", plc.mapping("s4"), 300);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> !handshake.isDown()
                            && handshake.writeResult(TestEvents.event("s4", "100", InspectionEvent.Verdict.OK))
                                    == PlcHandshake.Outcome.CONFIRMED);
            plc.sync();

            cable.cut();
            await().atMost(10, TimeUnit.SECONDS).until(handshake::isDown);
            long t0 = System.nanoTime();
            for (int i = 1; i <= 5; i++) {
                assertThat(handshake.writeResult(
                                TestEvents.event("s4", String.valueOf(100 + i), InspectionEvent.Verdict.NG)))
                        .isEqualTo(PlcHandshake.Outcome.MISSED);
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                    .as("results while down do not wait")
                    .isLessThan(300);
            assertThat(failSafes).extracting(PlcFailSafe::partId).containsExactly("101", "102", "103", "104", "105");
            assertThat(failSafes).allMatch(f -> f.reason() == PlcFailSafe.Reason.PLC_DOWN);

            cable.restore();
            await().atMost(20, TimeUnit.SECONDS).until(() -> !handshake.isDown());
            assertThat(handshake.writeResult(TestEvents.event("s4", "200", InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.resultPartId("s4"))
                    .as("the newest part, no result of the outage")
                    .isEqualTo(200);
            assertThat(plc.resultCode("s4")).isEqualTo((short) 1);
        }
    }

    @Test
    void aStringPartIdIsTakenWithItsTriggerAndTheResultIsWrittenUnderIt() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s5"))) {
            start(plc.endpointUrl(), "s5", plc.textMapping("s5"), 2000);
            plc.triggerText("s5", "A-0042/7");
            PartTrigger t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("A-0042/7");
            assertThat(handshake.writeResult(TestEvents.event("s5", t.partId(), InspectionEvent.Verdict.NG)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.text("s5", S7PlcSimulator.RESULT_PART_ID_TEXT)).isEqualTo("A-0042/7");
            assertThat(plc.textDeclared("s5", S7PlcSimulator.RESULT_PART_ID_TEXT))
                    .as("the declared length stays as the PLC declared it")
                    .isEqualTo(S7PlcSimulator.TEXT_LENGTH);
            assertThat(plc.resultCode("s5")).isEqualTo((short) 2);

            plc.setBit("s5", S7PlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("s5", S7PlcSimulator.TRIGGER_ACK));
            // a shorter id after a longer one: nothing of the older id is left behind it
            plc.triggerText("s5", "B1");
            t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("B1");
            assertThat(handshake.writeResult(TestEvents.event("s5", "B1", InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.text("s5", S7PlcSimulator.RESULT_PART_ID_TEXT)).isEqualTo("B1");
            assertThat(failSafes).isEmpty();
        }
    }

    @Test
    void aWstringPartIdKeepsCharactersBeyondAscii() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s6"))) {
            start(plc.endpointUrl(), "s6", plc.wideMapping("s6"), 2000);
            plc.triggerWide("s6", "Teil-Ä7");
            PartTrigger t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("Teil-Ä7");
            assertThat(handshake.writeResult(TestEvents.event("s6", t.partId(), InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.wide("s6", S7PlcSimulator.RESULT_PART_ID_WIDE)).isEqualTo("Teil-Ä7");
        }
    }

    @Test
    void badTextFromThePlcIsRecordedAsAnUnservedTriggerAndTheNextPartIsServed() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s7"))) {
            start(plc.endpointUrl(), "s7", plc.textMapping("s7"), 2000);
            await().atMost(20, TimeUnit.SECONDS).until(() -> !handshake.isDown());
            // a STRING(16) saying it holds 40 characters: corrupt
            plc.setText("s7", S7PlcSimulator.PART_ID_TEXT, 16, 40, "X-1".getBytes(StandardCharsets.US_ASCII));
            plc.setBit("s7", S7PlcSimulator.TRIGGER, true);
            await().atMost(10, TimeUnit.SECONDS).until(() -> failSafes.size() == 1);
            plc.setBit("s7", S7PlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("s7", S7PlcSimulator.TRIGGER_ACK));
            // a byte that is no ASCII character (ü in ISO-8859-1)
            plc.setText("s7", S7PlcSimulator.PART_ID_TEXT, 16, 5, new byte[] {'P', 'r', (byte) 0xFC, 'f', '1'});
            plc.setBit("s7", S7PlcSimulator.TRIGGER, true);
            await().atMost(10, TimeUnit.SECONDS).until(() -> failSafes.size() == 2);
            plc.setBit("s7", S7PlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("s7", S7PlcSimulator.TRIGGER_ACK));
            assertThat(failSafes)
                    .allMatch(f -> f.reason() == PlcFailSafe.Reason.TRIGGER_NOT_SERVED
                            && f.partId().isEmpty());
            assertThat(counter("visionhub.plc.triggers.missed", "s7")).isEqualTo(2);
            assertThat(triggers).as("no inspection under a garbled id").isEmpty();
            assertThat(handshake.isDown()).as("bad data is no outage").isFalse();

            plc.triggerText("s7", "OK-1");
            PartTrigger t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("OK-1");
        }
    }

    @Test
    void aPartIdThatDoesNotFitTheStringIsRefusedAndTheFailSafeRejectsThePart() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s8"))) {
            start(plc.endpointUrl(), "s8", plc.textMapping("s8"), 300);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> handshake.writeResult(TestEvents.event("s8", "OK-0", InspectionEvent.Verdict.OK))
                            == PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            String tooLong = "P-0123456789ABCDEF"; // 18 characters in a STRING(16)
            assertThat(handshake.writeResult(TestEvents.event("s8", tooLong, InspectionEvent.Verdict.OK)))
                    .isNotEqualTo(PlcHandshake.Outcome.CONFIRMED);
            assertThat(handshake.writeResult(TestEvents.event("s8", "Prüf-1", InspectionEvent.Verdict.OK)))
                    .isNotEqualTo(PlcHandshake.Outcome.CONFIRMED);
            await().atMost(5, TimeUnit.SECONDS).until(() -> failSafes.size() == 2);
            assertThat(failSafes).extracting(PlcFailSafe::partId).containsExactly(tooLong, "Prüf-1");
            assertThat(plc.text("s8", S7PlcSimulator.RESULT_PART_ID_TEXT))
                    .as("nothing written under another part's id, nothing cut short")
                    .isEqualTo("OK-0");
            assertThat(handshake.isDown()).isFalse();
        }
    }

    @Test
    void badAddressMapIsRefusedAtStartNamingTheKey() {
        PlcProperties props = PlcProperties.defaults().withEndpointUrl("s7://127.0.0.1:1");
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("s7")
                .withTrigger("%DB1:0:INT")
                .withPartId("%DB1:2:DINT")
                .withReject("%DB1:0.2:BOOL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.trigger")
                .hasMessageContaining("is a bit");
        n = n.withTrigger("%DB1:0.0:BOOL").withReject("%I0.2:BOOL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.reject")
                .hasMessageContaining("inputs area");
        n = n.withReject("%DB1:0.2:BOOL").withPartId("DB-of-doom:7");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("not an S7 address");
        n = n.withPartId("%DB1:2:REAL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("is a number");
        n = n.withPartId("%M20:STRING");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("must be in a data block");
        n = n.withPartId("%DB1:20:STRING(250)");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("1 to 198 characters");
        n = n.withPartId("%DB1:20:WSTRING(8)").withResultPartId("%DB1:40:WSTRING(120)");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.result-part-id")
                .hasMessageContaining("1 to 98 characters");
        n = n.withResultPartId("").withPartId("%DB1:2:DINT").withResultCode("%DB1:10:STRING(4)");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.result-code")
                .hasMessageContaining("is a number");
        n = n.withResultCode("%DB1:10:INT").withPartId("");
        assertThat(refusal(props.withStation("bad", n))).hasMessageContaining("part-id");
        n = n.withPartId("%DB1:2:DINT");
        props = props.withEndpointUrl("modbus-tcp://127.0.0.1:502");
        assertThat(refusal(props.withStation("bad", n))).hasMessageContaining("s7://");
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
