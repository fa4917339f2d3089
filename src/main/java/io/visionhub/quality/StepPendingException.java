package io.visionhub.quality;

/**
 * A quality step (an NCR's NCR_CLOSED, an alarm's clear) whose ledger record was submitted but not committed within
 * the append timeout, or that was still under way when the caller stopped waiting: it may still commit, or be
 * refused. The REST call answers 202 with this message.
 */
public class StepPendingException extends RuntimeException {

    private final String id;

    public StepPendingException(String id, String message) {
        super(message);
        this.id = id;
    }

    /** The NCR or alarm whose step is pending. */
    public String id() {
        return id;
    }
}
