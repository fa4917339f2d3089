package io.visionhub.ledger;

import io.visionhub.images.ImageStore;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the API, the command and the audit package ask of the ledger: verification, heads, proofs, the key. */
public class LedgerService {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerService.class);
    private final JdbcLedgerReader reader;
    private final JdbcInspectionLedger ledger;
    private final KeystoreTreeHeadSigner signer;
    private final HeadsFile headsFile;
    private final Supplier<ImageStore> images;
    private final Clock clock;
    private final StoredTree storedTree;
    /** the latest head a verification found good: the next incremental verification starts there */
    private volatile SignedTreeHead lastVerified;

    public LedgerService(
            JdbcLedgerReader reader,
            JdbcInspectionLedger ledger,
            KeystoreTreeHeadSigner signer,
            HeadsFile headsFile,
            Supplier<ImageStore> images,
            Clock clock) {
        this.reader = reader;
        this.ledger = ledger;
        this.signer = signer;
        this.headsFile = headsFile;
        this.images = images;
        this.clock = clock;
        this.storedTree = new StoredTree(reader.dataSource());
    }

    public JdbcLedgerReader reader() {
        return reader;
    }

    public KeystoreTreeHeadSigner signer() {
        return signer;
    }

    public ImageStore images() {
        return images.get();
    }

    /** Full verification against the heads published in the heads file and the images in the store. */
    public VerificationReport verify() {
        return logged(verifier().verify());
    }

    /**
     * Verification of what was added since the latest head this service verified (a full verification the first
     * time after a start): O(records added), whatever the size of the log. The audit package takes this one.
     */
    public VerificationReport verifySinceLastVerified() {
        SignedTreeHead since = lastVerified;
        return logged(since == null ? verifier().verify() : verifier().verifySince(since));
    }

    private LedgerVerifier verifier() {
        return new LedgerVerifier(
                reader,
                signer.keyHistory(),
                headsFile::read,
                images.get(),
                clock,
                signer.recordMac(),
                headsFile.path());
    }

    private VerificationReport logged(VerificationReport r) {
        if (r.ok()) {
            if (r.latestVerifiedHead() != null) {
                lastVerified = r.latestVerifiedHead();
            }
            LOG.info("Ledger verification: {}", r.summary());
        } else {
            LOG.error("Ledger verification FAILED: {}", r.summary());
        }
        return r;
    }

    public List<SignedTreeHead> heads() {
        return reader.heads();
    }

    /** Latest head, signing one first when records are not yet covered. */
    public SignedTreeHead latestHead() {
        SignedTreeHead h = ledger.latestHead();
        if (h == null || h.treeSize() < ledger.size()) {
            h = ledger.signNow();
        }
        return h;
    }

    /**
     * Inclusion proof of a record (by record/inspection id, or by sequence number) in the tree of a signed head: the
     * given tree size, or the latest durable signed head. Never against a size the log has not durably reached and
     * signed: a record newer than the latest head gets {@link NotYetSignedException} (retry when the next head is due).
     */
    public InclusionProof inclusionProof(String recordIdOrSeq, Long treeSize) {
        long seq = resolveSeq(recordIdOrSeq);
        if (treeSize != null && treeSize <= seq) {
            throw new IllegalArgumentException("record " + seq + " is not in a tree of size " + treeSize);
        }
        long signed = treeSize != null
                ? signedSizeAtLeast(treeSize, "tree size " + treeSize)
                : signedSizeAtLeast(seq + 1, "record " + seq);
        long size = treeSize != null ? treeSize : signed;
        return inclusionProof(seq, size);
    }

    /**
     * Proof of a record against the signed head of this size (any stored size when none was signed at it), read from
     * the stored tree: O(log n) rows, whatever the size of the log. {@code ok} says whether it verifies against the
     * signed head's root: a stored node that was changed makes it false.
     */
    public InclusionProof inclusionProof(long seq, long size) {
        SignedTreeHead head = headFor(seq, size);
        var row = leaf(seq);
        StoredTree.Proof p = storedTree.inclusionProof(seq, size);
        boolean ok = MerkleTree.verifyInclusion(seq, size, MerkleHash.unhex(row.leafHash()), p.path(), p.root())
                && (head == null || head.rootHash().equals(MerkleHash.hex(p.root())));
        return new InclusionProof(
                seq,
                row.recordId(),
                row.type(),
                row.leafHash(),
                size,
                MerkleHash.hex(p.root()),
                p.path().stream().map(MerkleHash::hex).toList(),
                head,
                ok);
    }

    /** The stored tree (leaf hashes and subtree roots) the proofs are read from. */
    public StoredTree storedTree() {
        return storedTree;
    }

    private SignedTreeHead headFor(long seq, Long treeSize) {
        if (treeSize != null) {
            if (treeSize <= seq) {
                throw new IllegalArgumentException("record " + seq + " is not in a tree of size " + treeSize);
            }
            if (treeSize > ledger.size()) {
                throw new IllegalArgumentException(
                        "tree size " + treeSize + " is beyond the log (" + ledger.size() + " records)");
            }
            return headAt(treeSize);
        }
        SignedTreeHead h = latestHead();
        if (h == null || h.treeSize() <= seq) {
            throw new IllegalStateException("no signed head covers record " + seq + " (heads are off?)");
        }
        return h;
    }

    /**
     * The latest durable signed head's size, when it reaches {@code needed}: proofs are served against it, so that
     * they never name a size whose leaves a concurrent reader might not see yet and always match a published head.
     */
    private long signedSizeAtLeast(long needed, String what) {
        SignedTreeHead latest = ledger.latestHead(); // set only once the head is committed and forced to disk
        long signed = latest == null ? 0 : latest.treeSize();
        if (needed <= signed) {
            return signed;
        }
        if (needed > ledger.size()) {
            throw new IllegalArgumentException(what + " is beyond the log (" + ledger.size() + " records)");
        }
        String covered = latest == null
                ? "no head is signed yet"
                : "the latest signed head, of " + latest.signedAt() + ", covers seq 0.." + (signed - 1);
        JdbcInspectionLedger.ReadOnly ro = ledger.readOnly();
        if (ro != null) {
            throw new LedgerException(
                    what + " is not in a signed head (" + covered + ") and none will be signed: " + ro.describe());
        }
        Instant due = ledger.nextHeadDue();
        if (due == null) {
            throw new IllegalStateException(what + " is not in a signed head (" + covered + ") and none will be "
                    + "signed: tree heads are off (visionhub.ledger.heads.enabled)");
        }
        long seconds = Math.max(1, (long)
                Math.ceil(Duration.between(clock.instant(), due).toMillis() / 1000.0));
        throw new NotYetSignedException(
                what + " is not yet in a signed head (" + covered + "); the next head is due by " + due
                        + ": retry after " + seconds + " s",
                Duration.ofSeconds(seconds));
    }

    /**
     * Consistency proof between two tree sizes, both within the latest durable signed head (a {@code to} beyond it
     * gets {@link NotYetSignedException}).
     */
    public ConsistencyProof consistencyProof(long from, long to) {
        if (from < 1 || from > to) {
            throw new IllegalArgumentException("no consistency proof from size " + from + " to " + to + " (need 1 <= "
                    + "from <= to <= the latest signed size)");
        }
        signedSizeAtLeast(to, "tree size " + to);
        StoredTree.Proof p = storedTree.consistencyProof(from, to);
        boolean ok = MerkleTree.verifyConsistency(from, to, p.root1(), p.root(), p.path());
        // where a head was signed at either size, the roots must be its roots: a changed stored node fails here
        SignedTreeHead atFrom = headAt(from);
        SignedTreeHead atTo = headAt(to);
        ok &= atFrom == null || atFrom.rootHash().equals(MerkleHash.hex(p.root1()));
        ok &= atTo == null || atTo.rootHash().equals(MerkleHash.hex(p.root()));
        return new ConsistencyProof(
                from,
                to,
                MerkleHash.hex(p.root1()),
                MerkleHash.hex(p.root()),
                p.path().stream().map(MerkleHash::hex).toList(),
                ok);
    }

    /** The signed head at exactly this size, or null. */
    private SignedTreeHead headAt(long size) {
        return reader.headAt(size).orElse(null);
    }

    /** One stored record; a sequence number with no row (deleted below the triggers) is named. */
    public JdbcLedgerReader.LeafRow leaf(long seq) {
        List<JdbcLedgerReader.LeafRow> rows = reader.leaves(seq, seq + 1);
        if (rows.isEmpty()) {
            throw new LedgerException("record " + seq + " is missing from ledger_leaf: the log was altered; "
                    + "GET /api/ledger/verify names every problem");
        }
        return rows.get(0);
    }

    public long resolveSeq(String recordIdOrSeq) {
        if (recordIdOrSeq == null || recordIdOrSeq.isBlank()) {
            throw new IllegalArgumentException("record id or sequence number required");
        }
        if (recordIdOrSeq.chars().allMatch(Character::isDigit) && recordIdOrSeq.length() < 19) {
            long seq = Long.parseLong(recordIdOrSeq);
            if (seq >= ledger.size()) {
                throw new IllegalArgumentException("no record " + seq + " (the log has " + ledger.size() + ")");
            }
            return seq;
        }
        return reader.seqOf(recordIdOrSeq)
                .orElseThrow(() -> new IllegalArgumentException("no record with id " + recordIdOrSeq));
    }

    /** Rotates the head-signing key (recorded in the ledger, signed by the current key); see JdbcInspectionLedger. */
    public KeyRotation rotateKey(String actor, String reason) {
        return ledger.rotateKey(actor, reason);
    }

    /** The certificate of the head-signing key, PEM. */
    public String certificatePem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes())
                            .encodeToString(signer.certificate().getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new LedgerException("cannot encode the ledger certificate: " + e.getMessage(), e);
        }
    }
}
