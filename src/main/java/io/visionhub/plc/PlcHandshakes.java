package io.visionhub.plc;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.event.PartTrigger;
import io.visionhub.opcua.client.OpcUaClientSessions;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.spi.ExecutorServiceManager;

/**
 * The PLC handshakes of the hub: one {@link PlcHandshake} (one PLC session) per PLC endpoint, each with the
 * stations mapped to it ({@link PlcProperties#perEndpoint()}). A PLC that is down affects only its own stations.
 * Triggers go to each station's {@code plc:<station>} consumer ({@link PlcHandshake#onTriggers}).
 */
public class PlcHandshakes implements AutoCloseable {

    private final List<PlcHandshake> handshakes;

    /** For tests of the handshake alone: every trigger to one listener. */
    public PlcHandshakes(PlcProperties props, MeterRegistry meters, Consumer<PartTrigger> triggerListener) {
        this.handshakes = props.perEndpoint().stream()
                .map(p -> new PlcHandshake(p, meters, triggerListener, PlcFailSafeRecorder.NONE))
                .toList();
    }

    /** With the record of each part that gets the fail-safe (the ledger, in the hub) and Camel's thread pools. */
    public PlcHandshakes(
            PlcProperties props, MeterRegistry meters, PlcFailSafeRecorder recorder, ExecutorServiceManager executors) {
        this(props, meters, recorder, executors, null);
    }

    /** The same, OPC UA PLCs on the hub's shared client sessions (null: a session each). */
    public PlcHandshakes(
            PlcProperties props,
            MeterRegistry meters,
            PlcFailSafeRecorder recorder,
            ExecutorServiceManager executors,
            OpcUaClientSessions sessions) {
        this.handshakes = props.perEndpoint().stream()
                .map(p -> new PlcHandshake(
                        p, PlcTransports.create(p, executors, sessions), meters, null, recorder, executors))
                .toList();
    }

    private PlcHandshakes(List<PlcHandshake> handshakes) {
        this.handshakes = handshakes;
    }

    /** Handshakes made elsewhere (tests, benchmarks), for the plc: component. */
    public static PlcHandshakes of(PlcHandshake... handshakes) {
        return new PlcHandshakes(List.of(handshakes));
    }

    /** Connects to every PLC (each retries on its own when its PLC does not answer). */
    public void start() throws Exception {
        for (PlcHandshake h : handshakes) {
            h.start();
        }
    }

    /** The handshake that maps this station, or null. */
    public PlcHandshake forStation(String station) {
        for (PlcHandshake h : handshakes) {
            if (h.maps(station)) {
                return h;
            }
        }
        return null;
    }

    public List<PlcHandshake> all() {
        return handshakes;
    }

    @Override
    public void close() {
        for (PlcHandshake h : handshakes) {
            h.close();
        }
    }
}
