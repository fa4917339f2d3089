package io.visionhub.quality.ncr;

import java.time.Duration;

/**
 * A closure that recorded nothing and may be tried again later: the register did not reach it in time (its earlier
 * steps wait for a slow ledger), or the NCR's previous step is still undecided. The REST close answers 503 with
 * Retry-After.
 */
public class NcrNotClosedException extends RuntimeException {

    private final String code;
    private final Duration retryAfter;

    /**
     * @param code       the API error code: {@code register_busy} or {@code previous_step_pending}
     * @param retryAfter when trying again makes sense (the ledger's append timeout)
     */
    public NcrNotClosedException(String code, String message, Duration retryAfter) {
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
