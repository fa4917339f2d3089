package io.visionhub.vision.component;

/** A trigger whose frame the camera did not deliver before the trigger's deadline; the PLC's fail-safe applies. */
public class TriggerNotInspectedException extends Exception {

    public TriggerNotInspectedException(String message) {
        super(message);
    }
}
