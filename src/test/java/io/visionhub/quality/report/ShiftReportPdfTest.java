package io.visionhub.quality.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.quality.alarm.QualityAlarm;
import io.visionhub.quality.ncr.NcrRegister.NcrSummary;
import io.visionhub.quality.oee.QualityRate;
import io.visionhub.quality.spc.ChartType;
import io.visionhub.quality.spc.ControlChart;
import io.visionhub.quality.spc.NelsonRules;
import io.visionhub.quality.spc.Subgroup;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/** The PDF with alarms and NCRs present (the services other branches add) and a chart whose rule fires. */
class ShiftReportPdfTest {

    @Test
    void alarmsNcrsAndRuleViolationsArePrinted() throws Exception {
        Instant t0 = Instant.parse("2026-03-02T06:00:00Z");
        List<Subgroup> groups = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            groups.add(new Subgroup(t0.plusSeconds(600L * i), t0.plusSeconds(600L * i + 599), 100, i == 17 ? 40 : 2));
        }
        var points = ControlChart.fromBaseline(ChartType.P, groups).plot(groups);
        var violations = NelsonRules.all().evaluate(points);
        assertThat(violations).isNotEmpty();
        ShiftReport r = new ShiftReport(
                "line-1",
                "A",
                LocalDate.parse("2026-03-02"),
                "UTC",
                List.of(new ShiftPeriods.Period(t0, t0.plusSeconds(8 * 3600), List.of("PO-1"), false)),
                1940,
                58,
                2,
                new QualityRate(2000, 1950, 5, 40, 2),
                Map.of("station-1", new QualityRate(2000, 1950, 5, 40, 2)),
                List.of(new ShiftReport.DefectCount("scratch", 50), new ShiftReport.DefectCount("dent", 8)),
                List.of(new ShiftReport.StationChart("station-1", Duration.ofMinutes(10), points, violations)),
                List.of(new QualityAlarm(
                        "a1",
                        "NELSON_1",
                        "HIGH",
                        "line-1",
                        "station-1",
                        null,
                        "p",
                        "NG rate above the limit",
                        t0.plusSeconds(10_800),
                        null,
                        77L)),
                List.of(),
                List.of(new NcrSummary("NCR-1", "PO-1", "scratch", "line-1", "OPEN", 12, t0, "sap-qm", "200001")),
                new ShiftReport.LedgerRange(10L, 2009L, 2000),
                t0.plusSeconds(9 * 3600),
                "quality");
        byte[] bytes = ShiftReportPdf.render(r);
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
        java.nio.file.Files.write(java.nio.file.Path.of("target/shift-report-with-alarms.pdf"), bytes);
        String text;
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            text = new PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
        }
        assertThat(text).contains("Line: quality rate 97.5 % (good 1950 of 2000; rework 5, scrap 40, pending 2");
        assertThat(text).contains("Nelson rule 1");
        assertThat(text).contains("HIGH NELSON_1 station-1: NG rate above the limit (active), ledger #77");
        assertThat(text).contains("NCR-1 OPEN: order PO-1, scratch, 12 item(s)").contains("sap-qm 200001");
        assertThat(text).contains("Inspections ledger seq 10 to 2009 (2000 inspection records");
        assertThat(text).contains("scratch 50 (86.2 %, cumulative 86.2 %)");
    }
}
