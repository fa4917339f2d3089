package io.visionhub.ledger.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.images.FileImageStore;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.InspectionRecord;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.JdbcLedgerReader.LeafRow;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.verify.Finding.Kind;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Verifies the ledger as stored: recomputes every leaf from its canonical entry, checks the sequence and the
 * tables written with each record, re-hashes the images, recomputes the tree at every signed head, checks
 * each head's Ed25519 signature and that the heads published outside the database (heads file) match the
 * log. Names the first record that was altered, deleted, inserted or reordered, a truncated tail, a swapped
 * image, or the range a rewrite with recomputed hashes touched.
 */
public class LedgerVerifier {

    private static final int CHUNK = 5_000;
    private final JdbcLedgerReader reader;
    private final PublicKey publicKey;
    private final Supplier<List<SignedTreeHead>> publishedHeads;
    private final ImageStore images;
    private final Clock clock;

    /**
     * @param publishedHeads heads held outside the database (the heads file, an MQTT archive, an audit package)
     * @param images         image store to re-hash images in, or null to skip images
     */
    public LedgerVerifier(JdbcLedgerReader reader, PublicKey publicKey, Supplier<List<SignedTreeHead>> publishedHeads,
                          ImageStore images, Clock clock) {
        this.reader = reader;
        this.publicKey = publicKey;
        this.publishedHeads = publishedHeads;
        this.images = images;
        this.clock = clock;
    }

    public VerificationReport verify() {
        List<Finding> findings = new ArrayList<>();
        MerkleFrontier tree = new MerkleFrontier();
        Map<Long, byte[]> rootsAt = new HashMap<>();
        TreeMap<Long, SignedTreeHead> heads = collectHeads(findings);
        long expected = 0;
        long images = 0;
        boolean orderBroken = false;
        while (true) {
            List<LeafRow> rows = reader.leaves(expected, Long.MAX_VALUE, CHUNK);
            if (rows.isEmpty()) {
                break;
            }
            long last = rows.get(rows.size() - 1).seq();
            Map<Long, Map<String, Object>> inspections = inspectionsBetween(rows.get(0).seq(), last + 1);
            for (LeafRow row : rows) {
                if (row.seq() != expected) {
                    findings.add(new Finding(Kind.DELETED, expected, null, "records " + expected + ".." + (row.seq() - 1)
                            + " are missing from ledger_leaf (the next record is " + row.seq() + ")"));
                    expected = row.seq();
                    orderBroken = true;
                }
                byte[] recomputed = MerkleHash.leaf(row.entry().getBytes(StandardCharsets.UTF_8));
                JsonNode entry = parse(row, findings);
                if (!MerkleHash.hex(recomputed).equals(row.leafHash())) {
                    findings.add(new Finding(Kind.ALTERED, row.seq(), row.recordId(), "the stored entry does not hash "
                            + "to the stored leaf hash: the record was changed after it was written"));
                }
                if (entry != null) {
                    long entrySeq = entry.path("seq").asLong(-1);
                    if (entrySeq != row.seq() && !orderBroken) {
                        findings.add(sequenceFinding(row, entrySeq));
                        orderBroken = true;
                    }
                    if (!Objects.equals(entry.path("recordId").asText(null), row.recordId())) {
                        findings.add(new Finding(Kind.ALTERED, row.seq(), row.recordId(), "record_id column says "
                                + row.recordId() + " but the entry is about " + entry.path("recordId").asText()));
                    }
                    if (InspectionRecord.TYPE.equals(entry.path("type").asText())) {
                        images += checkInspection(row, entry, inspections.remove(row.seq()), findings);
                    } else if (DispositionService.TYPE.equals(entry.path("type").asText())) {
                        checkDisposition(row, entry, findings);
                    }
                }
                tree.append(recomputed);
                if (heads.containsKey(tree.size())) {
                    rootsAt.put(tree.size(), tree.root());
                }
                expected++;
            }
            for (Map.Entry<Long, Map<String, Object>> orphan : inspections.entrySet()) {
                findings.add(new Finding(Kind.INSERTED, orphan.getKey(), (String) orphan.getValue().get("id"),
                        "inspection row claims ledger seq " + orphan.getKey() + " but that record is not an "
                                + "inspection of this id"));
            }
        }
        long records = tree.size();
        orphanInspections(records, findings);
        SignedTreeHead latest = null;
        long coveredTo = 0;
        for (SignedTreeHead h : heads.values()) {
            if (h.treeSize() > records) {
                findings.add(new Finding(Kind.TRUNCATED, records, null, "signed head of " + h.signedAt() + " covers "
                        + h.treeSize() + " records but the log holds " + records + ": records " + records + ".."
                        + (h.treeSize() - 1) + " were cut off"));
                break;
            }
            String actual = MerkleHash.hex(rootsAt.get(h.treeSize()));
            if (!actual.equals(h.rootHash())) {
                long from = coveredTo;
                boolean explained = findings.stream().anyMatch(f -> f.seq() >= from && f.seq() < h.treeSize());
                if (!explained) findings.add(new Finding(Kind.REWRITTEN, from, null, "signed head at size " + h.treeSize() + " ("
                        + h.signedAt() + ") has root " + h.rootHash() + " but the log now gives " + actual
                        + ": a record in seq " + from + ".." + (h.treeSize() - 1) + " was changed, inserted, "
                        + "deleted or reordered and the hashes recomputed; the log verifies up to seq " + (from - 1)));
                break;
            }
            latest = h;
            coveredTo = h.treeSize();
        }
        findings.sort(java.util.Comparator.comparingLong(f -> f.seq() < 0 ? Long.MAX_VALUE : f.seq()));
        boolean ok = findings.isEmpty();
        String keyId = KeystoreTreeHeadSigner.keyIdOf(publicKey);
        String summary = summary(ok, records, heads.size(), latest, coveredTo, images, keyId, findings);
        return new VerificationReport(ok, clock.instant(), records, heads.size(), latest, coveredTo, images, keyId,
                List.copyOf(findings), summary);
    }

