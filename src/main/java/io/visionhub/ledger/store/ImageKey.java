package io.visionhub.ledger.store;

import java.util.regex.Pattern;

/**
 * The key the inspection table indexes an image hash by: the first 64 bits of the SHA-256, as a BIGINT. The table's
 * columns {@code image_key} and {@code annotated_key} are generated from the hashes with this function (Flyway V73,
 * {@link ImageKeyMigration}); the image pruner looks references up by key and hash together.
 * <p>
 * Why not index the hash itself: an image hash is random, so each recorded inspection writes into a random page of
 * each hash index, and on H2 a commit rewrites every page it touched with its parents. Two indexes of 64-character
 * hashes cost the ledger writer about as much as everything else in a record (bench/README-ledger.md, "images"); the
 * same indexes of 8-byte keys hold several times more entries per page, and pages several times smaller.
 */
public final class ImageKey {

    /** lower-case hex, as the image store and the event schema write a SHA-256 */
    private static final Pattern HEX_PREFIX = Pattern.compile("^[0-9a-f]{16}");

    private ImageKey() {}

    /**
     * The key of a hash: its first 16 hex digits as a (signed) 64-bit number; null for null or anything that does
     * not start with 16 lower-case hex digits (such a row is found by its hash alone, without the index).
     * <p>
     * Called by H2 for each inserted row (the alias {@code image_key} of V73): keep the class name and signature.
     */
    public static Long of(String sha256) {
        if (sha256 == null || !HEX_PREFIX.matcher(sha256).lookingAt()) {
            return null;
        }
        return Long.parseUnsignedLong(sha256, 0, 16, 16);
    }
}
