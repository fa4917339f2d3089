package io.visionhub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The disposition that stands for an inspection now: its own current one, or else the current one of its lot
 * (a part's own decision is more specific than the lot's, so it wins). Every screen and API answer that shows an
 * inspection shows this, so nobody acts on a superseded decision.
 *
 * @param id          disposition id (GET /api/ledger/dispositions?target=… has the whole history)
 * @param disposition ACCEPT, REJECT, REWORK or USE_AS_IS
 * @param targetType  INSPECTION (the part itself) or LOT (it covers the whole lot)
 * @param targetId    inspection id or lot
 * @param printedName signer's printed name
 * @param user        signer's user id
 * @param signedAt    signing time (UTC)
 * @param meaning     meaning of the signature, as printed
 * @param reason      reason given
 * @param ledgerSeq   the disposition's own ledger record
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CurrentDisposition(
        String id,
        String disposition,
        String targetType,
        String targetId,
        String printedName,
        String user,
        Instant signedAt,
        String meaning,
        String reason,
        long ledgerSeq) {

    /** "REJECT by Quinn Quality on …": what a screen shows in one line. */
    public String describe() {
        return disposition + ("LOT".equals(targetType) ? " (whole lot " + targetId + ")" : "") + " by " + printedName
                + " (" + user + ") on " + signedAt + " UTC";
    }
}
