package io.visionhub.ledger.disposition;

/**
 * What a quality user decides about an inspection or a lot.
 *
 * @param targetType      INSPECTION or LOT
 * @param targetId        inspection id, or lot (batch) id
 * @param disposition     ACCEPT, REJECT, REWORK or USE_AS_IS
 * @param reason          why (required; shown on every printed form)
 * @param meaning         code of the signature's meaning, one of {@code visionhub.ledger.signatures.meanings}
 *                        (e.g. APPROVED); its configured text is what is printed
 * @param printedName     refused when present: the printed name comes from the signer's account
 *                        ({@code visionhub.api.users[].printed-name}), never from the request
 * @param password        the signer's password, entered again for this signature (never stored)
 * @param requestId       optional idempotency key chosen by the client: the same user sending the same key again
 *                        gets the signature the first request made, not a second one
 * @param supersedes      id of the target's current disposition that this one replaces (required when the
 *                        target already has one)
 * @param supersedeReason why the current disposition is replaced (required with {@code supersedes})
 */
public record DispositionRequest(
        String targetType,
        String targetId,
        String disposition,
        String reason,
        String meaning,
        String printedName,
        String password,
        String requestId,
        String supersedes,
        String supersedeReason) {

    public enum TargetType {
        INSPECTION,
        LOT
    }

    public enum Disposition {
        ACCEPT,
        REJECT,
        REWORK,
        USE_AS_IS
    }

    /** A first disposition of a target, without a request id. */
    public static DispositionRequest of(
            String targetType, String targetId, String disposition, String reason, String meaning, String password) {
        return new DispositionRequest(
                targetType, targetId, disposition, reason, meaning, null, password, null, null, null);
    }

    /** The same request carrying a client-chosen idempotency key. */
    public DispositionRequest withRequestId(String id) {
        return new DispositionRequest(
                targetType,
                targetId,
                disposition,
                reason,
                meaning,
                printedName,
                password,
                id,
                supersedes,
                supersedeReason);
    }

    /** The same request replacing the target's current disposition {@code id}, for this reason. */
    public DispositionRequest superseding(String id, String why) {
        return new DispositionRequest(
                targetType, targetId, disposition, reason, meaning, printedName, password, requestId, id, why);
    }

    @Override
    public String toString() {
        return "DispositionRequest[" + targetType + " " + targetId + " " + disposition
                + (supersedes == null ? "" : " superseding " + supersedes) + ", password hidden]";
    }
}
