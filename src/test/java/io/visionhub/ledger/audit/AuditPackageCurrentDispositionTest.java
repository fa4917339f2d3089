package io.visionhub.ledger.audit;

import static io.visionhub.ledger.audit.AuditPackageFiles.disposition;
import static io.visionhub.ledger.audit.AuditPackageFiles.editCsv;
import static io.visionhub.ledger.audit.AuditPackageFiles.put;
import static io.visionhub.ledger.audit.AuditPackageFiles.superseding;
import static io.visionhub.ledger.audit.AuditPackageFiles.text;
import static io.visionhub.ledger.audit.AuditPackageFiles.unzip;
import static io.visionhub.ledger.audit.AuditPackageFiles.zip;
import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.SignedDisposition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit package shows the current disposition of each of its inspections (current-dispositions.csv): the
 * part's own latest, else its lot's; derived from the proven signatures, so an edited line is named.
 */
class AuditPackageCurrentDispositionTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    List<InspectionEvent> events;
    SignedDisposition accepted;

    @BeforeEach
    void open() {
        f = new LedgerFixture(dir);
        events = f.inspections(3);
        SignedDisposition reject = f.dispositions.sign(
                "qa.lee", disposition("INSPECTION", events.get(0).id(), "REJECT", "crack"));
        accepted = f.dispositions.sign(
                "qa.lee", superseding(reject, "ACCEPT", "crack is a reflection", "second look at the bench"));
        f.dispositions.sign("qa.lee", disposition("LOT", "LOT-7", "REWORK", "lot deburred"));
        f.ledger.signNow();
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void eachInspectionShowsItsOwnCurrentDispositionElseItsLotsAndTheFileVerifies() throws Exception {
        byte[] zip = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor.kim");
        Map<String, byte[]> files = unzip(zip);
        List<String> lines =
                text(files, AuditPackageService.CURRENT_DISPOSITIONS).lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", AuditRecordViews.CURRENT_COLUMNS));
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1))
                .contains(events.get(0).id(), ",ACCEPT," + accepted.id() + "," + accepted.sequence() + ",INSPECTION,")
                .contains("Lee Quality");
        assertThat(lines.get(2)).contains(events.get(1).id(), ",LOT-7,NG,REWORK,", ",LOT,");
        assertThat(lines.get(3)).contains(events.get(2).id(), ",REWORK,");
        assertThat(AuditPackageVerifier.verify(zip, AuditTrust.embeddedCertificate())
                        .problems())
                .isEmpty();
    }

    @Test
    void anEditedCurrentDispositionIsNamedEvenWhenTheForgerReSignsEverything() throws Exception {
        Map<String, byte[]> files = unzip(f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "auditor.kim"));
        long seq = 1; // the second inspection: its lot's REWORK
        AuditPackageTamperTest.Forger forger = new AuditPackageTamperTest.Forger(dir);
        forger.reSign(files);
        put(
                files,
                AuditPackageService.CURRENT_DISPOSITIONS,
                editCsv(text(files, AuditPackageService.CURRENT_DISPOSITIONS), seq, "current_disposition", "ACCEPT"));
        forger.reSignManifest(files);
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(zip(files), AuditTrust.embeddedCertificate());
        assertThat(r.status()).isEqualTo(AuditPackageVerifier.Status.FAILED);
        assertThat(r.problems())
                .contains(AuditPackageService.CURRENT_DISPOSITIONS + ": seq " + seq
                        + " current_disposition says 'ACCEPT', the proven record says 'REWORK'");
    }
}
