package io.visionhub.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit packages across a key rotation: the manifest is signed with the key in use, the package's head may be the
 * previous key's (the head that covers the rotation record), and an auditor who pinned a certificate before the
 * rotation follows the recorded rotation to the key that signed the package.
 */
class AuditPackageKeyRotationTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    X509Certificate oldCertificate;
    KeyRotation rotation;

    @BeforeEach
    void rotate() {
        f = new LedgerFixture(dir);
        f.inspections(6);
        oldCertificate = f.signer.certificate();
        rotation = f.service.rotateKey("admin.kim", "yearly key rotation");
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aPackageMadeRightAfterARotationVerifiesWithTheEmbeddedTheNewAndTheOldCertificate() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor.kim");
        // the package's head is the old key's (it covers the rotation record), its manifest the new key's
        assertThat(f.service.latestHead().keyId()).isEqualTo(rotation.previousKeyId());
        assertThat(f.signer.keyId()).isEqualTo(rotation.newKeyId());

        assertVerifies(zip, AuditTrust.embeddedCertificate());
        assertVerifies(zip, AuditTrust.pinnedCertificate(f.signer.certificate(), "new.pem"));
        assertVerifies(zip, AuditTrust.pinnedKeyId(rotation.newKeyId()));
        AuditPackageVerifier.Result old = assertVerifies(zip, AuditTrust.pinnedCertificate(oldCertificate, "old.pem"));
        assertThat(old.trust()).contains("old.pem", rotation.previousKeyId());
    }

    @Test
    void aPackageWithAHeadOfTheNewKeyVerifiesWithTheCertificatePinnedBeforeTheRotation() throws Exception {
        f.inspections(3);
        assertThat(f.ledger.signNow().keyId()).isEqualTo(rotation.newKeyId());
        byte[] zip = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor.kim");

        assertVerifies(zip, AuditTrust.embeddedCertificate());
        assertVerifies(zip, AuditTrust.pinnedCertificate(f.signer.certificate(), "new.pem"));
        AuditPackageVerifier.Result old = assertVerifies(zip, AuditTrust.pinnedCertificate(oldCertificate, "old.pem"));
        assertThat(old.records()).isEqualTo(9);
    }

    @Test
    void aCertificateTheRecordedRotationsDoNotLeadFromIsRefused() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor.kim");
        KeystoreTreeHeadSigner other =
                KeystoreTreeHeadSigner.openOrCreate(dir.resolve("other.p12"), "x".toCharArray(), "k");
        AuditPackageVerifier.Result r =
                AuditPackageVerifier.verify(zip, AuditTrust.pinnedCertificate(other.certificate(), "other.pem"));
        assertThat(r.ok()).isFalse();
        assertThat(r.problems())
                .anyMatch(p -> p.contains("not the pinned certificate's key " + other.keyId())
                        && p.contains("nor a key it rotated to"));
    }

    @Test
    void aRotationDroppedFromTheKeyChainBreaksTheChainFromTheOldCertificate() throws Exception {
        Map<String, byte[]> files =
                AuditPackageFiles.unzip(f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor.kim"));
        assertThat(new String(files.get(AuditPackageVerifier.KEY_CHAIN), StandardCharsets.UTF_8))
                .contains(KeyRotation.RECORD_TYPE, rotation.newKeyId());
        files.put(
                AuditPackageVerifier.KEY_CHAIN,
                ("{\"certificates\":{},\"rotations\":[]}").getBytes(StandardCharsets.UTF_8));
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(
                AuditPackageFiles.zip(files), AuditTrust.pinnedCertificate(oldCertificate, "old.pem"));
        assertThat(r.ok()).isFalse();
        assertThat(r.problems())
                .anyMatch(p -> p.contains("file " + AuditPackageVerifier.KEY_CHAIN + " was changed"))
                .anyMatch(p -> p.contains("nor a key it rotated to"));
    }

    private static AuditPackageVerifier.Result assertVerifies(byte[] zip, AuditTrust trust) throws Exception {
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(zip, trust);
        assertThat(r.ok()).as(trust + ": " + r.summary()).isTrue();
        return r;
    }
}
