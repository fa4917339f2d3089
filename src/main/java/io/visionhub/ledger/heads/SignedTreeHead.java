package io.visionhub.ledger.heads;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed tree head: the log had treeSize records with this RFC 6962 root at signedAt, signed by the hub's key.
 *
 * @param treeSize  number of leaves covered
 * @param rootHash  MTH of the first treeSize leaves, lower-case hex
 * @param signedAt  when it was signed (UTC, millisecond precision)
 * @param keyId     first 16 hex digits of SHA-256 of the public key (X.509 SubjectPublicKeyInfo)
 * @param algorithm signature algorithm (Ed25519)
 * @param signature base64 signature over {@link #signedBytes()}
 */
public record SignedTreeHead(
        long treeSize, String rootHash, Instant signedAt, String keyId, String algorithm, String signature) {

    /** The bytes that are signed: "visionhub-tree-head/v1\n" size "\n" root "\n" signedAt. */
    public byte[] signedBytes() {
        return signedBytes(treeSize, rootHash, signedAt);
    }

    public static byte[] signedBytes(long treeSize, String rootHash, Instant signedAt) {
        return ("visionhub-tree-head/v1\n" + treeSize + "\n" + rootHash + "\n" + signedAt)
                .getBytes(StandardCharsets.UTF_8);
    }
}
