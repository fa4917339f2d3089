package io.visionhub.ledger.audit;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.DispositionRequest;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditPackageTest {

    @TempDir
    Path dir;
    LedgerFixture f;
    List<InspectionEvent> events;

    @BeforeEach
    void open() {
        f = new LedgerFixture(dir);
        events = f.inspections(12);
        f.dispositions.sign("qa.lee", new DispositionRequest("INSPECTION", events.get(3).id(), "REWORK",
                "burr on edge", "Approval of rework", "Lee Quality", "s3cret!"));
        f.dispositions.sign("qa.lee", new DispositionRequest("LOT", "LOT-7", "ACCEPT", "lot within AQL",
                "Release of lot", "Lee Quality", "s3cret!"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aPackageForALotHoldsEverythingAndVerifiesOffline() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "auditor.kim");
        Map<String, byte[]> files = unzip(zip);
        assertThat(files).containsKeys("records.json", "records.csv", "signatures.json", "signatures.csv",
                "signed-head.json", "signed-heads.jsonl", "head-signing-certificate.pem", "verification-report.json",
                "summary.pdf", "manifest.json");
        assertThat(files.keySet().stream().filter(n -> n.startsWith("images/"))).hasSize(12);
        assertThat(new String(files.get("records.csv"), StandardCharsets.UTF_8).lines()).hasSize(13);
        assertThat(new String(files.get("signatures.csv"), StandardCharsets.UTF_8)).contains("Lee Quality",
                "Approval of rework", "Release of lot");
        try (PDDocument pdf = Loader.loadPDF(files.get("summary.pdf"))) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("lot LOT-7", "Signed by Lee Quality (qa.lee)", "Meaning: Release of lot",
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
        files.put("records.json", records.replaceFirst("\\\\\"result\\\\\":\\\\\"NG\\\\\"",
                "\\\\\"result\\\\\":\\\\\"OK\\\\\"").getBytes(StandardCharsets.UTF_8));
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(new ByteArrayInputStream(zip(files)), null);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).anyMatch(p -> p.contains("records.json was changed"))
                .anyMatch(p -> p.contains("leaf hash"));
    }

    @Test
    void aSwappedImageInThePackageIsFound() throws Exception {
        Map<String, byte[]> files = unzip(f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "a"));
        String sha = events.get(0).image().sha256();
        files.put("images/" + sha, "other".getBytes(StandardCharsets.UTF_8));
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(new ByteArrayInputStream(zip(files)), null);
        assertThat(r.problems()).anyMatch(p -> p.contains("swapped"));
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
        assertThatThrownBy(() -> AuditSelection.of(null, null, "yesterday", null)).hasMessageContaining("from");
        assertThatThrownBy(() -> AuditSelection.of(null, null, "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z"))
                .hasMessageContaining("not before");
        assertThatThrownBy(() -> f.audit.build(AuditSelection.of("PO-none", null, null, null), "a"))
                .hasMessageContaining("no recorded inspection");
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(new ByteArrayInputStream(new byte[]{1, 2, 3}), null);
        assertThat(r.ok()).isFalse();
    }

    @Test
    void aTimeRangeSelectsByCaptureTime() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of(null, null, "2026-11-25T00:00:00Z", "2026-11-25T02:00:00Z"), "a");
        assertThat(AuditPackageVerifier.verify(new ByteArrayInputStream(zip), null).ok()).isTrue();
    }

    static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                out.put(e.getName(), z.readAllBytes());
            }
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
