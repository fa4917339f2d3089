package io.visionhub.ledger;

import io.visionhub.images.ImageStore;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/** What the API, the command and the audit package ask of the ledger: verification, heads, proofs, the key. */
public class LedgerService {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerService.class);
    private final JdbcLedgerReader reader;
    private final JdbcInspectionLedger ledger;
    private final KeystoreTreeHeadSigner signer;
    private final HeadsFile headsFile;
    private final Supplier<ImageStore> images;
    private final Clock clock;

    public LedgerService(JdbcLedgerReader reader, JdbcInspectionLedger ledger, KeystoreTreeHeadSigner signer,
                         HeadsFile headsFile, Supplier<ImageStore> images, Clock clock) {
        this.reader = reader;
        this.ledger = ledger;
        this.signer = signer;
        this.headsFile = headsFile;
        this.images = images;
        this.clock = clock;
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
        VerificationReport r = new LedgerVerifier(reader, signer.publicKey(), headsFile::read, images.get(), clock)
                .verify();
        if (r.ok()) {
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
     * Inclusion proof of a record (by record/inspection id, or by sequence number) in the tree of a signed head:
     * the given tree size, or the latest head (signed now if the record is newer).
     */
    public InclusionProof inclusionProof(String recordIdOrSeq, Long treeSize) {
        long seq = resolveSeq(recordIdOrSeq);
        return inclusionProof(seq, treeSize, tree());
    }

    /** Proof against an already loaded tree (the audit package builds many). */
    public InclusionProof inclusionProof(long seq, Long treeSize, MerkleTree tree) {
        SignedTreeHead head = headFor(seq, treeSize);
        long size = head != null ? head.treeSize() : treeSize;
        if (size > tree.size()) {
            throw new IllegalArgumentException("tree size " + size + " is beyond the log (" + tree.size() + " records)");
        }
        var row = reader.leaves(seq, seq + 1).get(0);
        List<byte[]> path = tree.inclusionProof((int) seq, (int) size);
        byte[] root = tree.rootOf(0, (int) size);
        boolean ok = MerkleTree.verifyInclusion(seq, size, MerkleHash.unhex(row.leafHash()), path, root)
                && (head == null || head.rootHash().equals(MerkleHash.hex(root)));
        return new InclusionProof(seq, row.recordId(), row.type(), row.leafHash(), size, MerkleHash.hex(root),
                path.stream().map(MerkleHash::hex).toList(), head, ok);
    }

    private SignedTreeHead headFor(long seq, Long treeSize) {
        if (treeSize != null) {
            if (treeSize <= seq) {
                throw new IllegalArgumentException("record " + seq + " is not in a tree of size " + treeSize);
            }
            return heads().stream().filter(h -> h.treeSize() == treeSize).findFirst().orElse(null);
        }
        SignedTreeHead h = latestHead();
        if (h == null || h.treeSize() <= seq) {
            throw new IllegalStateException("no signed head covers record " + seq + " (heads are off?)");
        }
        return h;
    }

    public ConsistencyProof consistencyProof(long from, long to) {
        MerkleTree tree = tree();
        if (from < 1 || from > to || to > tree.size()) {
            throw new IllegalArgumentException("no consistency proof from size " + from + " to " + to + " in a log of "
                    + tree.size() + " records (need 1 <= from <= to <= size)");
        }
        List<byte[]> p = tree.consistencyProof((int) from, (int) to);
        byte[] r1 = tree.rootOf(0, (int) from);
        byte[] r2 = tree.rootOf(0, (int) to);
        return new ConsistencyProof(from, to, MerkleHash.hex(r1), MerkleHash.hex(r2),
                p.stream().map(MerkleHash::hex).toList(), MerkleTree.verifyConsistency(from, to, r1, r2, p));
    }

    /** The stored leaf hashes as a tree (proofs are computed from the log as stored). */
    public MerkleTree tree() {
        return new MerkleTree(reader.leafHashes().stream().map(MerkleHash::unhex).toList());
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
        return reader.seqOf(recordIdOrSeq).orElseThrow(() -> new IllegalArgumentException("no record with id "
                + recordIdOrSeq));
    }

    /** The certificate of the head-signing key, PEM. */
    public String certificatePem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(signer.certificate().getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new LedgerException("cannot encode the ledger certificate: " + e.getMessage(), e);
        }
    }
}
