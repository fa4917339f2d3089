package io.visionhub.quality.report;

import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.quality.alarm.QualityAlarm;
import io.visionhub.quality.ncr.NcrRegister.NcrSummary;
import io.visionhub.quality.oee.QualityRate;
import io.visionhub.quality.spc.ChartPoint;
import io.visionhub.quality.spc.NelsonRule;
import io.visionhub.quality.spc.RuleViolation;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The shift report as a PDF (PDFBox, in the style of the audit summary): text in Standard-14 fonts, the defect Pareto
 * and each station's p-chart drawn as vector graphics.
 */
public final class ShiftReportPdf {

    private static final float MARGIN = 50;
    private static final float LEADING = 12;
    private static final float WIDTH = 495;
    private static final int MAX_LIST = 500;
    private static final Color BAR = new Color(70, 110, 170);
    private static final Color LIMIT = new Color(200, 60, 60);
    private static final Color GRID = new Color(150, 150, 150);

    private ShiftReportPdf() {}

    public static byte[] render(ShiftReport r) {
        try (PDDocument doc = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Canvas c = new Canvas(doc, "Vision Hub shift report " + r.line() + " / " + r.shift() + " / " + r.date());
            c.text(c.bold, 16, "Vision Hub shift report");
            c.space(6);
            c.text(c.normal, 10, "Line " + r.line() + ", shift " + r.shift() + ", " + r.date() + " (" + r.zone() + ")");
            for (ShiftPeriods.Period p : r.periods()) {
                c.text(
                        c.normal,
                        9,
                        "Ran " + time(p.from()) + " to " + time(p.to()) + " UTC" + (p.open() ? " (still running)" : "")
                                + ", orders " + String.join(", ", p.orders()));
            }
            c.text(c.normal, 9, "Generated " + time(r.generatedAt()) + " UTC by " + r.generatedBy());
            c.space(8);

            c.heading("Counts and quality rate");
            c.text(
                    c.normal,
                    9,
                    "Inspections " + r.inspections() + ": OK " + r.ok() + ", NG " + r.ng() + ", UNCERTAIN "
                            + r.uncertain());
            c.text(c.normal, 9, "Line: " + describe(r.rate()));
            for (Map.Entry<String, QualityRate> e : r.stations().entrySet()) {
                c.text(c.normal, 9, "Station " + e.getKey() + ": " + describe(e.getValue()));
            }
            c.text(
                    c.normal,
                    8,
                    "Quality rate = good / inspected after the dispositions current at generation: ACCEPT and "
                            + "USE_AS_IS count good; REWORK, REJECT, NG and UNCERTAIN awaiting a decision do not.");
            c.space(8);

            c.heading("Defect Pareto");
            if (r.pareto().isEmpty()) {
                c.text(c.normal, 9, "no defects found");
            } else {
                pareto(c, r.pareto());
            }
            c.space(8);

            c.heading("SPC: p-chart of the NG rate per station");
            if (r.charts().isEmpty()) {
                c.text(c.normal, 9, "no subgroup to plot");
            }
            for (ShiftReport.StationChart chart : r.charts()) {
                pChart(c, chart);
            }
            c.space(8);

            c.heading("Alarms");
            if (r.alarms() == null) {
                c.text(c.normal, 9, "no alarm service on this hub");
            } else if (r.alarms().isEmpty()) {
                c.text(c.normal, 9, "none raised in the shift");
            } else {
                for (QualityAlarm a : limit(r.alarms())) {
                    c.text(
                            c.normal,
                            9,
                            time(a.raised()) + " " + a.severity() + " " + a.rule() + " "
                                    + (a.station() == null ? "line" : a.station())
                                    + (a.defectClass() == null ? "" : " " + a.defectClass()) + ": " + a.message()
                                    + (a.cleared() == null ? " (active)" : " (cleared " + time(a.cleared()) + ")")
                                    + (a.ledgerSeq() == null ? "" : ", ledger #" + a.ledgerSeq()));
                }
            }
            c.space(8);

            c.heading("Dispositions (current, of the shift's parts and lots)");
            if (r.dispositions().isEmpty()) {
                c.text(c.normal, 9, "none");
            }
            for (SignedDisposition d : limit(r.dispositions())) {
                c.text(
                        c.normal,
                        9,
                        d.disposition() + " of " + d.targetType().toLowerCase(Locale.ROOT) + " " + d.targetId()
                                + " by " + d.printedName() + " (" + d.user() + ") " + time(d.signedAt()) + " UTC, "
                                + d.meaning() + "; reason: " + d.reason() + ", ledger #" + d.sequence());
            }
            c.space(8);

            c.heading("Non-conformances");
            if (r.ncrs() == null) {
                c.text(c.normal, 9, "no NCR register on this hub");
            } else if (r.ncrs().isEmpty()) {
                c.text(c.normal, 9, "none opened or changed in the shift");
            } else {
                for (NcrSummary n : limit(r.ncrs())) {
                    c.text(
                            c.normal,
                            9,
                            n.id() + " " + n.status() + ": order " + n.productionOrder() + ", " + n.defectClass()
                                    + ", " + n.items() + " item(s), opened " + n.opened()
                                    + (n.target() == null ? "" : ", " + n.target() + " " + n.externalId()));
                }
            }
            c.space(8);

            c.heading("Ledger");
            ShiftReport.LedgerRange l = r.ledger();
            c.text(
                    c.normal,
                    9,
                    l.records() == 0
                            ? "no inspection recorded in the shift"
                            : "Inspections ledger seq " + l.firstSeq() + " to " + l.lastSeq() + " (" + l.records()
                                    + " inspection records of this shift in that range)");
            c.close();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the shift report PDF", e);
        }
    }

