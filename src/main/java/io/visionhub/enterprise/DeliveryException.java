package io.visionhub.enterprise;

import java.time.Duration;

/**
 * A delivery that did not make its document. {@code permanent} means retrying the same payload cannot
 * succeed (400 with the target's error, a mapping error): the outbox parks it at once with the message.
 * Otherwise (5xx, 429, timeouts, connection loss) the outbox retries with backoff.
 */
public class DeliveryException extends RuntimeException {

    private final boolean permanent;
    private final int status;
    private Duration retryAfter;

    public DeliveryException(String message, boolean permanent, int status, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
        this.status = status;
    }

    public static DeliveryException transientFailure(String message, Throwable cause) {
        return new DeliveryException(message, false, 0, cause);
    }

    public static DeliveryException permanentFailure(String message) {
        return new DeliveryException(message, true, 0, null);
    }

    public boolean isPermanent() {
        return permanent;
    }

    /** The target's Retry-After (429/503), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public DeliveryException withRetryAfter(Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    /** HTTP status from the target, or 0 when none came back. */
    public int status() {
        return status;
    }
}
