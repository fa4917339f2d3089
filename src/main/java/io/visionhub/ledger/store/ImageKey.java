package io.visionhub.ledger.store;

import java.util.regex.Pattern;

/**
 * The key the inspection table indexes an image hash by: the first 60 bits of the SHA-256 (15 hex digits), as a
 * BIGINT, in the table's columns {@code image_key} and {@code annotated_key} (Flyway V73, {@link ImageKeyMigration}),
 * written with each inspection and checked by the verifier; the image pruner looks references up by key and hash
 * together.
 * <p>
 * Why not index the hash itself: an image hash is random, so each recorded inspection writes into a random page of
 * each hash index, and on H2 a commit rewrites every page it touched with its parents. Two indexes of 64-character
 * hashes cost the ledger writer about as much as everything else in a record (bench/README-ledger.md, "images"); the
 * same indexes of 8-byte keys hold several times more entries per page, and pages several times smaller.
 */
public final class ImageKey {

    /** hex digits in a key: 60 bits, so the key is never negative and the SQL of both databases computes it alike */
    static final int DIGITS = 15;

    /** lower-case hex, as the image store and the event schema write a SHA-256 */
    private static final Pattern HEX_PREFIX = Pattern.compile("^[0-9a-f]{" + DIGITS + "}");

    private ImageKey() {}

    /**
     * The key of a hash: its first 15 hex digits as a number; null for null or anything that does not start with 15
     * lower-case hex digits (such a row has no key: it is found by its hash alone).
     */
    public static Long of(String sha256) {
        if (sha256 == null || !HEX_PREFIX.matcher(sha256).lookingAt()) {
            return null;
        }
        return Long.parseLong(sha256, 0, DIGITS, 16);
    }
}