    static String describe(QualityRate q) {
        String rate = q.total() == 0 ? "no part inspected" : String.format(Locale.ROOT, "%.1f %%", 100 * q.rate());
        return "quality rate " + rate + " (good " + q.good() + " of " + q.total() + "; rework " + q.rework()
                + ", scrap " + q.scrap() + ", pending " + q.pending() + ", NG awaiting disposition "
                + q.rejectedUndecided() + ")";
    }

    private static <T> List<T> limit(List<T> list) {
        return list.size() > MAX_LIST ? list.subList(0, MAX_LIST) : list;
    }

    private static void pareto(Canvas c, List<ShiftReport.DefectCount> counts) throws IOException {
        long total = counts.stream().mapToLong(ShiftReport.DefectCount::count).sum();
        long max = counts.get(0).count();
        long cumulative = 0;
        for (ShiftReport.DefectCount d : limit(counts)) {
            cumulative += d.count();
            c.ensure(LEADING + 2);
            float y = c.y;
            float barX = MARGIN + 130;
            float barWidth = 220f * d.count() / max;
            c.cs.setNonStrokingColor(BAR);
            c.cs.addRect(barX, y - 8, Math.max(1, barWidth), 9);
            c.cs.fill();
            c.cs.setNonStrokingColor(Color.BLACK);
            c.at(c.normal, 9, MARGIN, y - 7, d.defectClass());
            c.at(
                    c.normal,
                    9,
                    barX + barWidth + 6,
                    y - 7,
                    String.format(
                            Locale.ROOT,
                            "%d (%.1f %%, cumulative %.1f %%)",
                            d.count(),
                            100.0 * d.count() / total,
                            100.0 * cumulative / total));
            c.y -= LEADING + 2;
        }
    }

    private static void pChart(Canvas c, ShiftReport.StationChart chart) throws IOException {
        List<ChartPoint> points = chart.points();
        float height = 110;
        float width = 495 - 40;
        c.ensure(height + 3 * LEADING + 10);
        double pBar = points.get(0).center();
        c.text(
                c.normal,
                9,
                String.format(
                        Locale.ROOT,
                        "Station %s: %d subgroups of %d min, p-bar %.4f (limits from the shift's own subgroups)",
                        chart.station(),
                        points.size(),
                        chart.window().toMinutes(),
                        pBar));
        float x0 = MARGIN + 40;
        float yTop = c.y - 4;
        float y0 = yTop - height;
        double yMax = 0;
        for (ChartPoint p : points) {
            yMax = Math.max(yMax, Math.max(p.value(), p.upperLimit()));
        }
        yMax = yMax <= 0 ? 0.01 : yMax * 1.1;
        PDPageContentStream cs = c.cs;
        cs.setStrokingColor(GRID);
        cs.setLineWidth(0.5f);
        cs.addRect(x0, y0, width, height);
        cs.stroke();
        c.at(c.normal, 7, MARGIN, yTop - 6, String.format(Locale.ROOT, "%.3f", yMax));
        c.at(c.normal, 7, MARGIN, y0, "0");
        float step = points.size() > 1 ? width / (points.size() - 1) : 0;
        float[] xs = new float[points.size()];
        for (int i = 0; i < points.size(); i++) {
            xs[i] = points.size() > 1 ? x0 + i * step : x0 + width / 2;
        }
        // centre line and stepped 3-sigma limits
        cs.setStrokingColor(GRID);
        line(cs, x0, y(pBar, y0, height, yMax), x0 + width, y(pBar, y0, height, yMax));
        cs.setStrokingColor(LIMIT);
        cs.setLineDashPattern(new float[] {3, 2}, 0);
        polyline(cs, xs, points, ChartPoint::upperLimit, y0, height, yMax);
        polyline(cs, xs, points, ChartPoint::lowerLimit, y0, height, yMax);
        cs.setLineDashPattern(new float[] {}, 0);
        cs.setStrokingColor(BAR);
        cs.setLineWidth(1);
        polyline(cs, xs, points, ChartPoint::value, y0, height, yMax);
        for (int i = 0; i < points.size(); i++) {
            ChartPoint p = points.get(i);
            boolean out = p.value() > p.upperLimit() || p.value() < p.lowerLimit();
            cs.setNonStrokingColor(out ? LIMIT : BAR);
            cs.addRect(xs[i] - 1.5f, y(p.value(), y0, height, yMax) - 1.5f, 3, 3);
            cs.fill();
        }
        cs.setNonStrokingColor(Color.BLACK);
        c.y = y0 - 4;
        c.text(
                c.normal,
                7,
                "from " + time(points.get(0).subgroup().from()) + " to "
                        + time(points.get(points.size() - 1).subgroup().to())
                        + " UTC; red dashed: 3-sigma limits, grey: centre line");
        // one entry per rule: its description once, then where it held
        Map<NelsonRule, List<String>> byRule = new java.util.EnumMap<>(NelsonRule.class);
        for (RuleViolation v : chart.violations()) {
            byRule.computeIfAbsent(v.rule(), k -> new ArrayList<>()).add(v.firstIndex() + ".." + v.lastIndex());
        }
        List<String> rules = new ArrayList<>();
        byRule.forEach((rule, where) -> rules.add("Nelson rule " + rule.number() + " (" + rule.description()
                + ") at points " + String.join(", ", limit(where))));
        c.text(c.normal, 8, "Rule violations: " + (rules.isEmpty() ? "none" : String.join("; ", limit(rules))));
        c.space(4);
    }

