package io.visionhub.ledger.disposition;

/**
 * What a quality user decides about an inspection or a lot.
 *
 * @param targetType  INSPECTION or LOT
 * @param targetId    inspection id, or lot (batch) id
 * @param disposition ACCEPT, REJECT, REWORK or USE_AS_IS
 * @param reason      why (required; shown on every printed form)
 * @param meaning     meaning of the signature (e.g. "Approved: disposition of nonconforming product")
 * @param printedName the signer's full name as printed with the signature (defaults to the user id)
 * @param password    the signer's password, entered again for this signature (never stored)
 */
public record DispositionRequest(String targetType, String targetId, String disposition, String reason,
                                 String meaning, String printedName, String password) {

    public enum TargetType { INSPECTION, LOT }

    public enum Disposition { ACCEPT, REJECT, REWORK, USE_AS_IS }

    @Override
    public String toString() {
        return "DispositionRequest[" + targetType + " " + targetId + " " + disposition + ", password hidden]";
    }
}
