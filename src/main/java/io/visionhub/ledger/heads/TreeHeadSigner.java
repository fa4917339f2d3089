package io.visionhub.ledger.heads;

import java.time.Instant;

/** Signs tree heads with a key the database cannot read. */
public interface TreeHeadSigner {

    SignedTreeHead sign(long treeSize, String rootHashHex, Instant signedAt);

    /** Checks a head's signature with this signer's public key. */
    boolean verify(SignedTreeHead head);

    String keyId();
}
