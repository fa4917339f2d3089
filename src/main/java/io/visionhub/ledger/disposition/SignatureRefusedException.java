package io.visionhub.ledger.disposition;

/** A signature that was refused (wrong password, unknown or locked user); the refusal is in the ledger. */
public class SignatureRefusedException extends RuntimeException {
    public SignatureRefusedException(String message) {
        super(message);
    }
}
