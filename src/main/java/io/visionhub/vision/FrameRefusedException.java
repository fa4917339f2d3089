package io.visionhub.vision;

import io.visionhub.vision.model.ModelException;

/**
 * A frame the hub will not judge: empty, not a readable image, or larger than {@code visionhub.vision.max-frame-pixels}.
 * The message names the camera or file and the problem; {@link #reason()} is the defect class the refused-frame
 * record carries (see {@link FrameInspector#refused}).
 */
public class FrameRefusedException extends ModelException {

    /** Why a frame was refused; {@link #defectClass()} is what the ledger record of the refused part says. */
    public enum Reason {
        /** no bytes */
        EMPTY("frame_empty"),
        /** not a readable image: unknown format, corrupt or truncated data */
        CORRUPT("frame_corrupt"),
        /** width x height from the image header above the configured pixel limit */
        TOO_LARGE("frame_too_large");

        private final String defectClass;

        Reason(String defectClass) {
            this.defectClass = defectClass;
        }

        public String defectClass() {
            return defectClass;
        }
    }

    private final Reason reason;

    public FrameRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FrameRefusedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
