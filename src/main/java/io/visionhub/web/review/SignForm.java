package io.visionhub.web.review;

import java.util.List;

/**
 * What the e-signature dialog posts. The printed name is not a field: it comes from the account.
 *
 * @param targetType  INSPECTION (one part or a selection: one disposition per part) or LOT (one for the lot)
 * @param ids         inspection ids (INSPECTION)
 * @param lot         the lot (LOT)
 * @param disposition ACCEPT, REJECT, REWORK or USE_AS_IS
 * @param meaning     a meaning code of {@code visionhub.ledger.signatures.meanings}
 * @param reasonCode  a code of {@code visionhub.quality.reason-codes}
 * @param comment     optional free text added to the reason
 * @param password    the signer's password, entered again
 * @param requestId   chosen when the dialog opened: posting the same dialog twice signs once
 * @param supersedes  the current disposition this one replaces (one target only), or empty for a first one
 * @param supersedeReason why it is replaced (required with supersedes)
 */
public record SignForm(
        String targetType,
        List<String> ids,
        String lot,
        String disposition,
        String meaning,
        String reasonCode,
        String comment,
        String password,
        String requestId,
        String supersedes,
        String supersedeReason) {

    /** A form for a first disposition (nothing superseded). */
    public SignForm(
            String targetType,
            List<String> ids,
            String lot,
            String disposition,
            String meaning,
            String reasonCode,
            String comment,
            String password,
            String requestId) {
        this(targetType, ids, lot, disposition, meaning, reasonCode, comment, password, requestId, null, null);
    }

    /** Whether this form replaces a current disposition. */
    public boolean superseding() {
        return supersedes != null && !supersedes.isBlank();
    }

    public List<String> idsOrEmpty() {
        return ids == null
                ? List.of()
                : ids.stream()
                        .filter(s -> s != null && !s.isBlank())
                        .map(String::trim)
                        .distinct()
                        .toList();
    }

    @Override
    public String toString() {
        return "SignForm[" + targetType + " " + (lot != null ? lot : idsOrEmpty()) + " " + disposition
                + ", password hidden]";
    }
}