    private static String summary(boolean ok, long records, int heads, SignedTreeHead latest, long coveredTo,
                                  long images, String keyId, List<Finding> findings) {
        StringBuilder s = new StringBuilder();
        s.append("Checked ").append(records).append(" records (seq 0..").append(records - 1).append("): each entry "
                + "re-hashed, sequence and table rows compared; ").append(images).append(" images re-hashed; ")
                .append(heads).append(" signed heads checked against key ").append(keyId).append(". ");
        if (latest != null) {
            s.append("Records 0..").append(coveredTo - 1).append(" are covered by the signed head at size ")
                    .append(latest.treeSize()).append(" of ").append(latest.signedAt()).append(". ");
        }
        if (coveredTo < records) {
            s.append("Records ").append(coveredTo).append("..").append(records - 1)
                    .append(" are not yet covered by a signed head (checked by their own hashes only). ");
        }
        if (ok) {
            s.append("No problem found.");
        } else {
            s.append(findings.size()).append(" problem(s); first: ").append(findings.get(0));
        }
        return s.toString();
    }

    private Finding sequenceFinding(LeafRow row, long entrySeq) {
        long p = row.seq();
        if (entrySeq < 0) {
            return new Finding(Kind.ALTERED, p, row.recordId(), "entry has no sequence number");
        }
        if (entrySeq < p) {
            return new Finding(Kind.INSERTED, entrySeq, null, "records at seq " + entrySeq + ".." + (p - 1)
                    + " were inserted: seq " + p + " holds the record originally written as seq " + entrySeq);
        }
        // entrySeq > p: either the record p was moved (reordered) or records p..entrySeq-1 were deleted
        boolean laterHoldsP = reader.leaves(p + 1, Long.MAX_VALUE, CHUNK).stream()
                .map(r -> CanonicalJson.read(r.entry()).path("seq").asLong(-1)).anyMatch(s -> s == p);
        if (laterHoldsP) {
            return new Finding(Kind.REORDERED, p, row.recordId(), "seq " + p + " holds the record written as seq "
                    + entrySeq + ", and record " + p + " appears later: rows were reordered");
        }
        return new Finding(Kind.DELETED, p, null, "records " + p + ".." + (entrySeq - 1) + " were deleted and the "
                + "later records renumbered: seq " + p + " holds the record written as seq " + entrySeq);
    }

