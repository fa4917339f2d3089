package io.visionhub.ledger;

/** An append that did not become durable, or a ledger that cannot be read: says which record and why. */
public class LedgerException extends RuntimeException {
    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
