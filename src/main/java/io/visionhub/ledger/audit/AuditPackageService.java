package io.visionhub.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcLedgerReader.LeafRow;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerService;
import io.visionhub.ledger.StoredTree;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.verify.VerificationReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the audit package (a zip) for an order, lot or time range: the records (JSON with their exact canonical
 * entries and inclusion proofs, and CSV), the images, the dispositions with their signatures, the signed heads, the
 * head-signing certificate, the ledger's verification report and a PDF summary, plus a manifest (every file's
 * SHA-256 and the sequence numbers of every record the package holds) signed with the ledger's head key. The CSV,
 * signature files and PDF are written from the recorded entries, so the verifier can write them again from the
 * entries it proves and compare. {@link AuditPackageVerifier} (the ledger command {@code verify-package}) checks
 * it offline.
 */
public class AuditPackageService {

    private static final Logger LOG = LoggerFactory.getLogger(AuditPackageService.class);
    /** most inspections in one package; narrow the selection beyond that */
    public static final int MAX_RECORDS = 50_000;
    /** manifest format; {@link AuditPackageVerifier} refuses packages without a signed manifest of this format */
    public static final String FORMAT = "visionhub-audit-package/v2";

    /**
     * The disposition that stands for each inspection (added within v2: packages exported before it lack the
     * file, and the verifier checks it where the manifest lists it).
     */
    public static final String CURRENT_DISPOSITIONS = "current-dispositions.csv";

    private final LedgerService ledger;
    private final DispositionQueries dispositions;
    private final DataSource dataSource;
    private final Clock clock;

    public AuditPackageService(
            LedgerService ledger, DispositionQueries dispositions, DataSource dataSource, Clock clock) {
        this.ledger = ledger;
        this.dispositions = dispositions;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** One selected inspection: its sequence, id and lot (what the dispositions are looked up by). */
    private record Selected(long seq, String id, String lot) {}

    /** The package in memory (tests, small selections); {@link #write} streams it. */
    public byte[] build(AuditSelection sel, String createdBy) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(sel, createdBy, out);
        return out.toByteArray();
    }

