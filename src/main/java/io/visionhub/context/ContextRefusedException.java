package io.visionhub.context;

/** A context push the hub refuses; nothing was stored. {@link Reason} says which 4xx answer fits. */
public class ContextRefusedException extends RuntimeException {

    public enum Reason {
        /** the line is not configured (404) */
        UNKNOWN_LINE,
        /** a required field is missing or a value is malformed (400) */
        INVALID,
        /** the version or validFrom is not newer than the stored one (409) */
        STALE
    }

    private final Reason reason;
    private final String field;

    public ContextRefusedException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
