package io.visionhub.quality.ncr;

/**
 * A closure whose NCR_CLOSED record was submitted but not committed within the ledger's append timeout (or that is
 * still under way when the caller stops waiting): it may still commit, or be refused. The REST close answers 202 with
 * this message; {@code GET /api/quality/ncrs/{id}} shows the closure once it is committed.
 */
public class NcrClosePendingException extends RuntimeException {

    private final String ncrId;

    public NcrClosePendingException(String ncrId, String message) {
        super(message);
        this.ncrId = ncrId;
    }

    /** The NCR whose closure is pending. */
    public String ncrId() {
        return ncrId;
    }
}
