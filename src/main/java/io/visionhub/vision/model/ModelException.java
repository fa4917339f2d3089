package io.visionhub.vision.model;

/** A model could not be loaded or could not judge an image; the message names the model and the problem. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
