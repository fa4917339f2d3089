package io.visionhub.web.review;

/** A dialog field that is missing or wrong: nothing was signed. */
public class SignFormException extends RuntimeException {

    private final String field;

    public SignFormException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The form field at fault (as the dialog names it). */
    public String field() {
        return field;
    }
}
