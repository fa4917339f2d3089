package io.visionhub.vision.pixel;

/** A frame in a pixel format the hub cannot convert, or whose buffer does not hold what the format needs. */
public class UnsupportedPixelFormatException extends IllegalArgumentException {
    public UnsupportedPixelFormatException(String message) {
        super(message);
    }
}