    private static JsonNode parse(LeafRow row, List<Finding> findings) {
        try {
            return CanonicalJson.read(row.entry());
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), row.recordId(), "entry is not JSON any more"));
            return null;
        }
    }

    private long checkInspection(LeafRow row, JsonNode entry, Map<String, Object> stored, List<Finding> findings) {
        JsonNode event = entry.path("body").path("event");
        String id = event.path("id").asText();
        if (stored == null) {
            findings.add(new Finding(Kind.DELETED, row.seq(), id, "inspection row of this record is missing from "
                    + "the inspection table"));
            return 0;
        }
        if (!id.equals(stored.get("id"))) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), id, "inspection row with ledger_seq " + row.seq()
                    + " has id " + stored.get("id")));
        }
        JsonNode storedEvent;
        try {
            storedEvent = CanonicalJson.read((String) stored.get("event_json"));
        } catch (IllegalArgumentException e) {
            storedEvent = null;
        }
        if (!event.equals(storedEvent)) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), id, "inspection.event_json differs from the recorded "
                    + "event"));
        }
        List<String> diffs = new ArrayList<>();
        compare(diffs, "result", event.path("result").asText(null), stored.get("result"));
        compare(diffs, "station", event.path("station").asText(null), stored.get("station"));
        compare(diffs, "image_sha256", event.path("image").path("sha256").asText(null), stored.get("image_sha256"));
        compare(diffs, "model_sha256", event.path("model").path("sha256").asText(null), stored.get("model_sha256"));
        compare(diffs, "production_order", event.path("context").path("productionOrder").asText(null),
                stored.get("production_order"));
        compare(diffs, "batch", event.path("context").path("batch").asText(null), stored.get("batch"));
        compare(diffs, "part_id", event.path("partId").asText(null), stored.get("part_id"));
        Object score = stored.get("anomaly_score");
        if (event.hasNonNull("anomalyScore") != (score != null) || (score != null
                && event.path("anomalyScore").asDouble() != ((Number) score).doubleValue())) {
            diffs.add("anomaly_score");
        }
        if (event.path("defects").size() != ((Number) stored.get("defect_count")).intValue()) {
            diffs.add("inspection_defect rows");
        }
        if (!diffs.isEmpty()) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), id, "inspection columns differ from the record: "
                    + String.join(", ", diffs)));
        }
        long checked = 0;
        if (images != null) {
            for (String field : new String[]{"sha256", "annotatedSha256"}) {
                String sha = event.path("image").path(field).asText(null);
                if (sha == null) {
                    continue;
                }
                checked++;
                var bytes = images.get(sha);
                if (bytes.isEmpty()) {
                    findings.add(new Finding(Kind.IMAGE_MISSING, row.seq(), id, "image " + sha + " is not in the "
                            + "image store"));
                } else if (!FileImageStore.sha256(bytes.get()).equals(sha)) {
                    findings.add(new Finding(Kind.IMAGE_SWAPPED, row.seq(), id, "image stored under " + sha
                            + " now hashes to " + FileImageStore.sha256(bytes.get()) + ": the image was replaced"));
                }
            }
        }
        return checked;
    }

    private void checkDisposition(LeafRow row, JsonNode entry, List<Finding> findings) {
        JsonNode manifest = entry.path("body").path("manifest");
        String expectedHash = MerkleHash.hex(MerkleHash.sha256(CanonicalJson.write(manifest)
                .getBytes(StandardCharsets.UTF_8)));
        if (!expectedHash.equals(entry.path("body").path("signatureHash").asText())) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), row.recordId(), "signature manifest does not match its "
                    + "signature hash"));
        }
        Map<String, Object> stored;
        try (Connection c = reader.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, disposition, reason, meaning, user_name, "
                     + "printed_name, target_hash, signature_hash FROM disposition WHERE ledger_seq = ?")) {
            ps.setLong(1, row.seq());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    findings.add(new Finding(Kind.DELETED, row.seq(), row.recordId(), "disposition row of this record "
                            + "is missing"));
                    return;
                }
                stored = new HashMap<>();
                for (int i = 1; i <= 8; i++) {
                    stored.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getString(i));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read disposition " + row.recordId() + ": " + e.getMessage(), e);
        }
        List<String> diffs = new ArrayList<>();
        compare(diffs, "id", manifest.path("dispositionId").asText(null), stored.get("id"));
        compare(diffs, "disposition", manifest.path("disposition").asText(null), stored.get("disposition"));
        compare(diffs, "reason", manifest.path("reason").asText(null), stored.get("reason"));
        compare(diffs, "meaning", manifest.path("meaning").asText(null), stored.get("meaning"));
        compare(diffs, "user_name", manifest.path("user").asText(null), stored.get("user_name"));
        compare(diffs, "printed_name", manifest.path("printedName").asText(null), stored.get("printed_name"));
        compare(diffs, "target_hash", manifest.path("targetHash").asText(null), stored.get("target_hash"));
        compare(diffs, "signature_hash", entry.path("body").path("signatureHash").asText(null),
                stored.get("signature_hash"));
        if (!diffs.isEmpty()) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), row.recordId(), "disposition columns differ from the "
                    + "signed record: " + String.join(", ", diffs)));
        }
    }

    private static void compare(List<String> diffs, String column, String expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            diffs.add(column);
        }
    }

    private Map<Long, Map<String, Object>> inspectionsBetween(long from, long to) {
        Map<Long, Map<String, Object>> out = new HashMap<>();
        try (Connection c = reader.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT i.ledger_seq, i.id, i.result, i.station, i.image_sha256, "
                     + "i.model_sha256, i.production_order, i.batch, i.part_id, i.anomaly_score, i.event_json, "
                     + "(SELECT COUNT(*) FROM inspection_defect d WHERE d.inspection_id = i.id) AS defect_count "
                     + "FROM inspection i WHERE i.ledger_seq >= ? AND i.ledger_seq < ?")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> m = new HashMap<>();
                    for (int i = 2; i <= n; i++) {
                        m.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
                    }
                    out.put(rs.getLong(1), m);
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read inspections " + from + ".." + to + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void orphanInspections(long records, List<Finding> findings) {
        try (Connection c = reader.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, ledger_seq FROM inspection WHERE ledger_seq >= ? "
                     + "OR ledger_seq < 0 ORDER BY ledger_seq")) {
            ps.setLong(1, records);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    findings.add(new Finding(Kind.INSERTED, rs.getLong(2), rs.getString(1), "inspection row has no "
                            + "ledger record (ledger_seq " + rs.getLong(2) + " is beyond the log)"));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read inspections: " + e.getMessage(), e);
        }
    }

    /** Heads from the database and from outside it, checked for signature and agreement, keyed by size. */
    private TreeMap<Long, SignedTreeHead> collectHeads(List<Finding> findings) {
        TreeMap<Long, SignedTreeHead> out = new TreeMap<>();
        List<SignedTreeHead> published = publishedHeads == null ? List.of() : publishedHeads.get();
        for (SignedTreeHead h : published) {
            if (!KeystoreTreeHeadSigner.verify(h, publicKey)) {
                findings.add(new Finding(Kind.BAD_SIGNATURE, -1, null, "published head at size " + h.treeSize()
                        + " does not verify with key " + KeystoreTreeHeadSigner.keyIdOf(publicKey)
                        + " (edited heads file, or a head from another key)"));
                continue;
            }
            out.put(h.treeSize(), h);
        }
        for (SignedTreeHead h : reader.heads()) {
            if (!KeystoreTreeHeadSigner.verify(h, publicKey)) {
                findings.add(new Finding(Kind.BAD_SIGNATURE, -1, null, "head in the database at size " + h.treeSize()
                        + " (key id " + h.keyId() + ") does not verify with the hub's key "
                        + KeystoreTreeHeadSigner.keyIdOf(publicKey) + ": heads were forged or re-signed"));
                continue;
            }
            SignedTreeHead pub = out.get(h.treeSize());
            if (pub != null && !pub.rootHash().equals(h.rootHash())) {
                findings.add(new Finding(Kind.BAD_SIGNATURE, -1, null, "two validly signed heads at size "
                        + h.treeSize() + " disagree (database " + h.rootHash() + ", published " + pub.rootHash() + ")"));
            }
            out.putIfAbsent(h.treeSize(), h);
        }
        return out;
    }
}
