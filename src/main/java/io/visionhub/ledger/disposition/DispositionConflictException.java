package io.visionhub.ledger.disposition;

/**
 * A disposition that would contradict the record without saying so: the target already has a current
 * disposition that the request does not supersede (or supersedes another one), or a request id reused for a
 * different disposition. The API answers 409 and the message names the current disposition.
 */
public class DispositionConflictException extends IllegalStateException {

    private final String currentId;

    public DispositionConflictException(String message, String currentId) {
        super(message);
        this.currentId = currentId;
    }

    /** The target's current disposition, or null when it has none. */
    public String currentId() {
        return currentId;
    }
}
