package io.visionhub.ledger.audit;

import io.visionhub.ledger.heads.SignedTreeHead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The human-readable summary of an audit package (PDFBox): selection, head, verification, signatures, records. Its
 * text is a function of the signed manifest, the signed head, the verification report and the proven records
 * ({@link Summary}), so the verifier can write the same lines again and compare them with the PDF's text.
 */
final class AuditSummaryPdf {

    private static final float MARGIN = 50;
    private static final float LEADING = 12;
    private static final int MAX_RECORD_LINES = 2_000;
    private static final String PAGE_HEADER = "Vision Hub audit package, page ";

    private AuditSummaryPdf() {}

    /** What the PDF shows; every field comes from a signed or proven part of the package. */
    record Summary(
            String selection,
            String createdAt,
            String createdBy,
            int images,
            int imagesMissing,
            SignedTreeHead head,
            boolean reportOk,
            String reportSummary,
            List<AuditRecordViews.Signature> signatures,
            List<AuditRecordViews.Inspection> inspections) {}

    static byte[] render(Summary s) {
        return write(lines(s));
    }

    /** The PDF's text lines, as {@link #text} reads them back (whitespace collapsed, page headers and blanks left out). */
    static List<String> expectedText(Summary s) {
        List<String> out = new ArrayList<>();
        for (String[] l : lines(s)) {
            String t = normalise(latin1(l[1]));
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** The text of a summary PDF, line by line, normalised as {@link #expectedText}. */
    static List<String> text(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            List<String> out = new ArrayList<>();
            for (String line : new PDFTextStripper().getText(doc).split("\\R")) {
                String t = normalise(line);
                if (!t.isEmpty()
                        && !(t.startsWith(PAGE_HEADER)
                                && t.substring(PAGE_HEADER.length()).matches("\\d+"))) {
                    out.add(t);
                }
            }
            return out;
        }
    }

    private static String normalise(String line) {
        return line.replaceAll("\\s+", " ").trim();
    }

    private static List<String[]> lines(Summary s) {
        SignedTreeHead head = s.head();
        List<AuditRecordViews.Inspection> rows = s.inspections();
        List<String[]> lines = new ArrayList<>(); // {font, text}
        lines.add(new String[] {"H", "Vision Hub audit package"});
        lines.add(new String[] {"N", "Selection: " + s.selection()});
        lines.add(new String[] {"N", "Created " + s.createdAt() + " UTC by " + s.createdBy()});
        lines.add(new String[] {
            "N",
            rows.size() + " inspections, " + s.signatures().size() + " dispositions, " + s.images() + " images ("
                    + s.imagesMissing() + " missing)"
        });
        lines.add(new String[] {"N", ""});
        lines.add(new String[] {"B", "Signed tree head (all records of this package are proven in it)"});
        lines.add(new String[] {
            "N",
            "Size " + head.treeSize() + ", signed " + head.signedAt() + " UTC, key " + head.keyId() + " ("
                    + head.algorithm() + ")"
        });
        lines.add(new String[] {"M", "Root " + head.rootHash()});
        lines.add(new String[] {"N", ""});
        lines.add(new String[] {"B", "Ledger verification at export: " + (s.reportOk() ? "PASSED" : "FAILED")});
        wrap(String.valueOf(s.reportSummary()), 100).forEach(l -> lines.add(new String[] {"N", l}));
        lines.add(new String[] {"N", ""});
        lines.add(new String[] {"B", "Electronic signatures (21 CFR 11.50: printed name, date and time, meaning)"});
        if (s.signatures().isEmpty()) {
            lines.add(new String[] {"N", "none"});
        }
        for (AuditRecordViews.Signature d : s.signatures()) {
            lines.add(new String[] {
                "N",
                d.disposition() + " of " + String.valueOf(d.targetType()).toLowerCase(Locale.ROOT) + " " + d.targetId()
                        + " (ledger seq " + d.seq() + ")"
            });
            lines.add(new String[] {
                "N", "   Signed by " + d.printedName() + " (" + d.user() + ") on " + d.signedAt() + " UTC"
            });
            lines.add(new String[] {"N", "   Meaning: " + d.meaning()});
            wrap("Reason: " + d.reason(), 95).forEach(l -> lines.add(new String[] {"N", "   " + l}));
            if (d.supersedes() != null) {
                wrap("Supersedes " + d.supersedes() + ": " + d.supersedeReason(), 95)
                        .forEach(l -> lines.add(new String[] {"N", "   " + l}));
            }
            lines.add(new String[] {"M", "   signature " + d.signatureHash()});
        }
        lines.add(new String[] {"N", ""});
        lines.add(new String[] {"B", "Inspections (seq, capture time UTC, station, order, lot, result, image sha256)"});
        int n = 0;
        for (AuditRecordViews.Inspection r : rows) {
            if (n++ == MAX_RECORD_LINES) {
                lines.add(new String[] {"N", "... " + (rows.size() - MAX_RECORD_LINES) + " more in records.csv"});
                break;
            }
            lines.add(new String[] {
                "M",
                r.seq() + "  " + r.captureTime() + "  " + r.station() + "  " + r.order() + "  "
                        + r.lot() + "  " + r.result() + "  "
                        + (r.imageSha256() == null
                                ? "-"
                                : r.imageSha256()
                                        .substring(
                                                0, Math.min(16, r.imageSha256().length())))
            });
        }
        return lines;
    }

    private static byte[] write(List<String[]> lines) {
        try (PDDocument doc = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font normal = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            PDType1Font mono = new PDType1Font(Standard14Fonts.FontName.COURIER);
            PDPageContentStream cs = null;
            float y = 0;
            int page = 0;
            for (String[] l : lines) {
                if (cs == null || y < MARGIN) {
                    if (cs != null) {
                        cs.endText();
                        cs.close();
                    }
                    PDPage p = new PDPage(PDRectangle.A4);
                    doc.addPage(p);
                    page++;
                    cs = new PDPageContentStream(doc, p);
                    cs.beginText();
                    y = p.getMediaBox().getHeight() - MARGIN;
                    cs.newLineAtOffset(MARGIN, y);
                    if (page > 1) {
                        cs.setFont(normal, 8);
                        cs.showText("Vision Hub audit package, page " + page);
                        cs.newLineAtOffset(0, -LEADING * 1.5f);
                        y -= LEADING * 1.5f;
                    }
                }
                switch (l[0]) {
                    case "H" -> cs.setFont(bold, 16);
                    case "B" -> cs.setFont(bold, 10);
                    case "M" -> cs.setFont(mono, 8);
                    default -> cs.setFont(normal, 9);
                }
                cs.showText(latin1(l[1]));
                float step = "H".equals(l[0]) ? LEADING * 2 : LEADING;
                cs.newLineAtOffset(0, -step);
                y -= step;
            }
            if (cs != null) {
                cs.endText();
                cs.close();
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the audit summary PDF", e);
        }
    }

    /** Standard-14 fonts encode WinAnsi only: anything else becomes '?'. */
    private static String latin1(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 || c >= 160 && c <= 255 ? c : '?');
        }
        return b.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        String rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = width;
            }
            out.add(rest.substring(0, cut));
            rest = rest.substring(cut).trim();
        }
        out.add(rest);
        return out;
    }
}
