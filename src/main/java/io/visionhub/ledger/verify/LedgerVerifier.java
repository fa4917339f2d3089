package io.visionhub.ledger.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.images.FileImageStore;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.InspectionRecord;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.JdbcLedgerReader.LeafRow;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.StoredTree;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.RecordMac;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import io.visionhub.ledger.store.ImageKey;
import io.visionhub.ledger.verify.Finding.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Verifies the ledger as stored: recomputes every leaf from its canonical entry, checks the sequence and the
 * tables written with each record, re-hashes the images, recomputes the tree at every signed head, checks
 * each head's Ed25519 signature and that the heads published outside the database (heads file) match the
 * log. Names the first record that was altered, deleted, inserted or reordered, a truncated tail, a swapped
 * image, or the range a rewrite with recomputed hashes touched.
 * <p>
 * Authenticity: each record's MAC is checked with the record-MAC secret when given (the hub's keystore); without it
 * a record lacking a MAC after records that carry one is still named. A record without a MAC must lie under a
 * verified signed head (records written before Flyway V6). A log with records and no head signed by the expected key
 * (the pinned certificate, or the keystore's key) fails, unless every record's MAC was verified (a young log before
 * its first head). Heads in the database with the heads file gone are reported.
 */
public class LedgerVerifier {

    private static final int CHUNK = 5_000;
    private final JdbcLedgerReader reader;
    /** keys trusted from the start (the pinned certificate, or the hub's keystore with its earlier keys) */
    private final List<PublicKey> anchors;

    private final Supplier<List<SignedTreeHead>> publishedHeads;
    private final ImageStore images;
    private final Clock clock;
    private final RecordMac recordMac;
    private final Path headsFile;

    /**
     * @param publishedHeads heads held outside the database (the heads file, an MQTT archive, an audit package)
     * @param images         image store to re-hash images in, or null to skip images
     */
    public LedgerVerifier(
            JdbcLedgerReader reader,
            PublicKey publicKey,
            Supplier<List<SignedTreeHead>> publishedHeads,
            ImageStore images,
            Clock clock) {
        this(reader, List.of(publicKey), publishedHeads, images, clock, null, null);
    }

    /**
     * @param recordMac the record-MAC secret (from the hub's keystore), or null: MACs are then not checked, only their
     *                  presence
     * @param headsFile the heads file publishedHeads reads, or null: its absence is then not reported
     */
    public LedgerVerifier(
            JdbcLedgerReader reader,
            List<PublicKey> trustedKeys,
            Supplier<List<SignedTreeHead>> publishedHeads,
            ImageStore images,
            Clock clock,
            RecordMac recordMac,
            Path headsFile) {
        if (trustedKeys == null || trustedKeys.isEmpty()) {
            throw new IllegalArgumentException(
                    "the verifier needs the key (certificate) the heads are checked against");
        }
        this.reader = reader;
        this.anchors = List.copyOf(trustedKeys);
        this.publishedHeads = publishedHeads;
        this.images = images;
        this.clock = clock;
        this.recordMac = recordMac;
        this.headsFile = headsFile;
    }

    /** Verifies the whole log, every record from seq 0. */
    public VerificationReport verify() {
        return verify(null);
    }

    /**
     * Verifies only what was added since a head verified before (kept by the auditor, e.g. the ledger command's
     * {@code --since} file): the stored tree must still give that head's root at its size (its right edge, O(log n)
     * stored nodes), and each record after it is checked as {@link #verify()} checks every record (entry hash,
     * sequence, rows, images, record MAC, stored nodes), the heads signed since then against their roots, and the
     * consistency proof from the verified head to the latest one. Records below the verified head are not read
     * again: its signature and the consistency proofs are what show they are unchanged.
     *
     * @param verified a head this verifier's keys signed and that an earlier verification found good
     */
    public VerificationReport verifySince(SignedTreeHead verified) {
        if (verified == null || verified.treeSize() == 0) {
            return verify(null);
        }
        return verify(verified);
    }

    private VerificationReport verify(SignedTreeHead since) {
        List<Finding> findings = new ArrayList<>();
        long start = since == null ? 0 : since.treeSize();
        MerkleFrontier tree = new MerkleFrontier();
        Map<Long, byte[]> rootsAt = new HashMap<>();
        List<SignedTreeHead> published = publishedHeads == null ? List.of() : publishedHeads.get();
        List<SignedTreeHead> stored = reader.heads();
        StoredTree storedTree = new StoredTree(reader.dataSource());
        if (since != null) {
            published = published.stream().filter(h -> h.treeSize() >= start).toList();
            stored = stored.stream().filter(h -> h.treeSize() >= start).toList();
            if (anchors.stream().noneMatch(k -> KeystoreTreeHeadSigner.verify(since, k))) {
                findings.add(new Finding(
                        Kind.BAD_SIGNATURE,
                        -1,
                        null,
                        "the head verified before (size " + since.treeSize() + ") does not verify with key "
                                + anchors.stream()
                                        .map(KeystoreTreeHeadSigner::keyIdOf)
                                        .toList()
                                + ": the checkpoint was edited; verify the whole log"));
                return incomplete(findings, since);
            }
            try {
                tree = MerkleFrontier.ofEdge(storedTree.edge(start), start);
            } catch (RuntimeException e) {
                tree = null;
            }
            if (tree == null || !MerkleHash.hex(tree.root()).equals(since.rootHash())) {
                findings.add(new Finding(
                        Kind.REWRITTEN,
                        -1,
                        null,
                        "the stored tree no longer gives the root of the head verified before (size " + start + ", "
                                + since.rootHash() + "): records 0.." + (start - 1) + " or their Merkle nodes were "
                                + "changed since; verify the whole log to locate it"));
                return incomplete(findings, since);
            }
            rootsAt.put(start, tree.root());
        }
        Set<Long> headSizes = new HashSet<>();
        published.forEach(h -> headSizes.add(h.treeSize()));
        stored.forEach(h -> headSizes.add(h.treeSize()));
        Map<String, TrustedKey> trusted = new LinkedHashMap<>();
        for (PublicKey k : anchors) {
            trusted.put(KeystoreTreeHeadSigner.keyIdOf(k), new TrustedKey(k, 0));
        }
        long expected = start;
        long images = 0;
        boolean orderBroken = false;
        boolean seenMac =
                since != null && reader.leaves(start - 1, start).stream().anyMatch(r -> r.mac() != null);
        long macsVerified = 0;
        long legacyEnd = 0; // records 0..legacyEnd-1 carry no MAC (written before V6)
        // images not in the store, told apart at the end: pruned by policy (a later IMAGES_PRUNED record names
        // them) or missing
        List<MissingImage> missingImages = new ArrayList<>();
        Map<String, Long> prunedBy = new HashMap<>();
        // the stored Merkle nodes (ledger_node, which proofs are read from) against the tree of the stored leaf hashes
        NodeCheck nodes = new NodeCheck(tree.copy());
        while (true) {
            List<LeafRow> rows = reader.leaves(expected, Long.MAX_VALUE, CHUNK);
            if (rows.isEmpty()) {
                break;
            }
            long last = rows.get(rows.size() - 1).seq();
            Map<Long, Map<String, Object>> inspections =
                    inspectionsBetween(rows.get(0).seq(), last + 1);
            for (LeafRow row : rows) {
                if (row.seq() != expected) {
                    findings.add(new Finding(
                            Kind.DELETED,
                            expected,
                            null,
                            "records " + expected + ".." + (row.seq() - 1)
                                    + " are missing from ledger_leaf (the next record is " + row.seq() + ")"));
                    expected = row.seq();
                    orderBroken = true;
                }
                byte[] recomputed = MerkleHash.leaf(row.entry().getBytes(StandardCharsets.UTF_8));
                JsonNode entry = parse(row, findings);
                if (!MerkleHash.hex(recomputed).equals(row.leafHash())) {
                    findings.add(new Finding(
                            Kind.ALTERED,
                            row.seq(),
                            row.recordId(),
                            "the stored entry does not hash "
                                    + "to the stored leaf hash: the record was changed after it was written"));
                }
                long entrySeq = entry == null ? -1 : entry.path("seq").asLong(-1);
                if (entry != null) {
                    if (entrySeq != row.seq() && !orderBroken) {
                        findings.add(sequenceFinding(row, entrySeq));
                        orderBroken = true;
                    }
                    if (!Objects.equals(entry.path("recordId").asText(null), row.recordId())) {
                        findings.add(new Finding(
                                Kind.ALTERED,
                                row.seq(),
                                row.recordId(),
                                "record_id column says " + row.recordId() + " but the entry is about "
                                        + entry.path("recordId").asText()));
                    }
                    if (InspectionRecord.TYPE.equals(entry.path("type").asText())) {
                        images += checkInspection(row, entry, inspections.remove(row.seq()), findings, missingImages);
                    } else if (PRUNED_TYPE.equals(entry.path("type").asText())) {
                        for (JsonNode img : entry.path("body").path("images")) {
                            prunedBy.putIfAbsent(img.path("sha256").asText(), row.seq());
                        }
                    } else if (DispositionService.TYPE.equals(entry.path("type").asText())) {
                        checkDisposition(row, entry, findings);
                    }
                }
                if (row.mac() == null) {
                    if (seenMac) {
                        findings.add(new Finding(
                                Kind.FORGED,
                                row.seq(),
                                row.recordId(),
                                "record has no record MAC "
                                        + "although earlier records carry one: it was not written by the hub"));
                    } else {
                        legacyEnd = row.seq() + 1;
                    }
                } else {
                    seenMac = true;
                    if (recordMac != null) {
                        // a record moved to another seq keeps the MAC of the seq it was written at (the sequence
                        // finding names the move); any other mismatch means someone without the secret wrote it
                        if (recordMac.verify(row.seq(), row.leafHash(), row.mac())
                                || (entrySeq >= 0
                                        && entrySeq != row.seq()
                                        && recordMac.verify(entrySeq, row.leafHash(), row.mac()))) {
                            macsVerified++;
                        } else {
                            findings.add(new Finding(
                                    Kind.FORGED,
                                    row.seq(),
                                    row.recordId(),
                                    "record MAC does not "
                                            + "verify with the hub's record-MAC secret: the record (or its leaf hash) was not "
                                            + "written by the hub"));
                        }
                    }
                }
                tree.append(recomputed);
                nodes.leaf(row, orderBroken);
                if (entry != null
                        && KeyRotation.RECORD_TYPE.equals(entry.path("type").asText())) {
                    followRotation(row, entry, trusted, findings);
                }
                if (headSizes.contains(tree.size())) {
                    rootsAt.put(tree.size(), tree.root());
                }
                expected++;
            }
            nodes.compare();
            for (Map.Entry<Long, Map<String, Object>> orphan : inspections.entrySet()) {
                findings.add(new Finding(
                        Kind.INSERTED,
                        orphan.getKey(),
                        (String) orphan.getValue().get("id"),
                        "inspection row claims ledger seq " + orphan.getKey() + " but that record is not an "
                                + "inspection of this id"));
            }
        }
        long records = tree.size();
        TreeMap<Long, Long> prunedPerRecord = new TreeMap<>();
        for (MissingImage missing : missingImages) {
            Long by = prunedBy.get(missing.imageSha());
            if (by != null && by > missing.finding().seq()) {
                prunedPerRecord.merge(by, 1L, Long::sum); // pruned by policy (record seq by): not a problem
                images--;
            } else {
                findings.add(missing.finding());
            }
        }
        orphanInspections(records, findings);
        TreeMap<Long, SignedTreeHead> heads = checkHeads(published, stored, trusted, findings);
        SignedTreeHead latest = since;
        long coveredTo = start;
        for (SignedTreeHead h : heads.values()) {
            if (h.treeSize() > records) {
                findings.add(new Finding(
                        Kind.TRUNCATED,
                        records,
                        null,
                        "signed head of " + h.signedAt() + " covers "
                                + h.treeSize() + " records but the log holds " + records + ": records " + records + ".."
                                + (h.treeSize() - 1) + " were cut off"));
                break;
            }
            String actual = MerkleHash.hex(rootsAt.get(h.treeSize()));
            if (!actual.equals(h.rootHash())) {
                long from = coveredTo;
                boolean explained = findings.stream().anyMatch(f -> f.seq() >= from && f.seq() < h.treeSize());
                if (!explained)
                    findings.add(new Finding(
                            Kind.REWRITTEN,
                            from,
                            null,
                            "signed head at size " + h.treeSize() + " ("
                                    + h.signedAt() + ") has root " + h.rootHash() + " but the log now gives " + actual
                                    + ": a record in seq " + from + ".." + (h.treeSize() - 1)
                                    + " was changed, inserted, "
                                    + "deleted or reordered and the hashes recomputed; the log verifies up to seq "
                                    + (from - 1)));
                break;
            }
            latest = h;
            coveredTo = h.treeSize();
        }
        if (legacyEnd > coveredTo) {
            findings.add(
                    new Finding(
                            Kind.FORGED,
                            coveredTo,
                            null,
                            "records " + coveredTo + ".." + (legacyEnd - 1)
                                    + " carry no record MAC and no verified signed head covers them: nothing shows the hub wrote them"));
        }
        for (Finding f : nodes.findings) {
            // a node over records already named (altered, forged, rewritten ...) says nothing more
            long first = f.seq();
            long end = first + nodes.span(f);
            if (findings.stream().noneMatch(o -> o.seq() >= first && o.seq() < end)) {
                findings.add(f);
            }
        }
        String keyId = String.join(", ", trusted.keySet());
        boolean everyMacVerified = recordMac != null && macsVerified == records - start;
        if (records > 0 && heads.isEmpty() && since == null && !everyMacVerified) {
            findings.add(new Finding(
                    Kind.NO_SIGNED_HEAD,
                    0,
                    null,
                    "the log holds " + records + " records but no head "
                            + "signed by key " + keyId
                            + ": the heads were removed (and the log perhaps rewritten), or they were "
                            + "signed by another key; nothing shows these records are the hub's"));
        }
        if (since != null && latest != null && latest.treeSize() > start) {
            // what the auditor checks between two heads: the consistency proof from the stored tree
            StoredTree.Proof p = storedTree.consistencyProof(start, latest.treeSize());
            if (!MerkleTree.verifyConsistency(
                    start,
                    latest.treeSize(),
                    MerkleHash.unhex(since.rootHash()),
                    MerkleHash.unhex(latest.rootHash()),
                    p.path())) {
                findings.add(new Finding(
                        Kind.REWRITTEN,
                        start,
                        null,
                        "no consistency proof from the head verified before (size " + start + ") to the head at size "
                                + latest.treeSize() + " verifies: the stored tree was changed"));
            }
        }
        if (headsFile != null && !Files.exists(headsFile) && !reader.heads().isEmpty()) {
            findings.add(new Finding(
                    Kind.HEADS_FILE_MISSING,
                    -1,
                    null,
                    "the database holds signed heads but the heads "
                            + "file " + headsFile.toAbsolutePath()
                            + " is gone: restore it from its copy (heads outside the "
                            + "database are what shows a rewrite of it)"));
        }
        // in log order; at one seq the finding about the log's structure (inserted, deleted ...) before its MAC's
        findings.sort(Comparator.<Finding>comparingLong(f -> f.seq() < 0 ? Long.MAX_VALUE : f.seq())
                .thenComparing(Finding::kind));
        boolean ok = findings.isEmpty();
        String macs = recordMac != null
                ? "Record MACs: " + macsVerified + " verified with the keystore's secret"
                        + (legacyEnd > 0 ? ", records 0.." + (legacyEnd - 1) + " written before record MACs. " : ". ")
                : "Record MACs not checked (no keystore given: a record not covered by a signed head is authenticated "
                        + "by nothing; verify with the keystore to check them). ";
        macs += "Merkle nodes: " + nodes.checked + " stored subtree roots checked against the stored leaf hashes. ";
        String pruned = prunedPerRecord.isEmpty()
                ? ""
                : prunedPerRecord.values().stream().mapToLong(Long::longValue).sum()
                        + " images pruned by policy (record seq "
                        + prunedPerRecord.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + "; they are listed there, not missing). ";
        String summary =
                summary(start, ok, records, heads.size(), latest, coveredTo, images, keyId, macs + pruned, findings);
        if (since != null) {
            summary = "Incremental from the head verified before at size " + start + " (" + since.rootHash()
                    + "): records " + start + ".." + (records - 1) + " checked, records 0.." + (start - 1)
                    + " proven unchanged by the stored tree's root and the consistency proof. " + summary;
        }
        return new VerificationReport(
                ok,
                clock.instant(),
                records,
                heads.size(),
                latest,
                coveredTo,
                images,
                keyId,
                List.copyOf(findings),
                summary);
    }

    /**
     * Recomputes the subtree roots the writer stores (StoredTree) from the stored leaf hashes and compares each chunk's
     * with {@code ledger_node}: a changed node would make proofs that fail against the signed heads.
     */
    private final class NodeCheck {
        private final MerkleFrontier storedLeaves;
        private final List<long[]> pending = new ArrayList<>();
        private final List<byte[]> pendingHashes = new ArrayList<>();
        private final List<Finding> findings = new ArrayList<>();
        private final Map<Finding, Integer> heights = new HashMap<>();
        private boolean stopped;
        long checked;

        NodeCheck(MerkleFrontier from) {
            storedLeaves = from;
        }

        void leaf(LeafRow row, boolean orderBroken) {
            if (stopped || orderBroken) {
                stopped = true; // past a gap the positions mean nothing: the gap is the finding
                return;
            }
            byte[] leaf;
            try {
                leaf = MerkleHash.unhex(row.leafHash());
            } catch (RuntimeException e) {
                stopped = true;
                return;
            }
            storedLeaves.append(leaf, (height, index, hash) -> {
                if (StoredTree.stored(height)) {
                    pending.add(new long[] {height, index});
                    pendingHashes.add(hash);
                }
            });
        }

        void compare() {
            Map<Integer, long[]> ranges = new TreeMap<>();
            for (long[] n : pending) {
                ranges.merge((int) n[0], new long[] {n[1], n[1]}, (a, b) ->
                        new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
            Map<Integer, Map<Long, byte[]>> stored = new HashMap<>();
            ranges.forEach((h, r) -> stored.put(h, reader.nodes(h, r[0], r[1])));
            for (int i = 0; i < pending.size(); i++) {
                int height = (int) pending.get(i)[0];
                long index = pending.get(i)[1];
                byte[] s = stored.get(height).get(index);
                if (s == null) {
                    continue; // not stored (a log damaged before the V12 backfill): proofs compute it from leaves
                }
                checked++;
                if (!Arrays.equals(s, pendingHashes.get(i))) {
                    long first = index << height;
                    Finding f = new Finding(
                            Kind.ALTERED,
                            first,
                            null,
                            "ledger_node height " + height + " index " + index + " (the subtree over seq " + first
                                    + ".." + (first + (1L << height) - 1) + ") holds " + MerkleHash.hex(s)
                                    + " but the stored leaf hashes give " + MerkleHash.hex(pendingHashes.get(i))
                                    + ": the stored tree was changed, proofs read from it would not verify against the "
                                    + "signed heads");
                    findings.add(f);
                    heights.put(f, height);
                }
            }
            pending.clear();
            pendingHashes.clear();
        }

        long span(Finding f) {
            return 1L << heights.get(f);
        }
    }

    /** A report that stops at a checkpoint that does not hold: nothing after it can be trusted from it. */
    private VerificationReport incomplete(List<Finding> findings, SignedTreeHead since) {
        String keyId = anchors.stream().map(KeystoreTreeHeadSigner::keyIdOf).collect(Collectors.joining(", "));
        return new VerificationReport(
                false,
                clock.instant(),
                reader.size(),
                0,
                null,
                0,
                0,
                keyId,
                List.copyOf(findings),
                "LEDGER FAILED incremental verification from the head at size " + since.treeSize() + ": "
                        + findings.get(0));
    }

    private static String summary(
            long start,
            boolean ok,
            long records,
            int heads,
            SignedTreeHead latest,
            long coveredTo,
            long images,
            String keyId,
            String macs,
            List<Finding> findings) {
        StringBuilder s = new StringBuilder();
        s.append("Checked ")
                .append(records - start)
                .append(" records (seq ")
                .append(start)
                .append("..")
                .append(records - 1)
                .append("): each entry " + "re-hashed, sequence and table rows compared; ")
                .append(images)
                .append(" images re-hashed; ")
                .append(heads)
                .append(" signed heads checked against key ")
                .append(keyId)
                .append(". ");
        if (latest != null) {
            s.append("Records 0..")
                    .append(coveredTo - 1)
                    .append(" are covered by the signed head at size ")
                    .append(latest.treeSize())
                    .append(" of ")
                    .append(latest.signedAt())
                    .append(". ");
        }
        if (coveredTo < records) {
            s.append("Records ")
                    .append(coveredTo)
                    .append("..")
                    .append(records - 1)
                    .append(" are not yet covered by a signed head (checked by their own hashes only). ");
        }
        s.append(macs);
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
            return new Finding(
                    Kind.INSERTED,
                    entrySeq,
                    null,
                    "records at seq " + entrySeq + ".." + (p - 1) + " were inserted: seq " + p
                            + " holds the record originally written as seq " + entrySeq);
        }
        // entrySeq > p: either the record p was moved (reordered) or records p..entrySeq-1 were deleted
        boolean laterHoldsP = reader.leaves(p + 1, Long.MAX_VALUE, CHUNK).stream()
                .map(r -> CanonicalJson.read(r.entry()).path("seq").asLong(-1))
                .anyMatch(s -> s == p);
        if (laterHoldsP) {
            return new Finding(
                    Kind.REORDERED,
                    p,
                    row.recordId(),
                    "seq " + p + " holds the record written as seq " + entrySeq + ", and record " + p
                            + " appears later: rows were reordered");
        }
        return new Finding(
                Kind.DELETED,
                p,
                null,
                "records " + p + ".." + (entrySeq - 1) + " were deleted and the " + "later records renumbered: seq " + p
                        + " holds the record written as seq " + entrySeq);
    }

    private static JsonNode parse(LeafRow row, List<Finding> findings) {
        try {
            return CanonicalJson.read(row.entry());
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), row.recordId(), "entry is not JSON any more"));
            return null;
        }
    }

    /** Record type of the retention pruner (io.visionhub.images.retention.ImagePruner): images removed by policy. */
    public static final String PRUNED_TYPE = "IMAGES_PRUNED";

    /** An image not in the store, and its hash, until the pruning records are known. */
    private record MissingImage(String imageSha, Finding finding) {}

    private long checkInspection(
            LeafRow row,
            JsonNode entry,
            Map<String, Object> stored,
            List<Finding> findings,
            List<MissingImage> missingImages) {
        JsonNode event = entry.path("body").path("event");
        String id = event.path("id").asText();
        if (stored == null) {
            findings.add(new Finding(
                    Kind.DELETED,
                    row.seq(),
                    id,
                    "inspection row of this record is missing from " + "the inspection table"));
            return 0;
        }
        if (!id.equals(stored.get("id"))) {
            findings.add(new Finding(
                    Kind.ALTERED,
                    row.seq(),
                    id,
                    "inspection row with ledger_seq " + row.seq() + " has id " + stored.get("id")));
        }
        // since Flyway V13 the event lives only in the ledger entry (event_json NULL); a copy that is there must match
        JsonNode storedEvent;
        Object storedJson = stored.get("event_json");
        try {
            storedEvent = storedJson == null ? event : CanonicalJson.read((String) storedJson);
        } catch (IllegalArgumentException e) {
            storedEvent = null;
        }
        if (!event.equals(storedEvent)) {
            findings.add(new Finding(
                    Kind.ALTERED, row.seq(), id, "inspection.event_json differs from the recorded " + "event"));
        }
        List<String> diffs = new ArrayList<>();
        compare(diffs, "result", event.path("result").asText(null), stored.get("result"));
        compare(diffs, "station", event.path("station").asText(null), stored.get("station"));
        String frame = event.path("image").path("sha256").asText(null);
        String annotated = event.path("image").path("annotatedSha256").asText(null);
        compare(diffs, "image_sha256", frame, stored.get("image_sha256"));
        compare(diffs, "annotated_sha256", annotated, stored.get("annotated_sha256"));
        // the keys the image pruner finds an image's inspections by (V73): a wrong one would hide a reference
        compare(diffs, "image_key", ImageKey.of(frame), stored.get("image_key"));
        compare(diffs, "annotated_key", ImageKey.of(annotated), stored.get("annotated_key"));
        compare(diffs, "model_sha256", event.path("model").path("sha256").asText(null), stored.get("model_sha256"));
        compare(
                diffs,
                "production_order",
                event.path("context").path("productionOrder").asText(null),
                stored.get("production_order"));
        compare(diffs, "batch", event.path("context").path("batch").asText(null), stored.get("batch"));
        compare(diffs, "part_id", event.path("partId").asText(null), stored.get("part_id"));
        Object score = stored.get("anomaly_score");
        if (event.hasNonNull("anomalyScore") != (score != null)
                || (score != null && event.path("anomalyScore").asDouble() != ((Number) score).doubleValue())) {
            diffs.add("anomaly_score");
        }
        if (event.path("defects").size() != ((Number) stored.get("defect_count")).intValue()) {
            diffs.add("inspection_defect rows");
        }
        if (!diffs.isEmpty()) {
            findings.add(new Finding(
                    Kind.ALTERED,
                    row.seq(),
                    id,
                    "inspection columns differ from the record: " + String.join(", ", diffs)));
        }
        long checked = 0;
        if (images != null) {
            for (String field : new String[] {"sha256", "annotatedSha256"}) {
                String sha = event.path("image").path(field).asText(null);
                if (sha == null) {
                    continue;
                }
                checked++;
                var bytes = images.get(sha);
                if (bytes.isEmpty()) {
                    missingImages.add(new MissingImage(
                            sha,
                            new Finding(
                                    Kind.IMAGE_MISSING,
                                    row.seq(),
                                    id,
                                    "image "
                                            + sha
                                            + " is not in the image store, and no IMAGES_PRUNED record after this one names it: "
                                            + "it was deleted outside the retention policy")));
                } else if (!FileImageStore.sha256(bytes.get()).equals(sha)) {
                    findings.add(new Finding(
                            Kind.IMAGE_SWAPPED,
                            row.seq(),
                            id,
                            "image stored under " + sha + " now hashes to " + FileImageStore.sha256(bytes.get())
                                    + ": the image was replaced"));
                }
            }
        }
        return checked;
    }

    private void checkDisposition(LeafRow row, JsonNode entry, List<Finding> findings) {
        JsonNode manifest = entry.path("body").path("manifest");
        String expectedHash =
                MerkleHash.hex(MerkleHash.sha256(CanonicalJson.write(manifest).getBytes(StandardCharsets.UTF_8)));
        if (!expectedHash.equals(entry.path("body").path("signatureHash").asText())) {
            findings.add(new Finding(
                    Kind.ALTERED,
                    row.seq(),
                    row.recordId(),
                    "signature manifest does not match its " + "signature hash"));
        }
        Map<String, Object> stored;
        try (Connection c = reader.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id, disposition, reason, meaning, user_name, "
                        + "printed_name, target_hash, signature_hash FROM disposition WHERE ledger_seq = ?")) {
            ps.setLong(1, row.seq());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    findings.add(new Finding(
                            Kind.DELETED, row.seq(), row.recordId(), "disposition row of this record " + "is missing"));
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
        compare(
                diffs,
                "signature_hash",
                entry.path("body").path("signatureHash").asText(null),
                stored.get("signature_hash"));
        if (!diffs.isEmpty()) {
            findings.add(new Finding(
                    Kind.ALTERED,
                    row.seq(),
                    row.recordId(),
                    "disposition columns differ from the " + "signed record: " + String.join(", ", diffs)));
        }
    }

    private static void compare(List<String> diffs, String column, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            diffs.add(column);
        }
    }

    private Map<Long, Map<String, Object>> inspectionsBetween(long from, long to) {
        Map<Long, Map<String, Object>> out = new HashMap<>();
        try (Connection c = reader.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT i.ledger_seq, i.id, i.result, i.station, i.image_sha256, "
                                + "i.annotated_sha256, i.image_key, i.annotated_key, "
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
                    findings.add(new Finding(
                            Kind.INSERTED,
                            rs.getLong(2),
                            rs.getString(1),
                            "inspection row has no " + "ledger record (ledger_seq " + rs.getLong(2)
                                    + " is beyond the log)"));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read inspections: " + e.getMessage(), e);
        }
    }

    /** Heads from the database and from outside it, checked for signature and agreement, keyed by size. */
    /** A key heads may be signed with, for heads over more than fromSize records (after its rotation record). */
    private record TrustedKey(PublicKey key, long fromSize) {}

    /**
     * A KEY_ROTATION record: the new key is trusted for heads after this record when a key already trusted signed
     * the statement (so a trusted key vouches for the new one, never the other way round).
     */
    private static void followRotation(
            LeafRow row, JsonNode entry, Map<String, TrustedKey> trusted, List<Finding> findings) {
        KeyRotation r;
        try {
            r = CanonicalJson.mapper().treeToValue(entry.path("body").path("rotation"), KeyRotation.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            findings.add(new Finding(Kind.ALTERED, row.seq(), row.recordId(), "key rotation record is unreadable"));
            return;
        }
        TrustedKey previous = r == null ? null : trusted.get(r.previousKeyId());
        PublicKey next = r == null ? null : r.newPublicKey();
        if (previous == null || next == null || !r.signedBy(previous.key())) {
            findings.add(new Finding(
                    Kind.BAD_SIGNATURE,
                    row.seq(),
                    row.recordId(),
                    "key rotation to key "
                            + (r == null ? "?" : r.newKeyId()) + " is not signed by a trusted key (previous key "
                            + (r == null ? "?" : r.previousKeyId()) + "): heads of the new key are not trusted"));
            return;
        }
        trusted.putIfAbsent(r.newKeyId(), new TrustedKey(next, row.seq() + 1));
    }

    private static boolean signedByTrusted(SignedTreeHead h, Map<String, TrustedKey> trusted) {
        TrustedKey k = trusted.get(h.keyId());
        return k != null && h.treeSize() >= k.fromSize() && KeystoreTreeHeadSigner.verify(h, k.key());
    }

    /** Heads from the database and from outside it, checked for signature and agreement, keyed by size. */
    private static TreeMap<Long, SignedTreeHead> checkHeads(
            List<SignedTreeHead> published,
            List<SignedTreeHead> stored,
            Map<String, TrustedKey> trusted,
            List<Finding> findings) {
        TreeMap<Long, SignedTreeHead> out = new TreeMap<>();
        String keys = String.join(", ", trusted.keySet());
        for (SignedTreeHead h : published) {
            if (!signedByTrusted(h, trusted)) {
                findings.add(new Finding(
                        Kind.BAD_SIGNATURE,
                        -1,
                        null,
                        "published head at size " + h.treeSize()
                                + " (key id " + h.keyId() + ") does not verify with a trusted key (" + keys
                                + "): edited heads file, or a head from another key"));
                continue;
            }
            out.put(h.treeSize(), h);
        }
        for (SignedTreeHead h : stored) {
            if (!signedByTrusted(h, trusted)) {
                findings.add(new Finding(
                        Kind.BAD_SIGNATURE,
                        -1,
                        null,
                        "head in the database at size " + h.treeSize()
                                + " (key id " + h.keyId() + ") does not verify with the hub's key (" + keys
                                + "): heads were forged or re-signed"));
                continue;
            }
            SignedTreeHead pub = out.get(h.treeSize());
            if (pub != null && !pub.rootHash().equals(h.rootHash())) {
                findings.add(new Finding(
                        Kind.BAD_SIGNATURE,
                        -1,
                        null,
                        "two validly signed heads at size " + h.treeSize() + " disagree (database " + h.rootHash()
                                + ", published " + pub.rootHash() + ")"));
            }
            out.putIfAbsent(h.treeSize(), h);
        }
        return out;
    }
}