    private static float y(double v, float y0, float height, double yMax) {
        return y0 + (float) (v / yMax) * height;
    }

    private static void line(PDPageContentStream cs, float x1, float y1, float x2, float y2) throws IOException {
        cs.moveTo(x1, y1);
        cs.lineTo(x2, y2);
        cs.stroke();
    }

    private static void polyline(
            PDPageContentStream cs,
            float[] xs,
            List<ChartPoint> points,
            java.util.function.ToDoubleFunction<ChartPoint> f,
            float y0,
            float height,
            double yMax)
            throws IOException {
        if (points.size() == 1) {
            float y = y(f.applyAsDouble(points.get(0)), y0, height, yMax);
            line(cs, xs[0] - 4, y, xs[0] + 4, y);
            return;
        }
        cs.moveTo(xs[0], y(f.applyAsDouble(points.get(0)), y0, height, yMax));
        for (int i = 1; i < points.size(); i++) {
            cs.lineTo(xs[i], y(f.applyAsDouble(points.get(i)), y0, height, yMax));
        }
        cs.stroke();
    }

    /** Pages, a cursor and text lines; long lines are wrapped. */
    private static final class Canvas {
        final PDDocument doc;
        final String header;
        final PDType1Font normal = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        PDPageContentStream cs;
        float y;
        int page;

        Canvas(PDDocument doc, String header) throws IOException {
            this.doc = doc;
            this.header = header;
            newPage();
        }

        void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            PDPage p = new PDPage(PDRectangle.A4);
            doc.addPage(p);
            page++;
            cs = new PDPageContentStream(doc, p);
            y = p.getMediaBox().getHeight() - MARGIN;
            if (page > 1) {
                at(normal, 8, MARGIN, y, header + ", page " + page);
                y -= LEADING * 1.5f;
            }
        }

        void ensure(float height) throws IOException {
            if (y - height < MARGIN) {
                newPage();
            }
        }

        void space(float h) {
            y -= h;
        }

        /** A heading: kept on one page with the two lines that follow it. */
        void heading(String s) throws IOException {
            ensure(LEADING * 4);
            text(bold, 11, s);
        }

        void text(PDType1Font font, float size, String s) throws IOException {
            for (String part : wrap(latin1(s), font, size, WIDTH)) {
                ensure(LEADING);
                at(font, size, MARGIN, y - size, part);
                y -= Math.max(LEADING, size + 3);
            }
        }

        void at(PDType1Font font, float size, float x, float yPos, String s) throws IOException {
            cs.beginText();
            cs.setFont(font, size);
            cs.newLineAtOffset(x, yPos);
            cs.showText(latin1(s));
            cs.endText();
        }

        void close() throws IOException {
            cs.close();
        }
    }

    /** Standard-14 fonts encode WinAnsi only: anything else becomes '?'. */
    static String latin1(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            b.append(ch >= 32 && ch < 127 || ch >= 160 && ch <= 255 ? ch : '?');
        }
        return b.toString();
    }

    /** Lines of at most {@code width} points in this font, cut at spaces where possible. */
    private static List<String> wrap(String text, PDType1Font font, float size, float width) throws IOException {
        List<String> out = new ArrayList<>();
        String rest = text;
        while (font.getStringWidth(rest) / 1000 * size > width) {
            int cut = rest.length() - 1;
            while (cut > 1 && font.getStringWidth(rest.substring(0, cut)) / 1000 * size > width) {
                cut--;
            }
            int space = rest.lastIndexOf(' ', cut);
            if (space > 0) {
                cut = space;
            }
            out.add(rest.substring(0, cut));
            rest = "    " + rest.substring(cut).trim();
        }
        out.add(rest);
        return out;
    }

    /** An instant to the second, as UTC. */
    static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
