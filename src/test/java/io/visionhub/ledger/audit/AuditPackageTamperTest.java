package io.visionhub.ledger.audit;

import static io.visionhub.ledger.audit.AuditPackageFiles.disposition;
import static io.visionhub.ledger.audit.AuditPackageFiles.dropCsvLine;
import static io.visionhub.ledger.audit.AuditPackageFiles.dropRecord;
import static io.visionhub.ledger.audit.AuditPackageFiles.editCsv;
import static io.visionhub.ledger.audit.AuditPackageFiles.firstSeqOf;
import static io.visionhub.ledger.audit.AuditPackageFiles.imageEntry;
import static io.visionhub.ledger.audit.AuditPackageFiles.put;
import static io.visionhub.ledger.audit.AuditPackageFiles.recomputeManifest;
import static io.visionhub.ledger.audit.AuditPackageFiles.text;
import static io.visionhub.ledger.audit.AuditPackageFiles.unzip;
import static io.visionhub.ledger.audit.AuditPackageFiles.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the signed manifest and the checks of the human-readable files against the proven records catch, with the
 * pinned certificate and with only the certificate inside the package, including a forger who rebuilds every
 * derived file and re-signs with a key of their own.
 */
class AuditPackageTamperTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    List<InspectionEvent> events;
    SignedDisposition rework;
    AuditTrust pinned;

    @BeforeEach
    void open() {
        f = new LedgerFixture(dir);
        events = f.inspections(12);
        rework = f.dispositions.sign(
                "qa.lee", disposition("INSPECTION", events.get(3).id(), "REWORK", "burr on edge"));
        f.dispositions.sign("qa.lee", disposition("LOT", "LOT-7", "ACCEPT", "lot within AQL"));
        pinned = AuditTrust.pinnedCertificate(f.signer.certificate(), "the hub's certificate");
    }

    @AfterEach
    void close() {
        f.close();
    }

    byte[] lotPackage() {
        return f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "auditor.kim");
    }

    @Test
    void theManifestClaimsEveryRecordAndFileAndIsSignedWithTheHeadKey() throws Exception {
        Map<String, byte[]> files = unzip(lotPackage());
        JsonNode m = CanonicalJson.read(text(files, "manifest.json"));
        assertThat(m.path("format").asText()).isEqualTo(AuditPackageService.FORMAT);
        assertThat(m.path("records").path("count").asInt()).isEqualTo(14);
        assertThat(m.path("records").path("inspectionSeqs")).hasSize(12);
        assertThat(m.path("records").path("dispositionSeqs")).hasSize(2);
        assertThat(m.path("files").has("summary.pdf")).isTrue();
        assertThat(m.path("files").size()).isEqualTo(files.size() - 2); // all but the manifest and its signature
        ManifestSignature sig =
                CanonicalJson.mapper().readValue(files.get(ManifestSignature.FILE), ManifestSignature.class);
        assertThat(sig.keyId()).isEqualTo(f.signer.keyId());
        assertThat(sig.verify(files.get("manifest.json"), f.signer.publicKey())).isTrue();
        // the document signature can never stand in for a tree head signature
        assertThatThrownBy(() -> f.signer.signDocument(SignedTreeHead.signedBytes(1, "00", Instant.now())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIntactPackageSaysWhichCertificateItWasCheckedWith() throws Exception {
        AuditPackageVerifier.Result withPin = AuditPackageVerifier.verify(lotPackage(), pinned);
        assertThat(withPin.ok()).as(withPin.summary()).isTrue();
        assertThat(withPin.trust()).contains("pinned certificate the hub's certificate", f.signer.keyId());
        AuditPackageVerifier.Result embedded =
                AuditPackageVerifier.verify(lotPackage(), AuditTrust.embeddedCertificate());
        assertThat(embedded.ok()).as(embedded.summary()).isTrue();
        assertThat(embedded.trust()).contains("only with the certificate inside the package", "not that it came from");
    }

    @Test
    void aPackageWithDispositionsThatFollowEachOtherStillVerifies() throws Exception {
        f.dispositions.sign(
                "qa.lee",
                AuditPackageFiles.superseding(
                        rework,
                        "USE_AS_IS",
                        "rework not needed after review",
                        "burr within tolerance on re-measurement"));
        // free text as people write it: commas, quotes, a formula-like start, accents, a dash and a check mark
        f.dispositions.sign(
                "qa.lee",
                disposition(
                        "INSPECTION", events.get(8).id(), "REJECT", "=crack, 0.2 mm \"deep\"; Prüfung – abgelehnt ✓"));
        AuditPackageVerifier.Result lot = AuditPackageVerifier.verify(lotPackage(), pinned);
        assertThat(lot.ok()).as(lot.summary()).isTrue();
        assertThat(lot.signatures()).isEqualTo(4);
        byte[] order = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "a");
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(order, pinned);
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(text(unzip(order), "signatures.csv"))
                .contains(
                        "USE_AS_IS",
                        "rework not needed after review",
                        "REJECT",
                        "\"'=crack, 0.2 mm \"\"deep\"\"; Prüfung – abgelehnt ✓\"");
    }

    @Test
    void recordsCsvChangedFromNgToOkIsNamedEvenWhenTheForgerReSignsEverything() throws Exception {
        Map<String, byte[]> files = unzip(lotPackage());
        long seq = firstSeqOf(files, "INSPECTION");
        Forger forger = new Forger(dir);
        forger.reSign(files);
        forger.writePdf(files, -1, null);
        put(files, "records.csv", editCsv(text(files, "records.csv"), seq, "result", "OK"));
        forger.reSignManifest(files);
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(zip(files), AuditTrust.embeddedCertificate());
        assertThat(r.status()).isEqualTo(AuditPackageVerifier.Status.FAILED);
        assertThat(r.problems())
                .containsExactly("records.csv: seq " + seq + " result says 'OK', the proven record " + "says 'NG'");
    }

    @Test
    void aSummaryPdfWrittenWithAnOkVerdictIsNamedEvenWhenTheForgerReSignsEverything() throws Exception {
        Map<String, byte[]> files = unzip(lotPackage());
        long seq = firstSeqOf(files, "INSPECTION");
        Forger forger = new Forger(dir);
        forger.reSign(files);
        forger.writePdf(files, seq, "OK");
        forger.reSignManifest(files);
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(zip(files), AuditTrust.embeddedCertificate());
        assertThat(r.status()).isEqualTo(AuditPackageVerifier.Status.FAILED);
        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0))
                .startsWith("summary.pdf line ")
                .contains("says '" + seq + " ")
                .contains(" OK ")
                .contains("where the proven records give '" + seq + " ")
                .contains(" NG ");
    }

    @Test
    void aRecordDroppedWithARewrittenManifestIsCaughtOnlyByThePinnedCertificate() throws Exception {
        Map<String, byte[]> files = unzip(lotPackage());
        long seq = firstSeqOf(files, "INSPECTION");
        put(files, "records.json", dropRecord(text(files, "records.json"), seq));
        put(files, "records.csv", dropCsvLine(text(files, "records.csv"), seq));
        put(
                files,
                AuditPackageService.CURRENT_DISPOSITIONS,
                dropCsvLine(text(files, AuditPackageService.CURRENT_DISPOSITIONS), seq));
        files.remove(imageEntry(files, events.get(0).image().sha256()));
        recomputeManifest(files);
        AuditPackageVerifier.Result plain = AuditPackageVerifier.verify(zip(files), pinned);
        assertThat(plain.problems())
                .contains("record seq " + seq + " (INSPECTION) claimed by the signed manifest is "
                        + "missing from records.json (dropped)");

        // a forger who also rewrites the claimed range, every derived file and re-signs with their own key
        Forger forger = new Forger(dir);
        forger.dropClaim(files, seq);
        forger.reSign(files);
        forger.writePdf(files, -1, null);
        forger.reSignManifest(files);
        byte[] forged = zip(files);
        AuditPackageVerifier.Result weak = AuditPackageVerifier.verify(forged, AuditTrust.embeddedCertificate());
        assertThat(weak.ok())
                .as("only the certificate in the package: a consistent forgery passes, and the report "
                        + "says the check is weaker")
                .isTrue();
        assertThat(weak.trust()).contains("not that it came from the hub");
        AuditPackageVerifier.Result strong = AuditPackageVerifier.verify(forged, pinned);
        assertThat(strong.ok()).isFalse();
        assertThat(strong.problems())
                .anyMatch(p -> p.contains("not the pinned certificate's key"))
                .anyMatch(p -> p.startsWith("manifest.json: its signature does not verify"))
                .anyMatch(p -> p.startsWith("the signed head does not verify"));
    }

    @Test
    void aFileTheManifestDoesNotListAndAnUnsignedManifestAreNamed() throws Exception {
        Map<String, byte[]> files = unzip(lotPackage());
        put(files, "corrections.txt", "seq 3 is actually OK");
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(zip(files), pinned);
        assertThat(r.problems())
                .containsExactly("file corrections.txt is in the package but not listed in the " + "manifest");
        files.remove("corrections.txt");
        files.remove(ManifestSignature.FILE);
        r = AuditPackageVerifier.verify(zip(files), pinned);
        assertThat(r.problems()).anyMatch(p -> p.startsWith("manifest.json is not signed"));
    }

    /** Someone with the package and a key of their own, rebuilding what the verifier derives. */
    static final class Forger {
        final KeystoreTreeHeadSigner key;

        Forger(Path dir) {
            key = KeystoreTreeHeadSigner.openOrCreate(dir.resolve("forger.p12"), "x".toCharArray(), "k");
        }

        /** Own certificate, the head re-signed with the own key. */
        void reSign(Map<String, byte[]> files) throws Exception {
            SignedTreeHead h = CanonicalJson.mapper().readValue(files.get("signed-head.json"), SignedTreeHead.class);
            files.put(
                    "signed-head.json",
                    CanonicalJson.mapper()
                            .writerWithDefaultPrettyPrinter()
                            .writeValueAsBytes(key.sign(h.treeSize(), h.rootHash(), h.signedAt())));
            put(
                    files,
                    AuditPackageVerifier.CERTIFICATE,
                    "-----BEGIN CERTIFICATE-----\n"
                            + Base64.getMimeEncoder(64, "\n".getBytes())
                                    .encodeToString(key.certificate().getEncoded())
                            + "\n-----END CERTIFICATE-----\n");
        }

        void dropClaim(Map<String, byte[]> files, long seq) throws Exception {
            ObjectNode m = (ObjectNode) CanonicalJson.read(text(files, "manifest.json"));
            ObjectNode rec = (ObjectNode) m.path("records");
            ArrayNode seqs = CanonicalJson.mapper().createArrayNode();
            rec.path("inspectionSeqs").forEach(s -> {
                if (s.asLong() != seq) {
                    seqs.add(s);
                }
            });
            rec.set("inspectionSeqs", seqs);
            rec.put("count", rec.path("count").asInt() - 1);
            m.put("inspections", seqs.size());
            m.put("images", m.path("images").asInt() - 1);
            files.put(
                    "manifest.json",
                    CanonicalJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        }

        /** A summary.pdf written from the package's records, with one inspection's result changed. */
        void writePdf(Map<String, byte[]> files, long seq, String result) throws Exception {
            JsonNode m = CanonicalJson.read(text(files, "manifest.json"));
            List<AuditRecordViews.Inspection> rows = new ArrayList<>();
            List<AuditRecordViews.Signature> sigs = new ArrayList<>();
            for (JsonNode r : CanonicalJson.read(text(files, "records.json"))) {
                JsonNode entry = CanonicalJson.read(r.path("entry").asText());
                long s = r.path("seq").asLong();
                if ("DISPOSITION".equals(r.path("recordType").asText())) {
                    sigs.add(
                            new AuditRecordViews.Signature(s, r.path("leafHash").asText(), entry.path("body")));
                } else {
                    AuditRecordViews.Inspection i = AuditRecordViews.Inspection.of(s, entry);
                    rows.add(
                            s != seq
                                    ? i
                                    : new AuditRecordViews.Inspection(
                                            s,
                                            i.id(),
                                            i.captureTime(),
                                            i.station(),
                                            i.line(),
                                            i.order(),
                                            i.lot(),
                                            result,
                                            i.modelName(),
                                            i.modelVersion(),
                                            i.modelSha256(),
                                            i.anomalyScore(),
                                            i.imageSha256(),
                                            i.annotatedSha256()));
                }
            }
            JsonNode report = CanonicalJson.read(text(files, "verification-report.json"));
            SignedTreeHead h = CanonicalJson.mapper().readValue(files.get("signed-head.json"), SignedTreeHead.class);
            files.put(
                    "summary.pdf",
                    AuditSummaryPdf.render(new AuditSummaryPdf.Summary(
                            m.path("selection").asText(),
                            m.path("createdAt").asText(),
                            m.path("createdBy").asText(),
                            m.path("images").asInt(),
                            m.path("imagesMissing").asInt(),
                            h,
                            report.path("ok").asBoolean(),
                            report.path("summary").asText(),
                            sigs,
                            rows)));
        }

        void reSignManifest(Map<String, byte[]> files) throws Exception {
            ObjectNode m = (ObjectNode) CanonicalJson.read(text(files, "manifest.json"));
            m.put("keyId", key.keyId());
            files.put(
                    "manifest.json",
                    CanonicalJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            recomputeManifest(files);
            files.put(
                    ManifestSignature.FILE,
                    CanonicalJson.mapper().writeValueAsBytes(ManifestSignature.sign(key, files.get("manifest.json"))));
        }
    }
}
