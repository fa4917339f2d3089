package io.visionhub.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.InclusionProof;
import io.visionhub.ledger.JdbcLedgerReader.LeafRow;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerService;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import io.visionhub.ledger.verify.VerificationReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds the audit package (a zip) for an order, lot or time range: the records (JSON with their exact canonical
 * entries, and CSV), the images, the dispositions with their signatures, the signed heads with an inclusion proof
 * of every record, the head-signing certificate, the ledger's verification report and a PDF summary, plus a
 * manifest of SHA-256 sums. {@link AuditPackageVerifier} (the ledger command {@code verify-package}) checks it
 * offline.
 */
public class AuditPackageService {

    private static final Logger LOG = LoggerFactory.getLogger(AuditPackageService.class);
    /** most inspections in one package; narrow the selection beyond that */
    public static final int MAX_RECORDS = 50_000;

    private final LedgerService ledger;
    private final DispositionQueries dispositions;
    private final DataSource dataSource;
    private final Clock clock;

    public AuditPackageService(LedgerService ledger, DispositionQueries dispositions, DataSource dataSource, Clock clock) {
        this.ledger = ledger;
        this.dispositions = dispositions;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** One selected inspection as stored (flat columns for CSV). */
    record Row(long seq, String id, Instant captureTime, String station, String line, String order, String lot,
               String result, String modelName, String modelVersion, String modelSha256, Double anomalyScore,
               String imageSha256, String annotatedSha256) {
    }

    /** The package in memory (tests, small selections); {@link #write} streams it. */
    public byte[] build(AuditSelection sel, String createdBy) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(sel, createdBy, out);
        return out.toByteArray();
    }

    /** Writes the package as a zip to out, one file at a time (images are never all in memory). */
    public void write(AuditSelection sel, String createdBy, java.io.OutputStream out) {
        Instant now = clock.instant();
        List<Row> rows = select(sel);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no recorded inspection matches " + sel.describe());
        }
        Set<String> targets = new LinkedHashSet<>();
        rows.forEach(r -> {
            targets.add(r.id());
            if (r.lot() != null) {
                targets.add(r.lot());
            }
        });
        List<SignedDisposition> disps = dispositions.forTargets(targets);
        SignedTreeHead head = ledger.latestHead();
        if (head == null) {
            throw new IllegalStateException("no signed tree head: turn visionhub.ledger.heads.enabled on");
        }
        MerkleTree tree = ledger.tree();
        List<Long> seqs = new ArrayList<>();
        rows.forEach(r -> seqs.add(r.seq()));
        disps.forEach(d -> seqs.add(d.sequence()));
        List<Map<String, Object>> records = new ArrayList<>();
        for (long seq : seqs) {
            if (seq >= head.treeSize()) {
                continue; // written after the head; the next package covers it
            }
            LeafRow leaf = ledger.reader().leaves(seq, seq + 1).get(0);
            InclusionProof p = ledger.inclusionProof(seq, head.treeSize(), tree);
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("seq", seq);
            rec.put("recordType", leaf.type());
            rec.put("recordId", leaf.recordId());
            rec.put("leafHash", leaf.leafHash());
            rec.put("entry", leaf.entry());
            rec.put("inclusionProof", Map.of("treeSize", p.treeSize(), "rootHash", p.rootHash(),
                    "auditPath", p.auditPath()));
            records.add(rec);
        }
        VerificationReport report = ledger.verify();
        ImageStore images = ledger.images();
        Map<String, String> sums = new LinkedHashMap<>();
        int imageCount = 0;
        int missing = 0;
        long bytes;
        try (CountingZip z = new CountingZip(out, sums)) {
            z.put("records.json", json(records));
            z.put("records.csv", csv(rows).getBytes(StandardCharsets.UTF_8));
            z.put("signatures.json", json(disps));
            z.put("signatures.csv", signaturesCsv(disps).getBytes(StandardCharsets.UTF_8));
            z.put("signed-head.json", json(head));
            StringBuilder heads = new StringBuilder();
            for (SignedTreeHead h : ledger.heads()) {
                if (h.treeSize() <= head.treeSize()) {
                    heads.append(CanonicalJson.write(h)).append('\n');
                }
            }
            z.put("signed-heads.jsonl", heads.toString().getBytes(StandardCharsets.UTF_8));
            z.put("head-signing-certificate.pem", ledger.certificatePem().getBytes(StandardCharsets.US_ASCII));
            z.put("verification-report.json", json(report));
            if (images != null) {
                for (Row r : rows) {
                    for (String sha : new String[]{r.imageSha256(), r.annotatedSha256()}) {
                        if (sha == null || sums.containsKey("images/" + sha)) {
                            continue;
                        }
                        var img = images.get(sha);
                        if (img.isPresent()) {
                            z.put("images/" + sha, img.get());
                            imageCount++;
                        } else {
                            missing++;
                        }
                    }
                }
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("selection", sel.describe());
            info.put("createdAt", now.toString());
            info.put("createdBy", createdBy);
            info.put("inspections", rows.size());
            info.put("dispositions", disps.size());
            info.put("images", imageCount);
            info.put("imagesMissing", missing);
            info.put("headTreeSize", head.treeSize());
            info.put("headRoot", head.rootHash());
            info.put("keyId", head.keyId());
            z.put("summary.pdf", AuditSummaryPdf.render(sel, info, rows, disps, head, report));
            info.put("files", new LinkedHashMap<>(sums));
            z.put("manifest.json", json(info));
            bytes = z.written();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit package for " + sel.describe(), e);
        }
        LOG.info("Audit package for {} by {}: {} inspections, {} dispositions, {} images ({} missing), head {}, "
                + "{} bytes before compression", sel.describe(), createdBy, rows.size(), disps.size(), imageCount,
                missing, head.treeSize(), bytes);
    }

