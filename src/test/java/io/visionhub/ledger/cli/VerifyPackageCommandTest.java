package io.visionhub.ledger.cli;

import static io.visionhub.ledger.audit.AuditPackageFiles.disposition;
import static io.visionhub.ledger.audit.AuditPackageFiles.dropCsvLine;
import static io.visionhub.ledger.audit.AuditPackageFiles.dropRecord;
import static io.visionhub.ledger.audit.AuditPackageFiles.editCsv;
import static io.visionhub.ledger.audit.AuditPackageFiles.firstSeqOf;
import static io.visionhub.ledger.audit.AuditPackageFiles.flipByteInEntry;
import static io.visionhub.ledger.audit.AuditPackageFiles.imageEntry;
import static io.visionhub.ledger.audit.AuditPackageFiles.pdf;
import static io.visionhub.ledger.audit.AuditPackageFiles.put;
import static io.visionhub.ledger.audit.AuditPackageFiles.recomputeManifest;
import static io.visionhub.ledger.audit.AuditPackageFiles.text;
import static io.visionhub.ledger.audit.AuditPackageFiles.unzip;
import static io.visionhub.ledger.audit.AuditPackageFiles.zip;
import static io.visionhub.ledger.cli.LedgerCommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.audit.AuditSelection;
import io.visionhub.ledger.cli.LedgerCommandRunner.Run;
import io.visionhub.ledger.disposition.SignedDisposition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger verify-package}: exit 0 verified, 1 checked and found wrong (problem named), 2 nothing could be
 * checked. Each tamper is made the way someone editing the zip would: change the file, recompute the manifest's
 * sums, zip again. The command runs in-process through {@link LedgerCommand#run}, whose return value is what
 * {@code main} passes to {@code System.exit}.
 */
class VerifyPackageCommandTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    List<InspectionEvent> events;
    SignedDisposition rework;
    Path certificate;
    byte[] zip;

    @BeforeEach
    void export() throws Exception {
        f = new LedgerFixture(dir.resolve("hub"));
        events = f.inspections(12);
        rework = f.dispositions.sign(
                "qa.lee", disposition("INSPECTION", events.get(3).id(), "REWORK", "burr on edge"));
        f.dispositions.sign("qa.lee", disposition("LOT", "LOT-7", "ACCEPT", "lot within AQL"));
        certificate = dir.resolve("ledger.pem");
        Files.writeString(certificate, f.service.certificatePem());
        zip = f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "auditor.kim");
    }

    @AfterEach
    void close() {
        f.close();
    }

    Run verify(byte[] pkg, String... trust) throws Exception {
        Path p = Files.write(dir.resolve("package-" + System.nanoTime() + ".zip"), pkg);
        String[] args = new String[2 + trust.length];
        args[0] = "verify-package";
        args[1] = p.toString();
        System.arraycopy(trust, 0, args, 2, trust.length);
        return run(args);
    }

    Run verifyPinned(byte[] pkg) throws Exception {
        return verify(pkg, "--certificate", certificate.toString());
    }

    @Test
    void anIntactPackageVerifiesWithThePinnedCertificateAndExits0() throws Exception {
        Run r = verifyPinned(zip);
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out())
                .contains(
                        "AUDIT PACKAGE VERIFIED",
                        "14 records",
                        "12 images",
                        "2 signatures",
                        "Trust: signatures checked with the pinned certificate " + certificate);
    }

    @Test
    void withoutAPinnedCertificateItVerifiesButSaysTheCheckIsWeaker() throws Exception {
        Run r = verify(zip);
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out())
                .contains(
                        "AUDIT PACKAGE VERIFIED",
                        "only with the certificate inside the package",
                        "not that it came from the hub",
                        "--certificate");
    }

    @Test
    void recordsCsvChangedFromNgToOkWithARecomputedManifestExits1AndNamesTheRecord() throws Exception {
        Map<String, byte[]> files = unzip(zip);
        long seq = firstSeqOf(files, "INSPECTION");
        put(files, "records.csv", editCsv(text(files, "records.csv"), seq, "result", "OK"));
        recomputeManifest(files);
        Run r = verifyPinned(zip(files));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out())
                .contains(
                        "AUDIT PACKAGE FAILED",
                        "records.csv: seq " + seq + " result says 'OK', the proven record says 'NG'",
                        "manifest.json: its signature does not verify");
    }

    @Test
    void aReplacedSummaryPdfWithARecomputedManifestExits1() throws Exception {
        Map<String, byte[]> files = unzip(zip);
        files.put("summary.pdf", pdf("Vision Hub audit package", "Selection: lot LOT-7", "12 inspections, all OK"));
        recomputeManifest(files);
        Run r = verifyPinned(zip(files));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out())
                .contains(
                        "summary.pdf line 3 says '12 inspections, all OK' where the proven records give " + "'Created ",
                        "manifest.json: its signature");
    }

    @Test
    void anEditedSignaturesCsvExits1AndNamesTheSignatureAndField() throws Exception {
        Map<String, byte[]> files = unzip(zip);
        long seq = firstSeqOf(files, "DISPOSITION");
        put(files, "signatures.csv", editCsv(text(files, "signatures.csv"), seq, "printed_name", "Pat Manager"));
        recomputeManifest(files);
        Run r = verifyPinned(zip(files));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out())
                .contains("signatures.csv: seq " + seq + " printed_name says 'Pat Manager', the proven "
                        + "record says 'Lee Quality'");
    }

    @Test
    void anEditedSignaturesJsonExits1AndNamesTheSignatureAndField() throws Exception {
        Map<String, byte[]> files = unzip(zip);
        long seq = firstSeqOf(files, "DISPOSITION");
        put(files, "signatures.json", text(files, "signatures.json").replace("burr on edge", "no defect found"));
        recomputeManifest(files);
        Run r = verifyPinned(zip(files));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out())
                .contains("signatures.json: seq " + seq + " differs from the proven signature record at "
                        + "/manifest/reason ('no defect found', proven 'burr on edge')");
    }

    @Test
    void aRecordDroppedFromRecordsJsonAndTheCsvExits1AndNamesIt() throws Exception {
        Map<String, byte[]> files = unzip(zip);
        long seq = firstSeqOf(files, "INSPECTION");
        put(files, "records.json", dropRecord(text(files, "records.json"), seq));
        put(files, "records.csv", dropCsvLine(text(files, "records.csv"), seq));
        files.remove(imageEntry(files, events.get(0).image().sha256()));
        recomputeManifest(files);
        Run r = verifyPinned(zip(files));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out())
                .contains("record seq " + seq + " (INSPECTION) claimed by the signed manifest is missing "
                        + "from records.json (dropped)");
    }

    @Test
    void aTruncatedArchiveIsUnreadableAndExits2() throws Exception {
        Run r = verifyPinned(Arrays.copyOf(zip, zip.length - 10));
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.out()).contains("AUDIT PACKAGE UNREADABLE", "is not a readable zip archive");
    }

    @Test
    void garbageBytesAreUnreadableAndExit2() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        Run r = verifyPinned(garbage);
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.out()).contains("AUDIT PACKAGE UNREADABLE", "is not a readable zip archive");
    }

    @Test
    void aZipWithoutAManifestIsUnreadableAndExits2() throws Exception {
        Map<String, byte[]> files = unzip(zip);
        files.remove("manifest.json");
        Run r = verifyPinned(zip(files));
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.out()).contains("holds no manifest.json");
    }

    @Test
    void aFlippedImageByteInTheArchiveExits1AndNamesTheImage() throws Exception {
        String image = imageEntry(unzip(zip), events.get(5).image().sha256());
        Run r = verifyPinned(flipByteInEntry(zip, image));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("AUDIT PACKAGE FAILED", "file " + image + " is damaged in the archive");
    }

    @Test
    void aFlippedImageByteInARebuiltArchiveExits1AndNamesTheRecord() throws Exception {
        Map<String, byte[]> files = unzip(zip);
        String image = imageEntry(files, events.get(5).image().sha256());
        files.get(image)[3] ^= 1;
        recomputeManifest(files);
        Run r = verifyPinned(zip(files));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains(image + " was swapped or altered");
    }

    @Test
    void bytesAddedBeforeTheArchiveExit1() throws Exception {
        byte[] prefixed = new byte[zip.length + 64];
        System.arraycopy(zip, 0, prefixed, 64, zip.length);
        Run r = verifyPinned(prefixed);
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("a streaming zip reader sees 0 of");
    }

    @Test
    void aPackageFromAnotherHubFailsAgainstThePinnedCertificate() throws Exception {
        byte[] other;
        try (LedgerFixture g = new LedgerFixture(dir.resolve("other-hub"))) {
            g.inspections(3);
            other = g.audit.build(AuditSelection.of(null, "LOT-7", null, null), "someone");
        }
        Run r = verifyPinned(other);
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("not the pinned certificate's key", "signed head does not verify");
    }

    @Test
    void usageAndAccessProblemsExit2() throws Exception {
        assertThat(run("verify-package", dir.resolve("missing.zip").toString()).code())
                .isEqualTo(2);
        Path pkg = Files.write(dir.resolve("p.zip"), zip);
        Path notCert = Files.writeString(dir.resolve("not.pem"), "hello");
        Run r = run("verify-package", pkg.toString(), "--certificate", notCert.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read the certificate");
        assertThat(run("verify-package", pkg.toString(), "--key-id", "xyz").err())
                .contains("16 hex digits");
    }
}
