package io.visionhub.plc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.PartTrigger;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;

/**
 * What the handshake tests share: the {@link PlcHandshake} under test with its meters and the fail-safes it records,
 * the settings of one station, its counters, and its close after each test.
 */
abstract class PlcHandshakeTestSupport {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Queue<PlcFailSafe> failSafes = new ConcurrentLinkedQueue<>();
    PlcHandshake handshake;

    @AfterEach
    void closeHandshake() {
        if (handshake != null) {
            handshake.close();
        }
    }

    /** The settings of one station on this endpoint, with this cycle budget. */
    static PlcProperties props(String endpointUrl, String station, PlcProperties.StationNodes nodes, long budgetMs) {
        return PlcProperties.defaults()
                .withEnabled(true)
                .withEndpointUrl(endpointUrl)
                .withCycleBudgetMs(budgetMs)
                .withStations(Map.of(station, nodes));
    }

    /** Trigger, part id, result code and reject nodes of a station "st1", for tests whose PLC is a stub. */
    static PlcProperties.StationNodes st1Nodes() {
        return PlcProperties.StationNodes.defaults()
                .withTrigger("ns=2;s=st1.Trigger")
                .withPartId("ns=2;s=st1.PartId")
                .withResultCode("ns=2;s=st1.ResultCode")
                .withReject("ns=2;s=st1.Reject");
    }

    /** The handshake under test, not started yet: triggers to the listener, fail-safes to {@link #failSafes}. */
    PlcHandshake newHandshake(PlcProperties props, Consumer<PartTrigger> triggerListener) {
        handshake = new PlcHandshake(props, meters, triggerListener, f -> {
            failSafes.add(f);
            return CompletableFuture.completedFuture(null);
        });
        return handshake;
    }

    /** The same, started. */
    PlcHandshake start(PlcProperties props, Consumer<PartTrigger> triggerListener) throws Exception {
        newHandshake(props, triggerListener).start();
        return handshake;
    }

    /** The sum of the station's counters of this name. */
    double counter(String name, String station) {
        return meters.find(name).tag("station", station).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
