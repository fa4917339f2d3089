package io.visionhub.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.heads.SignedTreeHead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier compares summary.pdf's text with the lines the proven records give: the two must read alike. */
class AuditSummaryPdfTest {

    @Test
    void thePdfTextReadsBackAsTheLinesItWasWrittenFromOverManyPages() throws Exception {
        List<AuditRecordViews.Inspection> rows = new ArrayList<>();
        for (int i = 0; i < 2_100; i++) {
            rows.add(new AuditRecordViews.Inspection(
                    i,
                    "id-" + i,
                    "2026-11-25T01:00:00.123456Z",
                    "station-1",
                    "line-1",
                    "PO-1001",
                    "LOT-7",
                    i % 7 == 0 ? "NG" : "OK",
                    "m",
                    "1",
                    "ab".repeat(32),
                    "0.5",
                    i % 5 == 0 ? null : "cd".repeat(32),
                    null));
        }
        // a superseding disposition as the signature records name it, with a reason long enough to wrap
        AuditRecordViews.Signature sig = new AuditRecordViews.Signature(
                2_100,
                "ef".repeat(32),
                CanonicalJson.read(
                        "{\"manifest\":{\"dispositionId\":\"D-2\",\"targetType\":\"INSPECTION\",\"targetId\":\"id-7\","
                                + "\"disposition\":\"USE_AS_IS\",\"reason\":\"" + "scratch within spec S-3, ".repeat(8)
                                + "\",\"meaning\":\"Approval of disposition\",\"user\":\"qa.lee\",\"printedName\":\"Lee "
                                + "Quality\",\"signedAt\":\"2026-11-25T02:00:00Z\",\"supersedes\":\"D-1\","
                                + "\"supersedeReason\":\"re-measured: within tolerance\"},\"signatureHash\":\""
                                + "01".repeat(32)
                                + "\"}"));
        AuditSummaryPdf.Summary s = new AuditSummaryPdf.Summary(
                "lot LOT-7",
                "2026-11-25T03:00:00Z",
                "auditor.kim",
                1_680,
                0,
                new SignedTreeHead(
                        2_101,
                        "02".repeat(32),
                        Instant.parse("2026-11-25T02:30:00Z"),
                        "0123456789abcdef",
                        "Ed25519",
                        "c2ln"),
                true,
                "Checked 2101 records. " + "All fine. ".repeat(30),
                List.of(sig),
                rows);
        List<String> text = AuditSummaryPdf.text(AuditSummaryPdf.render(s));
        assertThat(text).isEqualTo(AuditSummaryPdf.expectedText(s));
        assertThat(text)
                .contains(
                        "Supersedes D-1: re-measured: within tolerance",
                        "... 100 more in records.csv",
                        "7 2026-11-25T01:00:00.123456Z station-1 PO-1001 LOT-7 NG cdcdcdcdcdcdcdcd");
    }
}
