package io.visionhub.ledger.audit;

import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Which key an auditor trusts when checking an audit package. A pinned certificate (the hub's, obtained apart from
 * the package: {@code ledger public-key} or {@code GET /api/ledger/public-key}) proves the package came from the
 * hub. A pinned key id does too, as far as 64 bits of SHA-256 go. The certificate inside the package proves only
 * that the package agrees with itself: whoever edits a package can re-sign it with a key of their own.
 *
 * @param pinnedKey   the key of a certificate the auditor holds, or null
 * @param pinnedKeyId a key id the auditor holds, or null
 * @param source      where the pinned certificate came from (for the report), or null
 */
public record AuditTrust(PublicKey pinnedKey, String pinnedKeyId, String source) {

    /** Trust only the certificate inside the package (weaker: proves internal consistency, not origin). */
    public static AuditTrust embeddedCertificate() {
        return new AuditTrust(null, null, null);
    }

    /** Trust the key of this certificate (PEM or DER file). */
    public static AuditTrust pinnedCertificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            PublicKey key = CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)
                    .getPublicKey();
            return new AuditTrust(key, KeystoreTreeHeadSigner.keyIdOf(key), pem.toString());
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot read the certificate " + pem + " (PEM or DER X.509 expected): " + e.getMessage());
        }
    }

    /** Trust the key of this certificate; source says where it came from (for the report). */
    public static AuditTrust pinnedCertificate(X509Certificate certificate, String source) {
        PublicKey key = certificate.getPublicKey();
        return new AuditTrust(key, KeystoreTreeHeadSigner.keyIdOf(key), source);
    }

    /** Trust the package's certificate only when its key has this id (16 hex digits). */
    public static AuditTrust pinnedKeyId(String keyId) {
        if (keyId == null || !keyId.matches("[0-9a-fA-F]{16}")) {
            throw new IllegalArgumentException(
                    "key id '" + keyId + "' is not 16 hex digits (ledger public-key prints it)");
        }
        return new AuditTrust(null, keyId.toLowerCase(Locale.ROOT), null);
    }

    /** How the signatures were checked, for the report; says so when the check is the weaker one. */
    String describe(String packageKeyId) {
        if (pinnedKey != null) {
            return "signatures checked with the pinned certificate " + source + " (key " + pinnedKeyId + ")";
        }
        if (pinnedKeyId != null) {
            return "signatures checked with the certificate inside the package, accepted because its key id is the "
                    + "pinned " + pinnedKeyId;
        }
        return "signatures checked only with the certificate inside the package (key " + packageKeyId + "): this "
                + "proves the package agrees with itself, not that it came from the hub (anyone who edits it can "
                + "re-sign it with a key of their own); pass --certificate <the hub's certificate> to prove its origin";
    }
}
