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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake's data-change handler fed the way Milo may deliver under load: publishes reordered (a sequence gap,
 * then notifications on different pool threads) and republished. Each part id gets at most one cycle, under its own
 * id, and no trigger edge is ever paired with a previous part's id (issue 14 item 1). No PLC is needed: the
 * notifications are built here as the transport hands them to the handshake ({@link PlcSample}), with the PLC's
 * source times.
 */
class PlcNotificationOrderTest {

    private static final String STATION = "st1";
    private static final Instant T0 = Instant.parse("2026-12-05T01:00:00Z");

    private final List<String> triggered = new CopyOnWriteArrayList<>();
    private final List<PlcFailSafe> failSafes = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private PlcHandshake handshake;

    @AfterEach
    void close() {
        if (handshake != null) {
            handshake.close();
        }
    }

    private PlcHandshake handshake() {
        return handshake(60_000); // no deadline passes during the test
    }

    private PlcHandshake handshake(long cycleBudgetMs) {
        PlcProperties props = PlcProperties.defaults();
        props = props.withEndpointUrl(
                "opc.tcp://127.0.0.1:1/plc"); // never connected: only the data-change handler runs
        props = props.withCycleBudgetMs(cycleBudgetMs);
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withTrigger("ns=2;s=st1.Trigger")
                .withPartId("ns=2;s=st1.PartId")
                .withResultCode("ns=2;s=st1.ResultCode")
                .withReject("ns=2;s=st1.Reject");
        props = props.withStations(Map.of(STATION, n));
        handshake = new PlcHandshake(props, meters, t -> triggered.add(t.partId()), f -> {
            failSafes.add(f);
            return CompletableFuture.completedFuture(null);
        });
        return handshake;
    }

    /** A value as the PLC's server stamps it: source time ms after T0, server time a little later. */
    private static Stamped at(long ms, Object value) {
        return new Stamped(value, T0.plusMillis(ms), T0.plusMillis(ms + 1));
    }

    private record Stamped(Object value, Instant source, Instant server) {}

    private static PlcSample partId(Stamped v) {
        return PlcSample.of(STATION, PlcTransport.Signal.PART_ID, v.value(), v.source(), v.server());
    }

    private static PlcSample trigger(Stamped v) {
        return PlcSample.of(STATION, PlcTransport.Signal.TRIGGER, v.value(), v.source(), v.server());
    }

    private double counter(String name) {
        return meters.find(name).tag("station", STATION).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    /** The triggers handed on, once the last one (a sentinel part) has: the hand-over is one thread, in order. */
    private List<String> triggeredUpTo(String last) {
        await().atMost(Duration.ofSeconds(10)).until(() -> triggered.contains(last));
        return List.copyOf(triggered);
    }

    @Test
    void reorderedAndRepublishedNotificationsGiveEachPartOneCycleUnderItsOwnId() {
        PlcHandshake h = handshake();
        // the subscription's first publish: the values current then
        h.dataChanged(List.of(partId(at(0, "P-0")), trigger(at(0, false))));

        // P-1: part id, then its rising edge; the same publish handled twice (republished)
        Stamped p1 = at(100, "P-1");
        Stamped rise1 = at(110, true);
        Stamped fall1 = at(150, false);
        h.dataChanged(List.of(partId(p1), trigger(rise1)));
        h.dataChanged(List.of(partId(p1), trigger(rise1)));

        // P-2: its rising edge is handled before P-1's fall, and P-2's part id after its edge (publishes handled in
        // the wrong order on different pool threads)
        h.dataChanged(List.of(trigger(at(210, true))));
        h.dataChanged(List.of(partId(at(200, "P-2"))));
        h.dataChanged(List.of(trigger(fall1)));
        // P-1's publish republished late, after its fall
        h.dataChanged(List.of(partId(p1), trigger(rise1), trigger(fall1)));
        h.dataChanged(List.of(trigger(at(250, false))));

        // P-3: its edge arrives before its part id (the previous part's id is current at that moment)
        h.dataChanged(List.of(trigger(at(310, true))));
        h.dataChanged(List.of(partId(at(300, "P-3"))));
        h.dataChanged(List.of(trigger(at(350, false))));

        // P-4: in order, as a sentinel: every trigger before it has been handed on once it has
        h.dataChanged(List.of(partId(at(400, "P-4")), trigger(at(410, true))));

        assertThat(triggeredUpTo("P-4"))
                .as("each part once, under its own id, none under a previous part's id")
                .containsExactly("P-1", "P-2", "P-3", "P-4");
        assertThat(counter("visionhub.plc.triggers")).isEqualTo(4);
        assertThat(failSafes)
                .as("nothing counted missed or superseded: every part was served")
                .isEmpty();
        assertThat(counter("visionhub.plc.triggers.missed")).isZero();
    }

    @Test
    void aSecondEdgeWithoutANewPartIdIsCountedMissedNeverServedUnderThePreviousPart() {
        PlcHandshake h = handshake(400); // the edge waits half of it for its own part id
        h.dataChanged(List.of(partId(at(0, "P-0")), trigger(at(0, false))));
        h.dataChanged(List.of(partId(at(100, "P-1")), trigger(at(110, true))));
        h.dataChanged(List.of(trigger(at(150, false))));
        // a rising edge for which no newer part id ever comes (its part id notification was lost)
        h.dataChanged(List.of(trigger(at(210, true))));
        h.dataChanged(List.of(trigger(at(250, false))));

        // the counter goes up before the fail-safe is recorded (PlcHandshake.triggerNotServed): wait for both
        await().atMost(Duration.ofSeconds(10))
                .until(() -> counter("visionhub.plc.triggers.missed") == 1
                        && failSafes.stream().anyMatch(f -> f.reason() == PlcFailSafe.Reason.TRIGGER_NOT_SERVED));
        // (P-1's own cycle fails safe at its deadline: no result comes in this test)
        assertThat(failSafes)
                .filteredOn(f -> f.reason() == PlcFailSafe.Reason.TRIGGER_NOT_SERVED)
                .singleElement()
                .satisfies(f -> assertThat(f.partId())
                        .as("not recorded under the previous part's id")
                        .isNotEqualTo("P-1"));
        assertThat(failSafes)
                .filteredOn(f -> f.partId().equals("P-1"))
                .as("P-1 has one outcome")
                .hasSizeLessThanOrEqualTo(1);
        h.dataChanged(List.of(partId(at(300, "P-3")), trigger(at(310, true))));
        assertThat(triggeredUpTo("P-3")).containsExactly("P-1", "P-3");
        assertThat(counter("visionhub.plc.triggers")).isEqualTo(2);
    }
}
