package io.visionhub.plc;

import java.util.function.Consumer;

/**
 * A PLC SIMULATOR as {@link AbstractPlcHandshakeTest}'s shared scenarios drive it: the PLC program's side of the
 * handshake signals. {@link ModbusPlcSimulator}, {@link S7PlcSimulator} and {@link EipPlcSimulator} implement it.
 */
interface SimulatedPlc extends AutoCloseable {
    int port();

    String endpointUrl();

    /** The endpoint through a TCP proxy on the given port (a cable the test can cut). */
    String endpointUrl(int port);

    PlcProperties.StationNodes mapping(String station);

    /** PLC program, first half of a part: the part id, then the trigger. */
    void trigger(String station, long partId);

    void setTrigger(String station, boolean raised);

    boolean triggerAck(String station);

    boolean reject(String station);

    boolean resultReady(String station);

    long resultPartId(String station);

    short resultCode(String station);

    /** Called with the station each time the hub sets result-ready (the result fields are on the PLC before). */
    void onResultReady(Consumer<String> listener);

    /** Waits until the PLC's memory shows every write the hub has had confirmed (S7); a no-op elsewhere. */
    default void sync() {}

    /**
     * Checks that the driver sent nothing the simulator does not know, and kept to the simulator's mode (EtherNet/IP:
     * connected or not); a no-op elsewhere.
     */
    default void assertNothingUnknown() {}

    @Override
    void close() throws Exception;
}