    /** A zip writer that keeps the SHA-256 of every file for the manifest. */
    private static final class CountingZip implements AutoCloseable {
        private final ZipOutputStream z;
        private final Map<String, String> sums;
        private long written;

        CountingZip(java.io.OutputStream out, Map<String, String> sums) {
            this.z = new ZipOutputStream(out);
            this.sums = sums;
        }

        void put(String name, byte[] content) throws IOException {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
            sums.put(name, MerkleHash.hex(MerkleHash.sha256(content)));
            written += content.length;
        }

        long written() {
            return written;
        }

        @Override
        public void close() throws IOException {
            z.finish();
            z.flush();
        }
    }

    private List<Row> select(AuditSelection sel) {
        StringBuilder sql = new StringBuilder("SELECT ledger_seq, id, capture_time, station, line, production_order, "
                + "batch, result, model_name, model_version, model_sha256, anomaly_score, image_sha256, "
                + "annotated_sha256 FROM inspection WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (sel.order() != null) {
            sql.append(" AND production_order = ?");
            args.add(sel.order());
        }
        if (sel.lot() != null) {
            sql.append(" AND batch = ?");
            args.add(sel.lot());
        }
        if (sel.from() != null) {
            sql.append(" AND capture_time >= ?");
            args.add(OffsetDateTime.ofInstant(sel.from(), ZoneOffset.UTC));
        }
        if (sel.to() != null) {
            sql.append(" AND capture_time < ?");
            args.add(OffsetDateTime.ofInstant(sel.to(), ZoneOffset.UTC));
        }
        sql.append(" ORDER BY ledger_seq LIMIT ").append(MAX_RECORDS + 1);
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime t = rs.getObject(3, OffsetDateTime.class);
                    double score = rs.getDouble(12);
                    Double anomaly = rs.wasNull() ? null : score;
                    out.add(new Row(rs.getLong(1), rs.getString(2), t == null ? null : t.toInstant(), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.getString(11), anomaly, rs.getString(13), rs.getString(14)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot select inspections for " + sel.describe() + ": " + e.getMessage(), e);
        }
        if (out.size() > MAX_RECORDS) {
            throw new IllegalArgumentException(sel.describe() + " selects more than " + MAX_RECORDS
                    + " inspections: narrow the time range");
        }
        return out;
    }

    static String csv(List<Row> rows) {
        StringBuilder s = new StringBuilder("seq,inspection_id,capture_time,station,line,production_order,lot,result,"
                + "model_name,model_version,model_sha256,anomaly_score,image_sha256,annotated_sha256\n");
        for (Row r : rows) {
            s.append(String.join(",", List.of(String.valueOf(r.seq()), cell(r.id()), cell(r.captureTime()),
                    cell(r.station()), cell(r.line()), cell(r.order()), cell(r.lot()), cell(r.result()),
                    cell(r.modelName()), cell(r.modelVersion()), cell(r.modelSha256()), cell(r.anomalyScore()),
                    cell(r.imageSha256()), cell(r.annotatedSha256())))).append('\n');
        }
        return s.toString();
    }

    static String signaturesCsv(List<SignedDisposition> disps) {
        StringBuilder s = new StringBuilder("seq,disposition_id,target_type,target_id,disposition,reason,meaning,"
                + "user,printed_name,signed_at_utc,signature_hash,target_hash\n");
        for (SignedDisposition d : disps) {
            s.append(String.join(",", List.of(String.valueOf(d.sequence()), cell(d.id()), cell(d.targetType()),
                    cell(d.targetId()), cell(d.disposition()), cell(d.reason()), cell(d.meaning()), cell(d.user()),
                    cell(d.printedName()), cell(d.signedAt()), cell(d.signatureHash()), cell(d.targetHash()))))
                    .append('\n');
        }
        return s.toString();
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v.toString();
        if (s.startsWith("=") || s.startsWith("+") || s.startsWith("-") || s.startsWith("@")) {
            s = "'" + s; // no formula injection when opened in a spreadsheet
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static byte[] json(Object v) {
        try {
            return CanonicalJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(byte[] json) {
        return CanonicalJson.read(new String(json, StandardCharsets.UTF_8));
    }
}
