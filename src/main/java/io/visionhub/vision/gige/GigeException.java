package io.visionhub.vision.gige;

import io.visionhub.vision.source.FrameSourceException;

/** A GigE Vision camera could not be opened, configured or read; the message names the camera and the problem. */
public class GigeException extends FrameSourceException {
    public GigeException(String message) {
        super(message);
    }

    public GigeException(String message, Throwable cause) {
        super(message, cause);
    }
}
