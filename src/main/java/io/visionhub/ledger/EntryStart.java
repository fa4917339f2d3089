package io.visionhub.ledger;

import io.visionhub.ledger.merkle.MerkleHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The part of a record's canonical entry known before the writer numbers it ({@link LedgerWrite#entryHead}: the body,
 * almost all of the entry), with its leaf hash begun over it. Made on the appender's thread, so that the single writer
 * thread only encodes and hashes the short tail (recordId, recordedAt, seq, type) of each record; the leaf hash is
 * the same SHA-256(0x00 || entry) as hashing the whole entry at once.
 */
final class EntryStart {

    private final String head;
    /** SHA-256 after 0x00 and the UTF-8 bytes of head; finished on copies only */
    private final MessageDigest hashed;

    private EntryStart(String head, MessageDigest hashed) {
        this.head = head;
        this.hashed = hashed;
    }

    static EntryStart of(LedgerWrite write) {
        String head = LedgerWrite.entryHead(write.body());
        return new EntryStart(head, MerkleHash.leafStart(head.getBytes(StandardCharsets.UTF_8)));
    }

    /** The whole entry, given its tail ({@link LedgerWrite#entryTail}). */
    String entry(String tail) {
        return head + tail;
    }

    /** The RFC 6962 leaf hash of {@link #entry}(tail); may be asked again (a retried commit). */
    byte[] leafHash(String tail) {
        return MerkleHash.leafFinish(hashed, tail.getBytes(StandardCharsets.UTF_8));
    }
}
