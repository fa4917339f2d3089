package io.visionhub.vision.source;

/** A frame source could not open or lost its stream; the message names the camera and the problem. */
public class FrameSourceException extends RuntimeException {
    public FrameSourceException(String message) {
        super(message);
    }

    public FrameSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
