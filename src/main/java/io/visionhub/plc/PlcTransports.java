package io.visionhub.plc;

import io.visionhub.opcua.client.OpcUaClientSessions;
import io.visionhub.plc.eip.EipPlcTransport;
import io.visionhub.plc.modbus.ModbusPlcTransport;
import io.visionhub.plc.opcua.OpcUaPlcTransport;
import io.visionhub.plc.s7.S7PlcTransport;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.spi.ExecutorServiceManager;

/** Picks the transport of one PLC endpoint by its stations' {@code protocol} (opcua, modbus, s7, eip). */
public final class PlcTransports {

    private PlcTransports() {}

    /** The transport for one endpoint's settings ({@link PlcProperties#perEndpoint()}); refuses a bad address map. */
    public static PlcTransport create(PlcProperties endpoint) {
        return create(endpoint, null);
    }

    /** The same, with threads from Camel's ExecutorServiceManager (null: a plain daemon thread, tests). */
    public static PlcTransport create(PlcProperties endpoint, ExecutorServiceManager executors) {
        return create(endpoint, executors, null);
    }

    /**
     * The same, OPC UA sessions from the hub's shared ones (the MES context may talk to the same server; null: a
     * session of its own).
     */
    public static PlcTransport create(
            PlcProperties endpoint, ExecutorServiceManager executors, OpcUaClientSessions sessions) {
        Set<String> protocols = new TreeSet<>();
        endpoint.stations().values().forEach(n -> protocols.add(n == null ? "opcua" : n.protocol()));
        if (protocols.size() > 1) {
            throw new IllegalArgumentException("visionhub.plc.stations "
                    + endpoint.stations().keySet() + " share the PLC " + endpoint.endpointUrl()
                    + " but name different protocols " + protocols + "; one PLC, one protocol");
        }
        String protocol = protocols.isEmpty() ? "opcua" : protocols.iterator().next();
        return switch (protocol) {
            case "opcua" -> new OpcUaPlcTransport(endpoint, sessions);
            case "modbus" -> new ModbusPlcTransport(endpoint, executors);
            case "s7" -> new S7PlcTransport(endpoint, executors);
            case "eip" -> new EipPlcTransport(endpoint, executors);
            default ->
                throw new IllegalArgumentException(
                        "visionhub.plc.stations " + endpoint.stations().keySet() + ": protocol '" + protocol
                                + "' is not known; use opcua, modbus, s7 or eip");
        };
    }
}
