package io.visionhub.plc;

import java.util.List;

/**
 * How the handshake ({@link PlcHandshake}) talks to one PLC: watch each station's trigger, part id and ack, write a
 * station's result fields in one request, acknowledge triggers. The handshake owns cycles, deadlines, pairing,
 * ordering, the fail-safe and the metrics; a transport owns the session and the protocol's addresses (OPC UA
 * nodes in {@code io.visionhub.plc.opcua}, Modbus coils and registers in {@code io.visionhub.plc.modbus}).
 * A transport checks its station address map when it is made, so a bad map is refused at start.
 */
public interface PlcTransport extends AutoCloseable {

    /** The PLC's address, for logs and the {@code visionhub.plc.connected} gauge. */
    String endpoint();

    /**
     * Connects and starts watching every station's trigger, part id and ack; changes go to the listener as samples.
     * Throws when the PLC cannot be reached (the handshake then tries again).
     */
    void connect(Listener listener) throws Exception;

    /** Watches anew (after the session came back, or the PLC lost what was watched); the last values are sent again. */
    void rewatch() throws Exception;

    /** A cheap request that succeeds only when the PLC answers (used while it is known down). */
    void probe(long timeoutMs) throws Exception;

    /**
     * One request with the station's result fields (result part id, result code, reject, result-ready = true);
     * waits at most until {@code deadlineNanos} (System.nanoTime) for the PLC's answer.
     *
     * @return null when the PLC confirmed every value, else why not
     */
    WriteProblem writeResult(String station, String partId, int code, boolean reject, long deadlineNanos);

    /** Four-phase handshake: sets or clears the station's trigger-ack; never waits (a failure is logged). */
    void writeTriggerAck(String station, boolean value);

    /** Clears the station's result-ready, waiting up to timeoutMs for the PLC to confirm it. */
    void clearResultReady(String station, long timeoutMs) throws Exception;

    /** Which of a station's signals the address map has (the handshake adapts its behaviour to them). */
    boolean maps(String station, Signal signal);

    @Override
    void close();

    /** A station's signals. */
    enum Signal {
        TRIGGER,
        PART_ID,
        ACK,
        TRIGGER_ACK,
        RESULT_CODE,
        REJECT,
        RESULT_READY
    }

    /**
     * Why a write was not confirmed; noAnswer: the PLC did not answer at all (the breaker opens), else it refused;
     * inDoubt: the request may have reached the PLC and been applied (its answer was lost).
     */
    record WriteProblem(String text, boolean noAnswer, boolean inDoubt) {
        public WriteProblem(String text, boolean noAnswer) {
            this(text, noAnswer, false);
        }
    }

    /**
     * A part id value the PLC holds but the hub cannot take as a part id (e.g. an S7 STRING longer than its declared
     * length, or not ASCII): reported as the PART_ID sample's value; a trigger paired with it is not served but
     * recorded with its fail-safe, the reason in the log.
     */
    record Unreadable(String why) {}

    /** What a transport reports to the handshake; called from the transport's threads. */
    interface Listener {
        /** Value changes of watched signals (TRIGGER, PART_ID, ACK), in the order the PLC reported them. */
        void samples(List<PlcSample> batch);

        /** Changes were lost (e.g. a publish sequence gap): triggers in between cannot be served. */
        void samplesLost(String why);

        /** The connection to the PLC was lost. */
        void connectionLost(String why);

        /** The connection is back; the handshake calls {@link #rewatch()}. */
        void connectionBack(String why);

        /** What was watched is gone (e.g. a subscription not transferred); the handshake calls {@link #rewatch()}. */
        void watchLost(String why);

        /**
         * Value changes the PLC queued for a watch that is no longer the live one (an OPC UA subscription the PLC's
         * server kept through an outage and delivers after the reconnect): history, never served as triggers. The
         * handshake records each trigger among them as missed, under its part id, and writes nothing for it.
         */
        default void staleSamples(List<PlcSample> batch) {}

        /** Changes of a watch that is no longer the live one were lost: triggers of the outage may be among them. */
        default void staleSamplesLost(String why) {}
    }
}
