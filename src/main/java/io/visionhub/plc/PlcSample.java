package io.visionhub.plc;

import java.time.Instant;

/**
 * One value of a watched station signal as the PLC reported it: the value, the PLC's source time (null when it
 * stamps none) and the server's time (null when none), whether the value is good, and whether the PLC's queue of
 * changes overflowed before it (changes were lost).
 */
public record PlcSample(
        String station,
        PlcTransport.Signal signal,
        Object value,
        Instant sourceTime,
        Instant serverTime,
        boolean good,
        boolean overflow) {

    /** A good value without overflow. */
    public static PlcSample of(
            String station, PlcTransport.Signal signal, Object value, Instant sourceTime, Instant serverTime) {
        return new PlcSample(station, signal, value, sourceTime, serverTime, true, false);
    }
}
