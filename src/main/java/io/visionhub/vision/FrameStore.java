package io.visionhub.vision;

/**
 * Where the vision component keeps the frames it inspected (and their annotated copies): by the SHA-256 of the
 * encoded bytes, so the hash in an event names exactly one image. The only storage call vision makes; the images
 * concern's store implements it (the dependency points from images to vision, and Spring wires the bean in).
 */
@FunctionalInterface
public interface FrameStore {

    /** Stores the encoded image (idempotent) and returns its SHA-256 in lower-case hex. */
    String put(byte[] encodedImage);
}
