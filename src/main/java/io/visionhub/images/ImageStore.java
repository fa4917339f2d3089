package io.visionhub.images;

import io.visionhub.vision.FrameStore;
import java.util.Optional;

/**
 * Images stored by the SHA-256 of their bytes, so a record that holds the hash detects a swapped image.
 * Writing the same bytes twice stores them once. It is the vision component's {@link FrameStore}.
 */
public interface ImageStore extends FrameStore {

    /** Stores the bytes (idempotent) and returns their SHA-256 in lower-case hex. */
    @Override
    String put(byte[] encodedImage);

    /** The bytes stored under this hash, if any. */
    Optional<byte[]> get(String sha256);
}
