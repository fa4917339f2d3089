package io.visionhub.quality;

import java.time.Duration;

/**
 * A quality step (an NCR's closure, an alarm's acknowledgement) that recorded nothing and may be tried again later:
 * its previous step is still neither committed nor refused, or the single thread that records it did not reach it in
 * time. The REST call answers 503 with Retry-After.
 */
public class StepNotRecordedException extends RuntimeException {

    private final String code;
    private final Duration retryAfter;

    /**
     * @param code       the API error code, e.g. {@code previous_step_pending}, {@code register_busy},
     *                   {@code recorder_busy}
     * @param retryAfter when trying again makes sense (the ledger's append timeout)
     */
    public StepNotRecordedException(String code, String message, Duration retryAfter) {
        super(message);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public String code() {
        return code;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
