package io.visionhub.plc;

import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.function.Consumer;

/**
 * The PLC handshakes of the hub: one {@link PlcHandshake} (one OPC UA client) per PLC endpoint, each with the
 * stations mapped to it ({@link PlcProperties#perEndpoint()}). A PLC that is down affects only its own stations.
 */
public class PlcHandshakes implements AutoCloseable {

    private final List<PlcHandshake> handshakes;

    public PlcHandshakes(PlcProperties props, MeterRegistry meters, Consumer<PlcTrigger> triggerListener) {
        this.handshakes = props.perEndpoint().stream().map(p -> new PlcHandshake(p, meters, triggerListener)).toList();
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
