package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A part served before the hub lost its watch of the PLC (a session lost under load, a subscription not transferred)
 * is still the PLC's current part id when the hub watches anew. The next part's rising edge may be handled before
 * its own part id (the two items are sampled apart and land in different publishes): it must wait for that part id,
 * never be served a second time under the part that already had its trigger (seen at load 14 as part T-0212
 * inspected twice in PlcHandshakeReliabilityTest). No PLC is needed: a transport stub hands the handshake the values
 * a re-subscription delivers, with the PLC's source times.
 */
class PlcResubscriptionPairingTest {

    private static final String STATION = "st1";
    private static final Instant T0 = Instant.parse("2026-12-05T01:00:00Z");
    /** Short, so that the duplicate-edge window (two budgets after a cycle's start) is long past at the re-watch. */
    private static final long BUDGET_MS = 200;

    private final List<String> triggered = new CopyOnWriteArrayList<>();
    private final List<PlcFailSafe> failSafes = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StubTransport transport = new StubTransport();
    private PlcHandshake handshake;

    @AfterEach
    void close() {
        if (handshake != null) {
            handshake.close();
        }
    }

    private PlcHandshake start(List<PlcSample> current) throws Exception {
        PlcProperties props = PlcProperties.defaults()
                .withEndpointUrl("opc.tcp://stub/plc")
                .withCycleBudgetMs(BUDGET_MS)
                .withStations(Map.of(STATION, PlcHandshakeTestSupport.st1Nodes()));
        transport.current = current;
        handshake = new PlcHandshake(
                props,
                transport,
                meters,
                t -> triggered.add(t.partId()),
                f -> {
                    failSafes.add(f);
                    return CompletableFuture.completedFuture(null);
                },
                null);
        handshake.start();
        return handshake;
    }

    private static PlcSample partId(long ms, String value) {
        return PlcSample.of(STATION, PlcTransport.Signal.PART_ID, value, T0.plusMillis(ms), T0.plusMillis(ms + 1));
    }

    private static PlcSample trigger(long ms, boolean value) {
        return PlcSample.of(STATION, PlcTransport.Signal.TRIGGER, value, T0.plusMillis(ms), T0.plusMillis(ms + 1));
    }