    /** Writes the package as a zip to out, one file at a time (images are never all in memory). */
    public void write(AuditSelection sel, String createdBy, OutputStream out) {
        List<Selected> selected = select(sel);
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no recorded inspection matches " + sel.describe());
        }
        write(sel.describe(), selected, List.of(), Map.of(), createdBy, out);
    }

    /**
     * A package of chosen records, verifiable as any audit package: these inspections (with their images and
     * dispositions), other records of the ledger (e.g. a non-conformance's NCR_* records, claimed in the manifest
     * with their types) and extra files (e.g. a CAPA report), whose SHA-256 the signed manifest lists.
     *
     * @param selection      what the package is, as the manifest and the summary PDF say
     * @param inspectionIds  the inspections
     * @param otherSeqs      sequences of other records to prove
     * @param extraFiles     file name to content (not a name the package uses itself)
     */
    public void writeRecords(
            String selection,
            List<String> inspectionIds,
            List<Long> otherSeqs,
            Map<String, byte[]> extraFiles,
            String createdBy,
            OutputStream out) {
        List<Selected> selected = new ArrayList<>();
        for (String id : new LinkedHashSet<>(inspectionIds)) {
            selected.addAll(selectInspection(id));
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no recorded inspection for " + selection);
        }
        selected.sort(java.util.Comparator.comparingLong(Selected::seq));
        write(selection, selected, otherSeqs, extraFiles, createdBy, out);
    }

    private List<Selected> selectInspection(String id) {
        List<Selected> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT ledger_seq, id, batch FROM inspection WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Selected(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot select inspection " + id + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void write(
            String description,
            List<Selected> selected,
            List<Long> otherSeqs,
            Map<String, byte[]> extraFiles,
            String createdBy,
            OutputStream out) {
        Instant now = clock.instant();
        Set<String> targets = new LinkedHashSet<>();
        selected.forEach(r -> {
            targets.add(r.id());
            if (r.lot() != null) {
                targets.add(r.lot());
            }
        });
        List<SignedDisposition> disps = dispositions.forTargets(targets);
        // the manifest's key, read before the head: a rotation after this point is refused below, one before it is
        // in the key chain (its record lies under the head, which the previous key signed)
        X509Certificate manifestCertificate = ledger.signer().certificate();
        SignedTreeHead head = ledger.latestHead();
        if (head == null) {
            throw new IllegalStateException("no signed tree head: turn visionhub.ledger.heads.enabled on");
        }
        // proofs from the stored tree: O(log n) rows each, so a package costs what it holds, not the log's size
        StoredTree tree = ledger.storedTree();
        long logSize = ledger.reader().size();
        if (logSize < head.treeSize()) {
            throw new IllegalStateException("the signed head covers " + head.treeSize() + " records but the log holds "
                    + logSize + ": run the ledger verification");
        }
        long size = head.treeSize();
        String root = MerkleHash.hex(tree.root(size));
        List<Map<String, Object>> records = new ArrayList<>();
        List<AuditRecordViews.Inspection> inspections = new ArrayList<>();
        List<AuditRecordViews.Signature> signatures = new ArrayList<>();
        List<Long> inspectionSeqs = new ArrayList<>();
        List<Long> dispositionSeqs = new ArrayList<>();
        List<Map<String, Object>> others = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        selected.forEach(r -> seqs.add(r.seq()));
        disps.forEach(d -> seqs.add(d.sequence()));
        Set<Long> other = new LinkedHashSet<>(otherSeqs);
        seqs.addAll(other);
        for (long seq : seqs) {
            if (seq >= size) {
                continue; // written after the head; the next package covers it
            }
            LeafRow leaf = ledger.reader().leaves(seq, seq + 1).get(0);
            JsonNode entry = CanonicalJson.read(leaf.entry());
            if (other.contains(seq)) {
                others.add(Map.of("seq", seq, "type", leaf.type()));
            } else if (DispositionService.TYPE.equals(leaf.type())) {
                dispositionSeqs.add(seq);
                signatures.add(new AuditRecordViews.Signature(seq, leaf.leafHash(), entry.path("body")));
            } else {
                inspectionSeqs.add(seq);
                inspections.add(AuditRecordViews.Inspection.of(seq, entry));
            }
            records.add(proven(leaf, tree, size, root));
        }
        // from the last head the hub verified: the package's cost follows what it holds, not the log's size
        VerificationReport report = ledger.verifySinceLastVerified();
        ImageStore images = ledger.images();
        Map<String, String> sums = new LinkedHashMap<>();
        int imageCount = 0;
        int missing = 0;
        long bytes;
        try (CountingZip z = new CountingZip(out, sums)) {
            z.put("records.json", json(records));
            z.put("records.csv", AuditRecordViews.recordsCsv(inspections).getBytes(StandardCharsets.UTF_8));
            z.put("signatures.json", AuditRecordViews.signaturesJson(signatures));
            z.put("signatures.csv", AuditRecordViews.signaturesCsv(signatures).getBytes(StandardCharsets.UTF_8));
            z.put(
                    CURRENT_DISPOSITIONS,
                    AuditRecordViews.currentDispositionsCsv(inspections, signatures)
                            .getBytes(StandardCharsets.UTF_8));
            z.put("signed-head.json", json(head));
            // the head that first covered each record of the package, and the package's head: what an auditor
            // compares with the heads published at the time (not every head of the log: the package's size follows
            // what it holds)
            java.util.TreeMap<Long, SignedTreeHead> covering = new java.util.TreeMap<>();
            for (long seq : seqs) {
                if (seq < size) {
                    ledger.reader().firstHeadCovering(seq).ifPresent(h -> covering.put(h.treeSize(), h));
                }
            }
            covering.put(head.treeSize(), head);
            StringBuilder heads = new StringBuilder();
            for (SignedTreeHead h : covering.values()) {
                if (h.treeSize() <= head.treeSize()) {
                    heads.append(CanonicalJson.write(h)).append('\n');
                }
            }
            z.put("signed-heads.jsonl", heads.toString().getBytes(StandardCharsets.UTF_8));
            z.put(AuditPackageVerifier.CERTIFICATE, pem(manifestCertificate).getBytes(StandardCharsets.US_ASCII));
            z.put(AuditPackageVerifier.KEY_CHAIN, json(keyChain(tree, size, root)));
            z.put("verification-report.json", json(report));
            for (Map.Entry<String, byte[]> f : extraFiles.entrySet()) {
                z.put(f.getKey(), f.getValue());
            }
            if (images != null) {
                Set<String> written = new HashSet<>();
                for (AuditRecordViews.Inspection r : inspections) {
                    for (String sha : new String[] {r.imageSha256(), r.annotatedSha256()}) {
                        if (sha == null || !written.add(sha)) {
                            continue;
                        }
                        var img = images.get(sha);
                        if (img.isPresent()) {
                            z.put(ImageEntryNames.name(sha, img.get()), img.get());
                            imageCount++;
                        } else {
                            missing++;
                        }
                    }
                }
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("format", FORMAT);
            info.put("selection", description);
            info.put("createdAt", now.toString());
            info.put("createdBy", createdBy);
            info.put("inspections", inspections.size());
            info.put("dispositions", signatures.size());
            info.put("images", imageCount);
            info.put("imagesMissing", missing);
            info.put("headTreeSize", head.treeSize());
            info.put("headRoot", head.rootHash());
            info.put("keyId", head.keyId());
            z.put(
                    "summary.pdf",
                    AuditSummaryPdf.render(new AuditSummaryPdf.Summary(
                            description,
                            now.toString(),
                            createdBy,
                            imageCount,
                            missing,
                            head,
                            report.ok(),
                            report.summary(),
                            signatures,
                            inspections)));
            // the records this package claims: the verifier finds any of them dropped from records.json
            Map<String, Object> claimed = new LinkedHashMap<>();
            claimed.put("count", inspectionSeqs.size() + dispositionSeqs.size() + others.size());
            claimed.put("inspectionSeqs", inspectionSeqs);
            claimed.put("dispositionSeqs", dispositionSeqs);
            if (!others.isEmpty()) {
                claimed.put("otherRecords", others); // {seq, type}: e.g. a non-conformance's NCR_* records
            }
            info.put("records", claimed);
            info.put("files", new LinkedHashMap<>(sums));
            byte[] manifest = json(info);
            z.put(AuditPackageVerifier.MANIFEST, manifest);
            ManifestSignature signature = ManifestSignature.sign(ledger.signer(), manifest);
            if (!signature.keyId().equals(KeystoreTreeHeadSigner.keyIdOf(manifestCertificate.getPublicKey()))) {
                throw new IllegalStateException("the ledger key was rotated while the audit package for " + description
                        + " was built: build it again");
            }
            z.put(ManifestSignature.FILE, json(signature));
            bytes = z.written();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit package for " + description, e);
        }
        LOG.info(
                "Audit package for {} by {}: {} inspections, {} dispositions, {} images ({} missing), head {}, "
                        + "manifest signed with key {}, {} bytes before compression",
                description,
                createdBy,
                inspections.size(),
                signatures.size(),
                imageCount,
                missing,
                head.treeSize(),
                ledger.signer().keyId(),
                bytes);
    }

    /** A record as the package holds it: its exact entry, leaf hash and inclusion proof in the head of this size. */
    private static Map<String, Object> proven(LeafRow leaf, StoredTree tree, long size, String root) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("seq", leaf.seq());
        rec.put("recordType", leaf.type());
        rec.put("recordId", leaf.recordId());
        rec.put("leafHash", leaf.leafHash());
        rec.put("entry", leaf.entry());
        rec.put(
                "inclusionProof",
                Map.of(
                        "treeSize",
                        size,
                        "rootHash",
                        root,
                        "auditPath",
                        tree.inclusionProof(leaf.seq(), size).path().stream()
                                .map(MerkleHash::hex)
                                .toList()));
        return rec;
    }

    /**
     * The keys from the first one to the one that signs the manifest: every certificate of the keystore (key id to
     * base64 DER) and every KEY_ROTATION record under the head, proven in it. The verifier walks the rotations from
     * the certificate it trusts to the manifest's key and checks the head with whichever key of the chain signed it.
     */
    private Map<String, Object> keyChain(StoredTree tree, long size, String root) {
        Map<String, String> certificates = new LinkedHashMap<>();
        for (X509Certificate c : ledger.signer().certificateHistory()) {
            certificates.put(KeystoreTreeHeadSigner.keyIdOf(c.getPublicKey()), base64(c));
        }
        List<Map<String, Object>> rotations = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT seq FROM ledger_leaf WHERE record_type = ? AND seq < ? ORDER BY seq")) {
            ps.setString(1, KeyRotation.RECORD_TYPE);
            ps.setLong(2, size);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    rotations.add(proven(ledger.reader().leaves(seq, seq + 1).get(0), tree, size, root));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read the key rotation records: " + e.getMessage(), e);
        }
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("certificates", certificates);
        chain.put("rotations", rotations);
        return chain;
    }

    private static String base64(X509Certificate c) {
        try {
            return Base64.getEncoder().encodeToString(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new LedgerException(
                    "cannot encode the certificate of key " + KeystoreTreeHeadSigner.keyIdOf(c.getPublicKey()) + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new LedgerException("cannot encode the ledger certificate: " + e.getMessage(), e);
        }
    }

    /** A zip writer that keeps the SHA-256 of every file for the manifest. */
    private static final class CountingZip implements AutoCloseable {
        private final ZipOutputStream z;
        private final Map<String, String> sums;
        private long written;

        CountingZip(OutputStream out, Map<String, String> sums) {
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

    private List<Selected> select(AuditSelection sel) {
        StringBuilder sql = new StringBuilder("SELECT ledger_seq, id, batch FROM inspection WHERE 1=1");
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
        List<Selected> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Selected(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot select inspections for " + sel.describe() + ": " + e.getMessage(), e);
        }
        if (out.size() > MAX_RECORDS) {
            throw new IllegalArgumentException(
                    sel.describe() + " selects more than " + MAX_RECORDS + " inspections: narrow the time range");
        }
        return out;
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
