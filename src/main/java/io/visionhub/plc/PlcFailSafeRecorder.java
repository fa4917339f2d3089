package io.visionhub.plc;

import java.util.concurrent.CompletableFuture;

/**
 * Records a part's fail-safe outcome (in the ledger, see {@link LedgerPlcFailSafeRecorder}). Must not block: it is
 * called on the camera's thread while the PLC is down; the future completes when the record is durable.
 */
@FunctionalInterface
public interface PlcFailSafeRecorder {

    CompletableFuture<?> record(PlcFailSafe failSafe);

    /** Records nothing (a hub without a ledger, tests of the handshake alone); the log and counters still say it. */
    PlcFailSafeRecorder NONE = f -> CompletableFuture.completedFuture(null);
}