    /** The re-watch after a lost session, with the values then current; returns once the hub watches again. */
    private void loseAndRewatch(List<PlcSample> current) {
        transport.current = current;
        transport.listener.connectionLost("session to the PLC lost (test)");
        assertThat(handshake.isDown()).isTrue();
        transport.listener.connectionBack("session to the PLC re-established (test)");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.rewatches == 1 && !handshake.isDown());
    }

    private List<String> triggeredUpTo(String last) {
        await().atMost(Duration.ofSeconds(10)).until(() -> triggered.contains(last));
        return List.copyOf(triggered);
    }

    private double counter(String name) {
        return meters.find(name).tag("station", STATION).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void theNextEdgeAfterARewatchIsNotServedAgainUnderThePartCurrentAtTheRewatch() throws Exception {
        start(List.of(partId(0, "T-0211"), trigger(0, false)));
        PlcTransport.Listener plc = transport.listener;
        // T-0212: in order, served once
        plc.samples(List.of(partId(100, "T-0212"), trigger(110, true)));
        plc.samples(List.of(trigger(150, false)));
        assertThat(triggeredUpTo("T-0212")).containsExactly("T-0212");

        // the hub's watch is lost and restored after more than two budgets (a stalled machine): T-0212 is current
        Thread.sleep(3 * BUDGET_MS);
        loseAndRewatch(List.of(partId(100, "T-0212"), trigger(150, false)));

        // T-0213: its rising edge is handled before its part id
        plc.samples(List.of(trigger(210, true)));
        plc.samples(List.of(partId(200, "T-0213")));
        plc.samples(List.of(trigger(250, false)));
        // T-0214 in order, as a sentinel (the hand-over is one thread, in order)
        plc.samples(List.of(partId(300, "T-0214"), trigger(310, true)));

        assertThat(triggeredUpTo("T-0214"))
                .as("each part once, under its own id: never T-0212 again for T-0213's edge")
                .containsExactly("T-0212", "T-0213", "T-0214");
        assertThat(counter("visionhub.plc.triggers")).isEqualTo(3);
        assertThat(counter("visionhub.plc.triggers.missed")).isZero();
    }

    @Test
    void aPartCurrentAtTheRewatchWhoseTriggerComesAfterItIsServed() throws Exception {
        start(List.of(partId(0, "T-0211"), trigger(0, false)));
        PlcTransport.Listener plc = transport.listener;
        plc.samples(List.of(partId(100, "T-0212"), trigger(110, true)));
        plc.samples(List.of(trigger(150, false)));
        assertThat(triggeredUpTo("T-0212")).containsExactly("T-0212");

        // the PLC set T-0213's part id while the hub was not watching; its trigger rises after the rewatch
        Thread.sleep(3 * BUDGET_MS);
        loseAndRewatch(List.of(partId(200, "T-0213"), trigger(150, false)));
        plc.samples(List.of(trigger(210, true)));

        assertThat(triggeredUpTo("T-0213")).containsExactly("T-0212", "T-0213");
        assertThat(counter("visionhub.plc.triggers.missed")).isZero();
    }

    @Test
    void aPartHeldAtTheRewatchIsRecordedOnceAndTheNextEdgeNeverTakesItsId() throws Exception {
        start(List.of(partId(0, "T-0211"), trigger(0, false)));
        PlcTransport.Listener plc = transport.listener;
        // T-0212 raised while the hub was not watching: held at the rewatch, recorded as not served
        loseAndRewatch(List.of(partId(100, "T-0212"), trigger(110, true)));
        await().atMost(Duration.ofSeconds(10)).until(() -> failSafes.size() == 1);
        assertThat(failSafes)
                .extracting(PlcFailSafe::partId, PlcFailSafe::reason)
                .containsExactly(Tuple.tuple("T-0212", PlcFailSafe.Reason.TRIGGER_NOT_SERVED));
        plc.samples(List.of(trigger(150, false)));
        Thread.sleep(3 * BUDGET_MS);

        // T-0213's edge before its part id: it waits for it, never served under T-0212
        plc.samples(List.of(trigger(210, true)));
        plc.samples(List.of(partId(200, "T-0213")));
        plc.samples(List.of(trigger(250, false)));
        plc.samples(List.of(partId(300, "T-0214"), trigger(310, true)));

        assertThat(triggeredUpTo("T-0214")).containsExactly("T-0213", "T-0214");
        // (the served parts fail safe at their deadlines here: no result is written for them)
        assertThat(failSafes)
                .filteredOn(f -> f.reason() == PlcFailSafe.Reason.TRIGGER_NOT_SERVED)
                .extracting(PlcFailSafe::partId)
                .containsExactly("T-0212");
    }

    @Test
    void aBadPartIdAtTheRewatchIsNoPartServedBefore() throws Exception {
        // bad data at the boundary: the re-subscription's part id is empty (a PLC that cleared it); the next edge
        // with its own part id is served under it, nothing under the empty one
        start(List.of(partId(0, "T-0211"), trigger(0, false)));
        PlcTransport.Listener plc = transport.listener;
        plc.samples(List.of(partId(100, "T-0212"), trigger(110, true)));
        plc.samples(List.of(trigger(150, false)));
        triggeredUpTo("T-0212");
        loseAndRewatch(List.of(partId(160, ""), trigger(150, false)));
        plc.samples(List.of(partId(200, "T-0213"), trigger(210, true)));
        assertThat(triggeredUpTo("T-0213")).containsExactly("T-0212", "T-0213");
    }

    /** Hands the handshake the values "current" at each connect and re-watch; writes are confirmed. */
    private static final class StubTransport implements PlcTransport {
        volatile Listener listener;
        volatile List<PlcSample> current = List.of();
        volatile int rewatches;

        @Override
        public String endpoint() {
            return "opc.tcp://stub/plc";
        }

        @Override
        public void connect(Listener l) {
            listener = l;
            l.samples(current);
        }

        @Override
        public void rewatch() {
            listener.samples(current);
            rewatches++;
        }

        @Override
        public void probe(long timeoutMs) {}

        @Override
        public WriteProblem writeResult(String station, String partId, int code, boolean reject, long deadlineNanos) {
            return null;
        }

        @Override
        public void writeTriggerAck(String station, boolean value) {}

        @Override
        public void clearResultReady(String station, long timeoutMs) {}

        @Override
        public boolean maps(String station, Signal signal) {
            return switch (signal) {
                case TRIGGER, PART_ID, RESULT_CODE, REJECT -> true;
                default -> false;
            };
        }

        @Override
        public void close() {}
    }
}
