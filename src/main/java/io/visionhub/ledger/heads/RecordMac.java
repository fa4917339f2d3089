package io.visionhub.ledger.heads;

import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.merkle.MerkleHash;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The authentication code of one ledger record: HMAC-SHA256 over
 * {@code "visionhub-record-mac/v1\n" + seq + "\n" + leafHashHex},
 * keyed with a secret held in the signing keystore, never in the database. The leaf hash covers the whole canonical
 * entry (sequence number included), so the MAC binds the record's content; whoever can only write the database cannot
 * compute it, so a row the hub did not write is recognisable even before a signed head covers it.
 */
public final class RecordMac {

    public static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PREFIX = "visionhub-record-mac/v1\n".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey key;
    /** Mac objects are not thread-safe: the writer, the verifier and the API each get their own */
    private final ThreadLocal<Mac> macs;

    public RecordMac(SecretKey key) {
        this.key = key;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance(ALGORITHM);
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new LedgerException("cannot initialise the record MAC (" + ALGORITHM + "): " + e.getMessage(), e);
            }
        });
    }

    /** A fresh random 256-bit key. */
    public static SecretKey newKey() {
        try {
            KeyGenerator g = KeyGenerator.getInstance(ALGORITHM);
            g.init(256);
            return g.generateKey();
        } catch (GeneralSecurityException e) {
            throw new LedgerException("cannot create a record MAC key: " + e.getMessage(), e);
        }
    }

    SecretKey key() {
        return key;
    }

    /** The MAC of the record at seq whose leaf hash is this (lower-case hex), as lower-case hex. */
    public String mac(long seq, String leafHashHex) {
        Mac m = macs.get();
        m.update(PREFIX);
        return MerkleHash.hex(m.doFinal((seq + "\n" + leafHashHex).getBytes(StandardCharsets.US_ASCII)));
    }

    /** Whether macHex is the MAC of this leaf hash at this seq (constant-time comparison). */
    public boolean verify(long seq, String leafHashHex, String macHex) {
        if (macHex == null || leafHashHex == null) {
            return false;
        }
        return MessageDigest.isEqual(
                mac(seq, leafHashHex).getBytes(StandardCharsets.US_ASCII), macHex.getBytes(StandardCharsets.US_ASCII));
    }
}
