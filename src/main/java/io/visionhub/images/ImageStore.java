package io.visionhub.images;

import java.util.Optional;

/**
 * Images stored by the SHA-256 of their bytes, so a record that holds the hash detects a swapped image.
 * Writing the same bytes twice stores them once.
 */
public interface ImageStore {

    /** Stores the bytes (idempotent) and returns their SHA-256 in lower-case hex. */
    String put(byte[] encodedImage);

    /** The bytes stored under this hash, if any. */
    Optional<byte[]> get(String sha256);
}
