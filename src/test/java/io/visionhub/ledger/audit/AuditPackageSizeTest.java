package io.visionhub.ledger.audit;

import static io.visionhub.ledger.audit.AuditPackageFiles.unzip;
import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit package holds what its selection needs, not the whole log: its records with their proofs, the head they
 * are proven in and the heads that first covered them, however many records and heads the log has.
 */
class AuditPackageSizeTest {

    @TempDir
    Path dir;

    @Test
    void aPackageForOneOrderOfALongLogHoldsItsRecordAndTheHeadsCoveringItOnly() throws Exception {
        try (LedgerFixture f = new LedgerFixture(dir)) { // a head every 10 records
            f.inspections(45); // order PO-1001: heads at sizes 10, 20, 30, 40
            InspectionEvent e = LedgerTestSupport.event();
            ProductionContext c = e.context();
            InspectionEvent other = e.withContext(new ProductionContext(
                    c.line(),
                    "PO-2002",
                    c.product(),
                    c.specVersion(),
                    c.limits(),
                    "LOT-9",
                    c.workCentre(),
                    c.shift(),
                    c.operatorStation(),
                    c.inspectionLot(),
                    c.version(),
                    c.validFrom()));
            f.ledger.append(other, List.of());
            f.ledger.signNow();
            assertThat(f.service.heads()).hasSizeGreaterThanOrEqualTo(5);

            byte[] zip = f.audit.build(AuditSelection.of("PO-2002", null, null, null), "auditor");
            Map<String, byte[]> files = unzip(zip);
            assertThat(new String(files.get("signed-heads.jsonl"), StandardCharsets.UTF_8).lines())
                    .singleElement()
                    .asString()
                    .contains("\"treeSize\":46");
            assertThat(new String(files.get("records.json"), StandardCharsets.UTF_8))
                    .contains(other.id())
                    .doesNotContain("\"seq\":44,");
            AuditPackageVerifier.Result r =
                    AuditPackageVerifier.verify(new java.io.ByteArrayInputStream(zip), f.signer.keyId());
            assertThat(r.problems()).isEmpty();
        }
    }
}
