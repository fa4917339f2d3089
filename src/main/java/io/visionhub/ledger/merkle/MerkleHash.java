package io.visionhub.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** RFC 6962 / RFC 9162 hashing: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right). */
public final class MerkleHash {

    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    });

    /** SHA-256 after the leaf prefix 0x00; only ever copied (never updated again), so threads share it */
    private static final MessageDigest LEAF_PREFIX;

    static {
        try {
            LEAF_PREFIX = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
        LEAF_PREFIX.update((byte) 0x00);
    }

    private MerkleHash() {}

    public static byte[] leaf(byte[] entry) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update((byte) 0x00);
        md.update(entry);
        return md.digest();
    }

    /**
     * A leaf hash begun over the entry's first bytes: SHA-256 has absorbed 0x00 and them, and
     * {@link #leafFinish} completes it with the rest. Lets the bulk of an entry be hashed on another thread than the
     * one that knows its end.
     */
    public static MessageDigest leafStart(byte[] entryStart) {
        MessageDigest md = copy(LEAF_PREFIX);
        md.update(entryStart);
        return md;
    }

    /**
     * SHA-256(0x00 || entryStart || entryRest), from {@link #leafStart}'s state (left as it was: a copy finishes, so
     * the same start can be finished again, say when a failed group commit is retried).
     */
    public static byte[] leafFinish(MessageDigest started, byte[] entryRest) {
        MessageDigest md = copy(started);
        md.update(entryRest);
        return md.digest();
    }

    private static MessageDigest copy(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK whose SHA-256 cannot be cloned", e);
        }
    }

    public static byte[] node(byte[] left, byte[] right) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update((byte) 0x01);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /** Hash of the empty tree: SHA-256 of the empty string. */
    public static byte[] empty() {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest();
    }

    public static byte[] sha256(byte[] data) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(data);
    }

    public static String hex(byte[] hash) {
        return HEX.formatHex(hash);
    }

    public static byte[] unhex(String hex) {
        return HEX.parseHex(hex);
    }
}
