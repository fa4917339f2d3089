package io.visionhub.ledger.audit;

import static io.visionhub.ledger.audit.AuditPackageFiles.imageEntry;
import static io.visionhub.ledger.audit.AuditPackageFiles.recomputeManifest;
import static io.visionhub.ledger.audit.AuditPackageFiles.unzip;
import static io.visionhub.ledger.audit.AuditPackageFiles.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.DispositionRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditPackageTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    List<InspectionEvent> events;

    @BeforeEach
    void open() {
        f = new LedgerFixture(dir);
        events = f.inspections(12);
        f.dispositions.sign(
                "qa.lee",
                DispositionRequest.of(
                        "INSPECTION", events.get(3).id(), "REWORK", "burr on edge", "APPROVED", "s3cret!"));
        f.dispositions.sign(
                "qa.lee",
                DispositionRequest.of("LOT", "LOT-7", "ACCEPT", "lot within AQL", "RESPONSIBILITY", "s3cret!"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aPackageForALotHoldsEverythingAndVerifiesOffline() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "auditor.kim");
        Map<String, byte[]> files = unzip(zip);
        assertThat(files)
                .containsKeys(
                        "records.json",
                        "records.csv",
                        "signatures.json",
                        "signatures.csv",
                        "signed-head.json",
                        "signed-heads.jsonl",
                        "head-signing-certificate.pem",
                        "verification-report.json",
                        "summary.pdf",
                        "manifest.json");
        assertThat(files.keySet().stream().filter(n -> n.startsWith("images/"))).hasSize(12);
        assertThat(new String(files.get("records.csv"), StandardCharsets.UTF_8).lines())
                .hasSize(13);
        assertThat(new String(files.get("signatures.csv"), StandardCharsets.UTF_8))
                .contains(
                        "Lee Quality",
                        "Approved: I approve this disposition",
                        "Responsibility: I take responsibility for this disposition");
        try (PDDocument pdf = Loader.loadPDF(files.get("summary.pdf"))) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text)
                    .contains(
                            "lot LOT-7",
                            "Signed by Lee Quality (qa.lee)",
                            "Meaning: Responsibility: I take responsibility",
                            "PASSED");
        }
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(new ByteArrayInputStream(zip), f.signer.keyId());
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.records()).isEqualTo(14);
        assertThat(r.images()).isEqualTo(12);
        assertThat(r.signatures()).isEqualTo(2);
    }

    @Test
    void anEditedRecordInThePackageIsFound() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor.kim");
        Map<String, byte[]> files = unzip(zip);
        String records = new String(files.get("records.json"), StandardCharsets.UTF_8);
        files.put(
                "records.json",
                records.replaceFirst("\\\\\"result\\\\\":\\\\\"NG\\\\\"", "\\\\\"result\\\\\":\\\\\"OK\\\\\"")
                        .getBytes(StandardCharsets.UTF_8));
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(new ByteArrayInputStream(zip(files)), null);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems())
                .anyMatch(p -> p.contains("records.json was changed"))
                .anyMatch(p -> p.contains("leaf hash"));
    }

    @Test
    void aSwappedImageInThePackageIsFound() throws Exception {
        Map<String, byte[]> files = unzip(f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "a"));
        String sha = events.get(0).image().sha256();
        files.put(imageEntry(files, sha), "other".getBytes(StandardCharsets.UTF_8));
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(new ByteArrayInputStream(zip(files)), null);
        assertThat(r.problems()).anyMatch(p -> p.contains("swapped"));
    }

    @Test
    void imageEntriesAreNamedWithTheExtensionOfTheirBytes() throws Exception {
        assertThat(ImageEntryNames.name("ab", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0}))
                .isEqualTo("images/ab.jpg");
        assertThat(ImageEntryNames.name("ab", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}))
                .isEqualTo("images/ab.png");
        assertThat(ImageEntryNames.name("ab", new byte[] {'B', 'M', 0, 0})).isEqualTo("images/ab.bmp");
        assertThat(ImageEntryNames.name("ab", "frame 1".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("images/ab.bin");
        // the fixture's frames are not images: .bin; each entry named after the SHA-256 its record holds
        Map<String, byte[]> files = unzip(f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "a"));
        assertThat(files.keySet().stream().filter(n -> n.startsWith("images/")))
                .hasSize(12)
                .allMatch(n -> n.matches("images/[0-9a-f]{64}\\.bin"));
        assertThat(files).containsKey("images/" + events.get(0).image().sha256() + ".bin");
    }

    @Test
    void aPackageWrittenBeforeImagesHadExtensionsStillVerifies() throws Exception {
        Map<String, byte[]> files = oldStylePackage();
        assertThat(files.keySet().stream().filter(n -> n.startsWith("images/")))
                .hasSize(12)
                .allMatch(n -> !n.contains("."));
        AuditPackageVerifier.Result r =
                AuditPackageVerifier.verify(new ByteArrayInputStream(zip(files)), f.signer.keyId());
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.images()).isEqualTo(12);

        // and a swapped image is still found by its record in that form
        String sha = events.get(0).image().sha256();
        files.put("images/" + sha, "other".getBytes(StandardCharsets.UTF_8));
        resign(files);
        AuditPackageVerifier.Result swapped =
                AuditPackageVerifier.verify(new ByteArrayInputStream(zip(files)), f.signer.keyId());
        assertThat(swapped.problems()).anyMatch(p -> p.contains("image images/" + sha + " was swapped"));
    }

    @Test
    void aSecondCopyOfAnImageUnderTheOtherNameIsReported() throws Exception {
        Map<String, byte[]> files = unzip(f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "a"));
        String sha = events.get(0).image().sha256();
        files.put("images/" + sha, files.get(imageEntry(files, sha)));
        resign(files);
        AuditPackageVerifier.Result r =
                AuditPackageVerifier.verify(new ByteArrayInputStream(zip(files)), f.signer.keyId());
        assertThat(r.problems()).anyMatch(p -> p.contains("is not the image of any proven record"));
    }

    /** A package of this hub with its image entries renamed as packages were named before (images/<sha256>). */
    private Map<String, byte[]> oldStylePackage() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        unzip(f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "a"))
                .forEach((name, bytes) ->
                        files.put(name.startsWith("images/") ? name.substring(0, name.lastIndexOf('.')) : name, bytes));
        resign(files);
        return files;
    }

    /** Rewrites the manifest's sums and signs it again with the hub's key (the hub's own package, renamed). */
    private void resign(Map<String, byte[]> files) throws Exception {
        recomputeManifest(files);
        files.put(
                ManifestSignature.FILE,
                CanonicalJson.mapper().writeValueAsBytes(ManifestSignature.sign(f.signer, files.get("manifest.json"))));
    }

    @Test
    void aPackageFromAnotherKeyIsNotTrusted() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "a");
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(new ByteArrayInputStream(zip), "0000000000000000");
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.contains("not the trusted key"));
    }

    @Test
    void badSelectionsAreRefused() throws Exception {
        assertThatThrownBy(() -> AuditSelection.of(null, null, null, null)).hasMessageContaining("order, a lot");
        assertThatThrownBy(() -> AuditSelection.of(null, null, "yesterday", null))
                .hasMessageContaining("from");
        assertThatThrownBy(() -> AuditSelection.of(null, null, "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z"))
                .hasMessageContaining("not before");
        assertThatThrownBy(() -> f.audit.build(AuditSelection.of("PO-none", null, null, null), "a"))
                .hasMessageContaining("no recorded inspection");
        AuditPackageVerifier.Result r =
                AuditPackageVerifier.verify(new ByteArrayInputStream(new byte[] {1, 2, 3}), null);
        assertThat(r.ok()).isFalse();
        assertThat(r.status()).isEqualTo(AuditPackageVerifier.Status.UNREADABLE);
        assertThat(r.problems()).anyMatch(p -> p.contains("not a readable zip archive"));
    }

    @Test
    void aTimeRangeSelectsByCaptureTime() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of(null, null, "2026-11-25T00:00:00Z", "2026-11-25T02:00:00Z"), "a");
        assertThat(AuditPackageVerifier.verify(new ByteArrayInputStream(zip), null)
                        .ok())
                .isTrue();
    }
}
