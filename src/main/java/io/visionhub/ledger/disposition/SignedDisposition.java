package io.visionhub.ledger.disposition;

import java.time.Instant;

/**
 * A signed disposition as recorded: a new ledger record pointing to the original, never overwriting it.
 *
 * @param id              disposition id
 * @param sequence        its own ledger sequence
 * @param targetType      INSPECTION or LOT
 * @param targetId        inspection id or lot
 * @param targetHash      leaf hash of the inspection, or the Merkle root over the lot's inspection leaves
 * @param targetCount     records covered (1 for an inspection)
 * @param disposition     ACCEPT, REJECT, REWORK, USE_AS_IS
 * @param reason          reason given
 * @param meaning         meaning of the signature, as printed (the configured text of {@code meaningCode})
 * @param user            user id that signed
 * @param printedName     printed name of the signer, from the signer's account
 * @param signedAt        date and time of signing (UTC)
 * @param signatureHash   SHA-256 of the canonical signature manifest (binds signer, meaning, time and target hash)
 * @param leafHash        the disposition's own leaf hash in the Merkle log
 * @param meaningCode     the controlled meaning chosen (null on records made before it was controlled)
 * @param revision        position in the target's history, 1 = first (null on records made before revisions)
 * @param supersedes      the disposition this one replaced, or null
 * @param supersedeReason why it replaced it, or null
 * @param supersededBy    the disposition that replaced this one, or null while it is the current one
 * @param requestId       the client's idempotency key, or null
 */
public record SignedDisposition(
        String id,
        long sequence,
        String targetType,
        String targetId,
        String targetHash,
        int targetCount,
        String disposition,
        String reason,
        String meaning,
        String user,
        String printedName,
        Instant signedAt,
        String signatureHash,
        String leafHash,
        String meaningCode,
        Integer revision,
        String supersedes,
        String supersedeReason,
        String supersededBy,
        String requestId) {

    /** A disposition as recorded before supersession and controlled meanings existed. */
    public SignedDisposition(
            String id,
            long sequence,
            String targetType,
            String targetId,
            String targetHash,
            int targetCount,
            String disposition,
            String reason,
            String meaning,
            String user,
            String printedName,
            Instant signedAt,
            String signatureHash,
            String leafHash) {
        this(
                id,
                sequence,
                targetType,
                targetId,
                targetHash,
                targetCount,
                disposition,
                reason,
                meaning,
                user,
                printedName,
                signedAt,
                signatureHash,
                leafHash,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** Whether this is the target's current disposition (no later one replaced it). */
    public boolean current() {
        return supersededBy == null;
    }

    /** The signature as printed (11.50): name, date and time, meaning. */
    public String manifestation() {
        return "Signed by " + printedName + " (" + user + ") on " + signedAt + " UTC, meaning: " + meaning;
    }

    SignedDisposition withSupersededBy(String by) {
        return new SignedDisposition(
                id,
                sequence,
                targetType,
                targetId,
                targetHash,
                targetCount,
                disposition,
                reason,
                meaning,
                user,
                printedName,
                signedAt,
                signatureHash,
                leafHash,
                meaningCode,
                revision,
                supersedes,
                supersedeReason,
                by,
                requestId);
    }
}
