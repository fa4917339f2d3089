package io.visionhub.ledger.disposition;

import java.time.Instant;

/**
 * A signed disposition as recorded: a new ledger record pointing to the original, never overwriting it.
 *
 * @param id            disposition id
 * @param sequence      its own ledger sequence
 * @param targetType    INSPECTION or LOT
 * @param targetId      inspection id or lot
 * @param targetHash    leaf hash of the inspection, or the Merkle root over the lot's inspection leaves
 * @param targetCount   records covered (1 for an inspection)
 * @param disposition   ACCEPT, REJECT, REWORK, USE_AS_IS
 * @param reason        reason given
 * @param meaning       meaning of the signature
 * @param user          user id that signed
 * @param printedName   printed name of the signer
 * @param signedAt      date and time of signing (UTC)
 * @param signatureHash SHA-256 of the canonical signature manifest (binds signer, meaning, time and target hash)
 * @param leafHash      the disposition's own leaf hash in the Merkle log
 */
public record SignedDisposition(String id, long sequence, String targetType, String targetId, String targetHash,
                                int targetCount, String disposition, String reason, String meaning, String user,
                                String printedName, Instant signedAt, String signatureHash, String leafHash) {

    /** The signature as printed (11.50): name, date and time, meaning. */
    public String manifestation() {
        return "Signed by " + printedName + " (" + user + ") on " + signedAt + " UTC, meaning: " + meaning;
    }
}
