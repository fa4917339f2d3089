package io.visionhub.ledger.audit;

import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * The signature over an audit package's manifest ({@code manifest.signature.json}): Ed25519 with the ledger's head
 * key over {@code "visionhub-audit-manifest/v1\n"} followed by the exact bytes of manifest.json. The manifest lists
 * every file's SHA-256 and every record the package claims, so a file changed or a record dropped after export
 * needs a new manifest, and a new manifest needs the hub's key.
 *
 * @param algorithm Ed25519
 * @param keyId     key id of the signing key (as in signed heads)
 * @param signature base64 signature
 */
record ManifestSignature(String algorithm, String keyId, String signature) {

    static final String FILE = "manifest.signature.json";
    private static final byte[] PREFIX = "visionhub-audit-manifest/v1\n".getBytes(StandardCharsets.UTF_8);

    static byte[] signedBytes(byte[] manifest) {
        byte[] out = new byte[PREFIX.length + manifest.length];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(manifest, 0, out, PREFIX.length, manifest.length);
        return out;
    }

    static ManifestSignature sign(KeystoreTreeHeadSigner signer, byte[] manifest) {
        return new ManifestSignature(
                KeystoreTreeHeadSigner.ALGORITHM, signer.keyId(), signer.signDocument(signedBytes(manifest)));
    }

    boolean verify(byte[] manifest, PublicKey key) {
        if (!KeystoreTreeHeadSigner.ALGORITHM.equals(algorithm) || signature == null) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(KeystoreTreeHeadSigner.ALGORITHM);
            s.initVerify(key);
            s.update(signedBytes(manifest));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
