package io.visionhub.quality.alarm;

import java.time.Duration;

/**
 * An acknowledgement that recorded nothing and may be tried again later: the alarm's previous step (its raise, or an
 * earlier clear) is still neither committed nor refused, or the alarm recorder did not reach it in time. The REST
 * acknowledge answers 503 with Retry-After.
 */
public class AlarmNotClearedException extends RuntimeException {

    private final String code;
    private final Duration retryAfter;

    /**
     * @param code       the API error code: {@code previous_step_pending} or {@code recorder_busy}
     * @param retryAfter when trying again makes sense (the ledger's append timeout)
     */
    public AlarmNotClearedException(String code, String message, Duration retryAfter) {
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
