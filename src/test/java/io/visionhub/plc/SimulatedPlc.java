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

    /** The handshake's four bits, in the order a station's block holds them (Modbus coils +0 to +3, S7 bits 0 to 3). */
    enum Signal {
        TRIGGER("Trigger"),
        TRIGGER_ACK("TriggerAck"),
        REJECT("Reject"),
        RESULT_READY("ResultReady");

        /** The signal's part of a tag name (EtherNet/IP: {@code <station>_TriggerAck}). */
        final String tag;

        Signal(String tag) {
            this.tag = tag;
        }
    }

    /** One of the station's handshake bits, as the PLC's memory holds it. */
    boolean signal(String station, Signal signal);

    /** Sets one of the station's handshake bits, as the PLC program does. */
    void setSignal(String station, Signal signal, boolean value);

    default void setTrigger(String station, boolean raised) {
        setSignal(station, Signal.TRIGGER, raised);
    }

    default boolean triggerAck(String station) {
        return signal(station, Signal.TRIGGER_ACK);
    }

    default boolean reject(String station) {
        return signal(station, Signal.REJECT);
    }

    default boolean resultReady(String station) {
        return signal(station, Signal.RESULT_READY);
    }

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
