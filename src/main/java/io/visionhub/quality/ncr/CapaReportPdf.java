package io.visionhub.quality.ncr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * The CAPA report of a non-conformance (PDFBox, drawn like the audit summary): what it is about and what opened it,
 * the defect trend of its class in the order (bars per hour), the defect Pareto of the order, the parts with links
 * to their annotated images, example annotated images, the ledger range and the closure. The package's records and
 * proofs make it checkable: its figures come from the register and the recorded inspections.
 */
final class CapaReportPdf {

    private static final float MARGIN = 50;
    private static final float LEADING = 13;
    private static final PDType1Font FONT = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    private static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);

    private CapaReportPdf() {}

    /** What the report shows. */
    record Report(
            Ncr ncr,
            List<NcrRepository.TrendPoint> trend,
            List<Map.Entry<String, Integer>> pareto,
            Map<String, byte[]> exampleImages,
            long ledgerFrom,
            long ledgerTo,
            String createdAt,
            String createdBy) {}

    static byte[] render(Report r) {
        try (PDDocument doc = new PDDocument()) {
            Writer w = new Writer(doc);
            Ncr n = r.ncr();
            w.line(BOLD, 14, "Vision Hub CAPA evidence: non-conformance " + n.id());
            w.line(
                    FONT,
                    10,
                    "Order " + n.productionOrder() + ", defect class " + n.defectClass() + ", line " + n.line()
                            + ", station " + n.station());
            w.line(FONT, 10, "Product " + n.product() + ", batch " + n.batch() + ", status " + n.status());
            w.line(FONT, 10, "Opened " + n.openedAt() + " by " + n.trigger());
            w.wrapped(FONT, 10, n.triggerDetail());
            w.line(
                    FONT,
                    10,
                    "Parts (items): " + n.itemCount() + "; ledger records seq " + r.ledgerFrom() + " to " + r.ledgerTo()
                            + " (proofs in records.json)");
            for (Ncr.Document d : n.documents()) {
                w.line(
                        FONT,
                        10,
                        "Document in " + d.target() + ": " + (d.documentNumber() == null ? "-" : d.documentNumber())
                                + " (" + d.status() + "), items delivered " + d.itemsDelivered() + " of " + d.items());
            }
            if (n.closure() != null) {
                Ncr.Closure c = n.closure();
                w.line(
                        FONT,
                        10,
                        "Closed " + c.closedAt() + " by " + c.printedName() + " (" + c.user() + "), " + c.meaning());
                w.wrapped(FONT, 10, "Reason: " + c.reason());
            }
            w.line(FONT, 9, "Package made " + r.createdAt() + " by " + r.createdBy());
            w.gap();
            w.line(
                    BOLD,
                    12,
                    "Defect trend: parts with " + n.defectClass() + " per hour in order " + n.productionOrder());
            List<String> labels = new ArrayList<>();
            List<Integer> values = new ArrayList<>();
            for (NcrRepository.TrendPoint p : r.trend()) {
                labels.add(p.hour().toString().substring(11, 16));
                values.add(p.ofClass());
            }
            w.bars(labels, values, "parts of the class; the inspected total per hour is in the table below");
            for (NcrRepository.TrendPoint p : r.trend()) {
                w.line(
                        FONT,
                        9,
                        p.hour() + ": inspected " + p.inspected() + ", NG " + p.ng() + ", with " + n.defectClass() + " "
                                + p.ofClass());
            }
            w.gap();
            w.line(BOLD, 12, "Defect Pareto of order " + n.productionOrder());
            w.bars(
                    r.pareto().stream().map(Map.Entry::getKey).toList(),
                    r.pareto().stream().map(Map.Entry::getValue).toList(),
                    "defects by class, most frequent first");
            w.gap();
            w.line(BOLD, 12, "Parts");
            for (Ncr.Item i : n.items()) {
                w.line(
                        FONT,
                        9,
                        "Item " + i.itemNo() + ": inspection " + i.inspectionId() + " (seq " + i.inspectionSeq()
                                + "), " + i.captureTime() + ", part " + (i.partId() == null ? "-" : i.partId())
                                + ", image "
                                + (i.annotatedUri() != null
                                        ? i.annotatedUri()
                                        : i.imageUri() == null ? "-" : i.imageUri()));
            }
            if (!r.exampleImages().isEmpty()) {
                w.gap();
                w.line(BOLD, 12, "Example annotated images");
                for (Map.Entry<String, byte[]> img : r.exampleImages().entrySet()) {
                    w.image(img.getKey(), img.getValue());
                }
            }
            w.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CAPA report", e);
        }
    }

    /** Writes lines, bar charts and images top-down, page after page. */
    private static final class Writer {
        private final PDDocument doc;
        private PDPageContentStream cs;
        private float y;

        Writer(PDDocument doc) throws IOException {
            this.doc = doc;
            newPage();
        }

        private void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            cs = new PDPageContentStream(doc, page);
            y = page.getMediaBox().getHeight() - MARGIN;
        }

        private void room(float h) throws IOException {
            if (y - h < MARGIN) {
                newPage();
            }
        }

        void line(PDType1Font font, float size, String text) throws IOException {
            room(LEADING);
            cs.beginText();
            cs.setFont(font, size);
            cs.newLineAtOffset(MARGIN, y);
            cs.showText(latin1(text));
            cs.endText();
            y -= LEADING;
        }

        void wrapped(PDType1Font font, float size, String text) throws IOException {
            String rest = text == null ? "" : text;
            while (rest.length() > 100) {
                int cut = rest.lastIndexOf(' ', 100);
                cut = cut <= 0 ? 100 : cut;
                line(font, size, rest.substring(0, cut));
                rest = rest.substring(cut).trim();
            }
            line(font, size, rest);
        }

        void gap() {
            y -= LEADING / 2;
        }

        void bars(List<String> labels, List<Integer> values, String caption) throws IOException {
            float h = 110;
            room(h + 2 * LEADING);
            float width = PDRectangle.A4.getWidth() - 2 * MARGIN;
            int max = values.stream().mapToInt(Integer::intValue).max().orElse(0);
            float base = y - h;
            cs.setLineWidth(0.5f);
            cs.moveTo(MARGIN, base);
            cs.lineTo(MARGIN + width, base);
            cs.stroke();
            int n = Math.max(1, values.size());
            float slot = width / n;
            for (int i = 0; i < values.size(); i++) {
                float bh = max == 0 ? 0 : (h - 20) * values.get(i) / max;
                cs.setNonStrokingColor(0.2f, 0.4f, 0.7f);
                cs.addRect(MARGIN + i * slot + slot * 0.15f, base, slot * 0.7f, bh);
                cs.fill();
                cs.setNonStrokingColor(0f, 0f, 0f);
                if (n <= 24) {
                    text(MARGIN + i * slot + 2, base - 9, 7, labels.get(i));
                    text(MARGIN + i * slot + slot * 0.15f, base + bh + 2, 7, String.valueOf(values.get(i)));
                }
            }
            y = base - 2 * LEADING;
            line(FONT, 8, caption + (values.isEmpty() ? " (no data)" : ""));
        }

        private void text(float x, float at, float size, String s) throws IOException {
            cs.beginText();
            cs.setFont(FONT, size);
            cs.newLineAtOffset(x, at);
            cs.showText(latin1(s.length() > 14 ? s.substring(0, 14) : s));
            cs.endText();
        }

        void image(String name, byte[] bytes) throws IOException {
            PDImageXObject img;
            try {
                img = PDImageXObject.createFromByteArray(doc, bytes, name);
            } catch (IOException | RuntimeException e) {
                line(FONT, 9, name + ": not an image PDFBox can draw (" + e.getMessage() + ")");
                return;
            }
            float w = Math.min(240, img.getWidth());
            float h = w * img.getHeight() / Math.max(1, img.getWidth());
            room(h + LEADING);
            cs.drawImage(img, MARGIN, y - h, w, h);
            y -= h + 2;
            line(FONT, 8, name);
        }

        void finish() throws IOException {
            cs.close();
        }
    }

    private static String latin1(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : (s == null ? "" : s).toCharArray()) {
            b.append(c >= 32 && c < 256 ? c : '?');
        }
        return b.toString();
    }
}
