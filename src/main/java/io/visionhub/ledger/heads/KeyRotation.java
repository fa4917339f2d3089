package io.visionhub.ledger.heads;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Base64;

/**
 * The statement that the head-signing key changes: the new key's certificate, signed by the previous key. It is
 * recorded in the ledger (record type {@code KEY_ROTATION}) and a head signed by the previous key covers it; the
 * verifier trusts the new key for heads after that record only because a key it already trusts signed this.
 *
 * @param previousKeyId  key id of the key that signs this statement (and the heads up to it)
 * @param newKeyId       key id of the key that signs the heads after it
 * @param newCertificate the new key's X.509 certificate, base64 DER
 * @param rotatedAt      when the rotation was made (UTC)
 * @param signature      base64 Ed25519 signature by the previous key over {@link #signedBytes()}
 */
public record KeyRotation(
        String previousKeyId, String newKeyId, String newCertificate, Instant rotatedAt, String signature) {

    public static final String RECORD_TYPE = "KEY_ROTATION";

    /** "visionhub-key-rotation/v1\n" previousKeyId "\n" newKeyId "\n" newCertificate "\n" rotatedAt. */
    public byte[] signedBytes() {
        return signedBytes(previousKeyId, newKeyId, newCertificate, rotatedAt);
    }

    static byte[] signedBytes(String previousKeyId, String newKeyId, String newCertificate, Instant rotatedAt) {
        return ("visionhub-key-rotation/v1\n" + previousKeyId + "\n" + newKeyId + "\n" + newCertificate + "\n"
                        + rotatedAt)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The new key, from the certificate; null when the certificate is unreadable or its key id is not newKeyId. */
    public PublicKey newPublicKey() {
        try {
            PublicKey key = CertificateFactory.getInstance("X.509")
                    .generateCertificate(
                            new ByteArrayInputStream(Base64.getDecoder().decode(newCertificate)))
                    .getPublicKey();
            return KeystoreTreeHeadSigner.keyIdOf(key).equals(newKeyId) ? key : null;
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /** Whether the previous key (this public key) signed this statement. */
    public boolean signedBy(PublicKey previous) {
        try {
            Signature s = Signature.getInstance(KeystoreTreeHeadSigner.ALGORITHM);
            s.initVerify(previous);
            s.update(signedBytes());
            return KeystoreTreeHeadSigner.keyIdOf(previous).equals(previousKeyId)
                    && s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
