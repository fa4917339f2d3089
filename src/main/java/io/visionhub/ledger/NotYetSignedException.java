package io.visionhub.ledger;

import java.time.Duration;

/**
 * A proof asked for a record or tree size that no durable signed head covers yet: the answer is "retry after"
 * (the API's 409 {@code not_yet_signed} with a Retry-After header), not an error of the caller or the hub.
 */
public class NotYetSignedException extends IllegalStateException {

    private final Duration retryAfter;

    public NotYetSignedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** How long until a head that covers it is due (whole seconds, at least one). */
    public Duration retryAfter() {
        return retryAfter;
    }
}
