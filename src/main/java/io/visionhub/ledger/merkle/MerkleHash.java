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

    private MerkleHash() {}

    public static byte[] leaf(byte[] entry) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update((byte) 0x00);
        md.update(entry);
        return md.digest();
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
