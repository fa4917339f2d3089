package io.visionhub.onvif;

/**
 * An ONVIF call failed; the message names the camera (never its password), the operation and what to do. The kind
 * lets callers tell a refused login from a missing profile or a camera that answers nonsense.
 */
public class OnvifException extends RuntimeException {

    /** What went wrong, for callers that react differently (REST status, retry). */
    public enum Kind {
        /** the camera refused the credentials (SOAP ter:NotAuthorized or HTTP 401 after digest) */
        AUTH,
        /** the camera answered a SOAP fault other than an authentication one */
        FAULT,
        /** the answer is not XML, not SOAP, or lacks an element the operation needs */
        MALFORMED,
        /** no answer: connection refused, timeout, DNS */
        UNREACHABLE,
        /** the media profile asked for is not on the camera */
        NO_SUCH_PROFILE,
        /** a bad onvif:// address or option */
        BAD_INPUT
    }

    private final Kind kind;

    public OnvifException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public OnvifException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
