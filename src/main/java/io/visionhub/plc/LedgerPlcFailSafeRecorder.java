package io.visionhub.plc;

import io.visionhub.event.EventIds;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerWrite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each {@link PlcFailSafe} to the hash-chained ledger as a record of type {@value PlcFailSafe#RECORD_TYPE}
 * (its own id; the body names station, part, inspection, reason, action and times). Enqueued without waiting, so a
 * dead PLC never slows the camera; a record that cannot be appended is logged with the part it was about.
 */
public class LedgerPlcFailSafeRecorder implements PlcFailSafeRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerPlcFailSafeRecorder.class);

    private final JdbcInspectionLedger ledger;

    public LedgerPlcFailSafeRecorder(JdbcInspectionLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public CompletableFuture<?> record(PlcFailSafe f) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("station", f.station());
        body.put("partId", f.partId());
        if (f.inspectionId() != null) {
            body.put("inspectionId", f.inspectionId());
        }
        body.put("reason", f.reason().name());
        body.put("action", f.action().name());
        body.put("resultCode", f.resultCode());
        if (f.triggeredAt() != null) {
            body.put("triggeredAt", f.triggeredAt().toString());
        }
        if (f.deadline() != null) {
            body.put("deadline", f.deadline().toString());
        }
        body.put("decidedAt", f.decidedAt().toString());
        try {
            return ledger.submit(new LedgerWrite(
                            PlcFailSafe.RECORD_TYPE, EventIds.newId(), CanonicalJson.write(body), List.of()))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            LOG.error(
                                    "PLC fail-safe of station {} part {} ({}) not recorded in the ledger: {}",
                                    f.station(),
                                    f.partId(),
                                    f.reason(),
                                    e.getMessage());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.error(
                    "PLC fail-safe of station {} part {} ({}) not recorded in the ledger: {}",
                    f.station(),
                    f.partId(),
                    f.reason(),
                    e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
    }
}
