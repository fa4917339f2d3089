package io.visionhub.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.ledger.merkle.MerkleHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * What someone who edits an audit package after export does: unzip, change a file, recompute the manifest's
 * SHA-256 sums (the manifest is plain JSON), zip again; or damage the archive itself. Uses only the package's
 * published layout (no verifier internals), so the tests read the same against any verifier.
 */
public final class AuditPackageFiles {

    private AuditPackageFiles() {}

    /**
     * A disposition as the package tests sign it: by qa.lee (LedgerFixture's user, printed name Lee Quality), the
     * one place these tests build a signing request.
     */
    public static DispositionRequest disposition(
            String targetType, String targetId, String disposition, String reason) {
        return DispositionRequest.of(targetType, targetId, disposition, reason, "APPROVED", "s3cret!");
    }

    /** A later disposition of the same target, replacing current for a reason. */
    public static DispositionRequest superseding(
            SignedDisposition current, String disposition, String reason, String why) {
        return disposition(current.targetType(), current.targetId(), disposition, reason)
                .superseding(current.id(), why);
    }

    public static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                out.put(e.getName(), z.readAllBytes());
            }
        }
        return out;
    }

    public static byte[] zip(Map<String, byte[]> files) throws Exception {
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

    public static String text(Map<String, byte[]> files, String name) {
        return new String(files.get(name), StandardCharsets.UTF_8);
    }

    public static void put(Map<String, byte[]> files, String name, String text) {
        files.put(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The name of the image entry of this SHA-256 ({@code images/<sha256>.<ext>}). */
    public static String imageEntry(Map<String, byte[]> files, String sha256) {
        return files.keySet().stream()
                .filter(n -> n.startsWith("images/" + sha256))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no image " + sha256 + " in " + files.keySet()));
    }

    /** Rewrites the manifest's file list with the sums of the files as they are now (the signature is left alone). */
    public static void recomputeManifest(Map<String, byte[]> files) {
        ObjectNode manifest = (ObjectNode) CanonicalJson.read(text(files, "manifest.json"));
        ObjectNode sums = manifest.putObject("files");
        files.forEach((name, bytes) -> {
            if (!name.equals("manifest.json") && !name.equals("manifest.signature.json")) {
                sums.put(name, MerkleHash.hex(MerkleHash.sha256(bytes)));
            }
        });
        try {
            files.put(
                    "manifest.json",
                    CanonicalJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets one cell of the CSV line whose first cell is seq. */
    public static String editCsv(String csv, long seq, String column, String value) {
        List<String> lines = csv.lines().collect(Collectors.toList());
        int col = List.of(lines.get(0).split(",")).indexOf(column);
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells[0].equals(String.valueOf(seq))) {
                cells[col] = value;
                lines.set(i, String.join(",", cells));
                return String.join("\n", lines) + "\n";
            }
        }
        throw new IllegalArgumentException("no line for seq " + seq);
    }

    /** The CSV without the line whose first cell is seq. */
    public static String dropCsvLine(String csv, long seq) {
        return csv.lines().filter(l -> !l.startsWith(seq + ",")).collect(Collectors.joining("\n")) + "\n";
    }

    /** records.json without the record of this seq. */
    public static String dropRecord(String recordsJson, long seq) throws Exception {
        JsonNode records = CanonicalJson.read(recordsJson);
        var out = CanonicalJson.mapper().createArrayNode();
        records.forEach(r -> {
            if (r.path("seq").asLong() != seq) {
                out.add(r);
            }
        });
        return CanonicalJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out);
    }

    /** The sequence number of the first record of this type in records.json. */
    public static long firstSeqOf(Map<String, byte[]> files, String type) {
        for (JsonNode r : CanonicalJson.read(text(files, "records.json"))) {
            if (type.equals(r.path("recordType").asText())) {
                return r.path("seq").asLong();
            }
        }
        throw new IllegalArgumentException("no " + type + " record");
    }

    /** A PDF of a few lines, such as someone would put in place of summary.pdf. */
    public static byte[] pdf(String... lines) throws Exception {
        try (PDDocument doc = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 10);
                cs.newLineAtOffset(50, 700);
                for (String l : lines) {
                    cs.showText(l);
                    cs.newLineAtOffset(0, -14);
                }
                cs.endText();
            }
            doc.save(out);
            return out.toByteArray();
        }
    }

    /** The raw archive with one byte of an entry's stored data flipped (as a bad copy or a hex editor would). */
    public static byte[] flipByteInEntry(byte[] zip, String name) {
        byte[] out = zip.clone();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 30 + n.length <= out.length; i++) {
            ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(i) == 0x04034b50
                    && b.getShort(i + 26) == n.length
                    && Arrays.equals(out, i + 30, i + 30 + n.length, n, 0, n.length)) {
                int data = i + 30 + n.length + Short.toUnsignedInt(b.getShort(i + 28));
                out[data + 2] ^= 0x10;
                return out;
            }
        }
        throw new IllegalArgumentException("no local entry " + name);
    }
}
