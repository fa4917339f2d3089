package io.visionhub.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.ledger.CanonicalJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The human-readable files of an audit package (records.csv, signatures.csv, signatures.json) as pure functions
 * of the recorded ledger entries. The package service writes them from the entries it proves; the verifier
 * writes them again from the entries it has proven and compares, so an edited CSV or JSON is found.
 */
final class AuditRecordViews {

    static final List<String> RECORD_COLUMNS = List.of(
            "seq",
            "inspection_id",
            "capture_time",
            "station",
            "line",
            "production_order",
            "lot",
            "result",
            "model_name",
            "model_version",
            "model_sha256",
            "anomaly_score",
            "image_sha256",
            "annotated_sha256");
    static final List<String> SIGNATURE_COLUMNS = List.of(
            "seq",
            "disposition_id",
            "target_type",
            "target_id",
            "disposition",
            "reason",
            "meaning",
            "user",
            "printed_name",
            "signed_at_utc",
            "signature_hash",
            "target_hash",
            "revision",
            "supersedes",
            "supersede_reason");

    /** current-dispositions.csv: what stands for each inspection of the package now. */
    static final List<String> CURRENT_COLUMNS = List.of(
            "seq",
            "inspection_id",
            "lot",
            "result",
            "current_disposition",
            "disposition_id",
            "disposition_seq",
            "target_type",
            "printed_name",
            "signed_at_utc");

    private AuditRecordViews() {}

    /** One inspection as the CSV and the PDF show it, read from its recorded entry (the event as recorded). */
    record Inspection(
            long seq,
            String id,
            String captureTime,
            String station,
            String line,
            String order,
            String lot,
            String result,
            String modelName,
            String modelVersion,
            String modelSha256,
            String anomalyScore,
            String imageSha256,
            String annotatedSha256) {

        static Inspection of(long seq, JsonNode entry) {
            JsonNode e = entry.path("body").path("event");
            JsonNode ctx = e.path("context");
            JsonNode model = e.path("model");
            JsonNode image = e.path("image");
            return new Inspection(
                    seq,
                    text(e, "id"),
                    text(e, "captureTime"),
                    text(e, "station"),
                    text(e, "line"),
                    text(ctx, "productionOrder"),
                    text(ctx, "batch"),
                    text(e, "result"),
                    text(model, "name"),
                    text(model, "version"),
                    text(model, "sha256"),
                    text(e, "anomalyScore"),
                    text(image, "sha256"),
                    text(image, "annotatedSha256"));
        }

        List<String> cells() {
            return Arrays.asList(
                    String.valueOf(seq),
                    id,
                    captureTime,
                    station,
                    line,
                    order,
                    lot,
                    result,
                    modelName,
                    modelVersion,
                    modelSha256,
                    anomalyScore,
                    imageSha256,
                    annotatedSha256);
        }
    }

    /**
     * One signed disposition as recorded: its ledger seq, leaf hash and the whole body of its DISPOSITION entry
     * (the signature manifest and its hash, and whatever else the record holds).
     */
    record Signature(long seq, String leafHash, JsonNode body) {

        JsonNode manifest() {
            return body.path("manifest");
        }

        String dispositionId() {
            return text(manifest(), "dispositionId");
        }

        String targetType() {
            return text(manifest(), "targetType");
        }

        String targetId() {
            return text(manifest(), "targetId");
        }

        String disposition() {
            return text(manifest(), "disposition");
        }

        String reason() {
            return text(manifest(), "reason");
        }

        String meaning() {
            return text(manifest(), "meaning");
        }

        String user() {
            return text(manifest(), "user");
        }

        String printedName() {
            return text(manifest(), "printedName");
        }

        String signedAt() {
            return text(manifest(), "signedAt");
        }

        String signatureHash() {
            return text(body, "signatureHash");
        }

        String targetHash() {
            return text(manifest(), "targetHash");
        }

        /** the disposition this one replaced, where the record names one */
        String supersedes() {
            return text(manifest(), "supersedes");
        }

