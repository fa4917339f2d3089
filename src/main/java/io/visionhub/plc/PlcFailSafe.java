package io.visionhub.plc;

import java.time.Instant;

/**
 * A part that got the fail-safe outcome instead of its inspection result on the PLC: what the ledger records for it
 * (record type {@value #RECORD_TYPE}), so that every part the hub knew of has exactly one outcome on record.
 *
 * @param station      station of the part
 * @param partId       the PLC's part id ("" when the PLC gave none)
 * @param inspectionId the inspection whose result could not be delivered, or null when nothing was inspected
 * @param reason       why the result did not reach the PLC
 * @param action       REJECT (the hub wrote, or would have written, the reject bit) or NONE (left to the PLC)
 * @param resultCode   the fail-safe result code
 * @param triggeredAt  when the hub saw the trigger (or the inspection finished, untriggered), or null
 * @param deadline     the cycle deadline that passed or could not be met, or null
 * @param decidedAt    when the hub decided on the fail-safe
 */
public record PlcFailSafe(
        String station,
        String partId,
        String inspectionId,
        Reason reason,
        PlcProperties.FailSafe action,
        int resultCode,
        Instant triggeredAt,
        Instant deadline,
        Instant decidedAt) {

    public static final String RECORD_TYPE = "PLC_FAIL_SAFE";

    /** Why a part got the fail-safe. */
    public enum Reason {
        /** No confirmed result before the cycle deadline (no inspection in time, PLC refused or slow). */
        DEADLINE_PASSED,
        /** The PLC was known down (no session, or a write got no answer): no write was attempted. */
        PLC_DOWN,
        /** A result of a newer part had already been written to the station: an older one is never written after it. */
        SUPERSEDED,
        /**
         * A trigger the hub could not serve: already raised when the hub (re)connected, lost in an overflowing
         * notification queue, or raised again for the same part before its result.
         */
        TRIGGER_NOT_SERVED,
        /**
         * The result write was sent but its answer was lost (the connection dropped, or no answer before the
         * deadline): the PLC may have applied the inspection's result (see inspectionId) or not; the hub cannot tell,
         * records this as the part's one outcome and writes nothing more for it.
         */
        WRITE_IN_DOUBT
    }
}
