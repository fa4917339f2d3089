package io.visionhub.ledger.verify;

/**
 * One problem the verification found.
 *
 * @param kind     what happened to the record
 * @param seq      ledger sequence concerned (-1 when it is not about one record)
 * @param recordId inspection or record id where known
 * @param message  what was found and what it means
 */
public record Finding(Kind kind, long seq, String recordId, String message) {

    public enum Kind {
        /** the record's content differs from what was hashed, or a table row differs from its record */
        ALTERED,
        /** a record is missing from the log */
        DELETED,
        /** a record is in the log that was not there when it was written */
        INSERTED,
        /** records are in a different order than they were written */
        REORDERED,
        /** records at the end of the log that a signed head covered are gone */
        TRUNCATED,
        /** a range of records was rewritten with recomputed hashes: only the signed heads show it */
        REWRITTEN,
        /** a signed head whose signature does not verify with the hub's key */
        BAD_SIGNATURE,
        /** the image held by the content store does not have the hash the record holds */
        IMAGE_SWAPPED,
        /** the image the record names is not in the store */
        IMAGE_MISSING,
        /** a record the hub did not write: its record MAC is missing or wrong, and no earlier signed head covers it */
        FORGED,
        /** the log holds records but no head signed by the expected key: heads removed, or signed by another key */
        NO_SIGNED_HEAD,
        /** the database holds signed heads but the heads file outside it is gone */
        HEADS_FILE_MISSING
    }

    @Override
    public String toString() {
        return kind + (seq >= 0 ? " seq " + seq : "") + (recordId != null ? " (" + recordId + ")" : "") + ": "
                + message;
    }
}