        String supersedeReason() {
            return text(manifest(), "supersedeReason");
        }

        List<String> cells() {
            return Arrays.asList(
                    String.valueOf(seq),
                    dispositionId(),
                    targetType(),
                    targetId(),
                    disposition(),
                    reason(),
                    meaning(),
                    user(),
                    printedName(),
                    signedAt(),
                    signatureHash(),
                    targetHash(),
                    text(manifest(), "revision"),
                    supersedes(),
                    supersedeReason());
        }

        /** signatures.json item: seq and leaf hash, then every field of the recorded body. */
        JsonNode json() {
            ObjectNode o = CanonicalJson.mapper().createObjectNode();
            o.put("seq", seq);
            o.put("leafHash", leafHash);
            body.fields().forEachRemaining(f -> o.set(f.getKey(), f.getValue()));
            return o;
        }
    }

    static String recordsCsv(List<Inspection> rows) {
        StringBuilder s = new StringBuilder(String.join(",", RECORD_COLUMNS)).append('\n');
        rows.forEach(r -> s.append(line(r.cells())).append('\n'));
        return s.toString();
    }

    static String signaturesCsv(List<Signature> sigs) {
        StringBuilder s = new StringBuilder(String.join(",", SIGNATURE_COLUMNS)).append('\n');
        sigs.forEach(d -> s.append(line(d.cells())).append('\n'));
        return s.toString();
    }

    /**
     * One line per inspection with the disposition that stands for it: its own latest signature in the package,
     * else its lot's latest (a part's own decision is more specific than the lot's); empty when none. A pure
     * function of the proven records, so the verifier writes it again and compares.
     */
    static String currentDispositionsCsv(List<Inspection> rows, List<Signature> sigs) {
        Map<String, Signature> latest = new HashMap<>();
        for (Signature d : sigs) {
            String key = d.targetType() + "|" + d.targetId();
            Signature seen = latest.get(key);
            if (seen == null || seen.seq() < d.seq()) {
                latest.put(key, d);
            }
        }
        StringBuilder s = new StringBuilder(String.join(",", CURRENT_COLUMNS)).append('\n');
        for (Inspection r : rows) {
            Signature d = latest.get("INSPECTION|" + r.id());
            if (d == null && r.lot() != null) {
                d = latest.get("LOT|" + r.lot());
            }
            s.append(line(Arrays.asList(
                            String.valueOf(r.seq()),
                            r.id(),
                            r.lot(),
                            r.result(),
                            d == null ? null : d.disposition(),
                            d == null ? null : d.dispositionId(),
                            d == null ? null : String.valueOf(d.seq()),
                            d == null ? null : d.targetType(),
                            d == null ? null : d.printedName(),
                            d == null ? null : d.signedAt())))
                    .append('\n');
        }
        return s.toString();
    }

    static byte[] signaturesJson(List<Signature> sigs) {
        List<JsonNode> items = new ArrayList<>();
        sigs.forEach(d -> items.add(d.json()));
        try {
            return CanonicalJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String line(List<String> cells) {
        List<String> out = new ArrayList<>(cells.size());
        cells.forEach(c -> out.add(cell(c)));
        return String.join(",", out);
    }

    private static String cell(String v) {
        if (v == null) {
            return "";
        }
        String s = v;
        if (s.startsWith("=") || s.startsWith("+") || s.startsWith("-") || s.startsWith("@")) {
            s = "'" + s; // no formula injection when opened in a spreadsheet
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /**
     * Splits CSV text as {@link #line} writes it (RFC 4180 quoting, quoted line breaks) into rows of cells, for
     * naming the field that differs.
     */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder c = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    c.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    c.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(c.toString());
                c.setLength(0);
            } else if (ch == '\n') {
                row.add(c.toString());
                c.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else if (ch != '\r') {
                c.append(ch);
            }
        }
        if (c.length() > 0 || !row.isEmpty()) {
            row.add(c.toString());
            rows.add(row);
        }
        return rows;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }
}
