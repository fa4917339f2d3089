package io.visionhub.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Checks an audit package offline, without the hub's database:
 * <ol>
 *   <li>the archive: readable, every entry's CRC, the entries a streaming reader sees are the ones its central
 *       directory lists, no name twice;</li>
 *   <li>the manifest's signature (the head key: a pinned certificate, a pinned key id, or only the certificate in
 *       the package, which is weaker; a pinned key also vouches for a key it rotated to, through the KEY_ROTATION
 *       records in key-chain.json), every file's SHA-256 against the manifest, no file the manifest omits;</li>
 *   <li>the signed head (with the key of the chain that signed it), every record's leaf hash recomputed from its canonical entry and its inclusion proof in
 *       the head, and every record the signed manifest claims present in records.json (none dropped, none added);</li>
 *   <li>each image's SHA-256, each signature's manifest hash and its binding to the records it disposes;</li>
 *   <li>the human-readable files (records.csv, signatures.csv, signatures.json, the text of summary.pdf) written
 *       again from the proven records and compared, the differing record and field named.</li>
 * </ol>
 * Outcome: {@link Status#VERIFIED}, {@link Status#FAILED} (checked, problems named) or {@link Status#UNREADABLE}
 * (not a zip, truncated, no manifest: nothing could be checked).
 */
public final class AuditPackageVerifier {

    static final String MANIFEST = "manifest.json";
    static final String CERTIFICATE = "head-signing-certificate.pem";
    static final String KEY_CHAIN = "key-chain.json";
    /** files every package holds (besides images) and its manifest must list */
    static final List<String> REQUIRED = List.of(
            "records.json",
            "records.csv",
            "signatures.json",
            "signatures.csv",
            "signed-head.json",
            "signed-heads.jsonl",
            CERTIFICATE,
            KEY_CHAIN,
            "verification-report.json",
            "summary.pdf");

    private static final int MAX_DIFFS = 5;

    /** The outcome, with the exit code of {@code ledger verify-package}. */
    public enum Status {
        VERIFIED(0),
        FAILED(1),
        UNREADABLE(2);

        public final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    /** Result: outcome, what was proven, the manifest's key and how it was trusted, and each problem. */
    public record Result(
            Status status,
            int records,
            int images,
            int signatures,
            long headTreeSize,
            String keyId,
            String trust,
            List<String> problems) {

        public boolean ok() {
            return status == Status.VERIFIED;
        }

        public int exitCode() {
            return status.exitCode;
        }

        public String summary() {
            return switch (status) {
                case VERIFIED ->
                    "AUDIT PACKAGE VERIFIED: " + records + " records (every record the signed manifest "
                            + "claims) proven in the signed head of size " + headTreeSize
                            + " (manifest signed with key "
                            + keyId + "), "
                            + images + " images and " + signatures
                            + " signatures checked; every file matches the signed "
                            + "manifest; records.csv, signatures.csv, signatures.json and summary.pdf agree with the "
                            + "proven records.";
                case FAILED ->
                    "AUDIT PACKAGE FAILED: " + problems.size() + " problem(s): "
                            + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                            + (problems.size() > 5 ? "; ..." : "");
                case UNREADABLE -> "AUDIT PACKAGE UNREADABLE: " + String.join("; ", problems);
            };
        }
    }

    private static final long MAX_ENTRY = 512L * 1024 * 1024;
    private static final int MAX_ENTRIES = 200_000;

    private AuditPackageVerifier() {}

    /**
     * @param zip           the package
     * @param trustedKeyId  key id the auditor trusts (from the hub's published certificate), or null to trust the
     *                      certificate inside the package (then only internal consistency is proven)
     */
    public static Result verify(InputStream zip, String trustedKeyId) throws IOException {
        return copyAndVerify(
                zip, trustedKeyId == null ? AuditTrust.embeddedCertificate() : AuditTrust.pinnedKeyId(trustedKeyId));
    }

    /** Checks a package held in memory. */
    public static Result verify(byte[] zip, AuditTrust trust) throws IOException {
        return copyAndVerify(new ByteArrayInputStream(zip), trust);
    }

    /** A stream is copied to a temporary file first: the zip's central directory is at its end. */
    private static Result copyAndVerify(InputStream zip, AuditTrust trust) throws IOException {
        Path tmp = Files.createTempFile("audit-package", ".zip");
        try {
            Files.copy(zip, tmp, StandardCopyOption.REPLACE_EXISTING);
            return verify(tmp, trust);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Result verify(Path zip, AuditTrust trust) {
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> files;
        try {
            files = unzip(zip, problems);
        } catch (IOException e) {
            return unreadable(zip.getFileName() + " is not a readable zip archive (truncated, damaged or not a zip): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        byte[] manifestBytes = files.get(MANIFEST);
        if (manifestBytes == null) {
            return unreadable(zip.getFileName() + " holds no " + MANIFEST + ": not a Vision Hub audit package");
        }
        return new Check(files, manifestBytes, trust, problems).run();
    }

    private static Result unreadable(String why) {
        return new Result(Status.UNREADABLE, 0, 0, 0, 0, null, null, List.of(why));
    }

    /** One run over one package's files. */
    private static final class Check {
        private final Map<String, byte[]> files;
        private final byte[] manifestBytes;
        private final AuditTrust trust;
        private final List<String> problems;
        private String keyId;
        private String trustLine;

        Check(Map<String, byte[]> files, byte[] manifestBytes, AuditTrust trust, List<String> problems) {
            this.files = files;
            this.manifestBytes = manifestBytes;
            this.trust = trust;
            this.problems = problems;
        }

        Result run() {
            JsonNode manifest = json(MANIFEST, manifestBytes);
            if (manifest == null || !manifest.isObject()) {
                return done(0, 0, 0, 0);
            }
            X509Certificate embedded = embeddedCertificate();
            SignedTreeHead head = head(manifest);
            List<ChainKey> chain = keyChain(head);
            PublicKey key = key(embedded, chain);
            if (key == null) {
                return done(0, 0, 0, 0);
            }
            checkManifestSignature(key);
            if (!AuditPackageService.FORMAT.equals(manifest.path("format").asText())) {
                problems.add(MANIFEST + " is not of format " + AuditPackageService.FORMAT + " (a package from an "
                        + "older hub, or edited): its record range is not stated");
            }
            checkFileSums(manifest.path("files"));
            if (head == null) {
                return done(0, 0, 0, 0);
            }
            checkHeadSignature(head, key, chain);
            Proven proven = proveRecords(
                    head,
                    manifest.path("records"),
                    AuditPackageService.FORMAT.equals(manifest.path("format").asText()));
            int images = checkImages(proven);
            checkSignatureBindings(proven);
            checkHumanReadable(manifest, head, proven);
            return done(proven.entries.size(), images, proven.signatures.size(), head.treeSize());
        }

        private Result done(int records, int images, int signatures, long headSize) {
            return new Result(
                    problems.isEmpty() ? Status.VERIFIED : Status.FAILED,
                    records,
                    images,
                    signatures,
                    headSize,
                    keyId,
                    trustLine,
                    List.copyOf(problems));
        }

        private JsonNode json(String name, byte[] bytes) {
            if (bytes == null) {
                problems.add(name + " is missing");
                return null;
            }
            try {
                return CanonicalJson.read(new String(bytes, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                problems.add(name + " is not valid JSON: " + e.getMessage());
                return null;
            }
        }

        private X509Certificate embeddedCertificate() {
            try {
                byte[] pem = files.get(CERTIFICATE);
                if (pem == null) {
                    problems.add(CERTIFICATE + " is missing");
                    return null;
                }
                return (X509Certificate)
                        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
            } catch (CertificateException | ClassCastException e) {
                problems.add(CERTIFICATE + " is not a readable X.509 certificate: " + e.getMessage());
                return null;
            }
        }

        /**
         * The key the manifest is checked with, according to the trust given. The package's certificate (the key
         * that signed the manifest) is accepted when it is the trusted key, or a key the trusted key rotated to: it
         * comes after the trusted key in the package's key chain, every rotation on the way signed by the key before.
         */
        private PublicKey key(X509Certificate embedded, List<ChainKey> chain) {
            String embeddedId = embedded == null ? null : KeystoreTreeHeadSigner.keyIdOf(embedded.getPublicKey());
            int manifestAt = indexOf(chain, embeddedId, embedded == null ? null : embedded.getPublicKey());
            if (trust.pinnedKey() != null) {
                keyId = trust.pinnedKeyId();
                trustLine = trust.describe(keyId);
                if (embedded == null
                        || Arrays.equals(
                                embedded.getPublicKey().getEncoded(),
                                trust.pinnedKey().getEncoded())) {
                    return trust.pinnedKey();
                }
                int pinnedAt = indexOf(chain, keyId, trust.pinnedKey());
                if (pinnedAt >= 0 && manifestAt > pinnedAt) {
                    return rotatedTo(embedded, embeddedId);
                }
                problems.add(CERTIFICATE + " holds key " + embeddedId + ", not the pinned certificate's key " + keyId
                        + " nor a key it rotated to (no chain of KEY_ROTATION records signed by it in " + KEY_CHAIN
                        + "): the package was not signed by the hub you trust");
                return trust.pinnedKey();
            }
            if (embedded == null) {
                return null;
            }
            keyId = embeddedId;
            trustLine = trust.describe(keyId);
            if (trust.pinnedKeyId() != null && !trust.pinnedKeyId().equalsIgnoreCase(keyId)) {
                int pinnedAt = indexOf(chain, trust.pinnedKeyId(), null);
                if (pinnedAt >= 0 && manifestAt > pinnedAt) {
                    return rotatedTo(embedded, embeddedId);
                }
                problems.add("the package's key " + keyId + " is not the trusted key " + trust.pinnedKeyId()
                        + " nor a key it rotated to (no chain of KEY_ROTATION records signed by it in " + KEY_CHAIN
                        + ")");
            }
            return embedded.getPublicKey();
        }

        private PublicKey rotatedTo(X509Certificate embedded, String embeddedId) {
            trustLine += ", followed through the recorded key rotation(s) in " + KEY_CHAIN + " to key " + embeddedId
                    + ", which signed the manifest";
            keyId = embeddedId;
            return embedded.getPublicKey();
        }

        /** Position of this key in the chain (same id, and the same key when one is given), or -1. */
        private static int indexOf(List<ChainKey> chain, String id, PublicKey key) {
            for (int i = 0; i < chain.size(); i++) {
                ChainKey k = chain.get(i);
                if (k.keyId().equalsIgnoreCase(String.valueOf(id))
                        && (key == null || Arrays.equals(k.key().getEncoded(), key.getEncoded()))) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * The package's key chain: the first key of its rotations, then each key a KEY_ROTATION record proven in the
         * head rotates to, when the key before it signed that rotation. Empty when no rotation lies under the head.
         * The pinned certificate stands in for the package's certificate of the same key id. Where a link does not
         * hold, the chain ends there and the problem is named.
         */
        private List<ChainKey> keyChain(SignedTreeHead head) {
            byte[] bytes = files.get(KEY_CHAIN);
            JsonNode chain = bytes == null ? null : json(KEY_CHAIN, bytes);
            List<ChainKey> out = new ArrayList<>();
            if (chain == null
                    || !chain.path("rotations").isArray()
                    || chain.path("rotations").isEmpty()) {
                return out;
            }
            Map<String, PublicKey> certificates = new HashMap<>();
            chain.path("certificates").fields().forEachRemaining(c -> {
                PublicKey k = publicKey(c.getValue().asText());
                if (k != null && KeystoreTreeHeadSigner.keyIdOf(k).equals(c.getKey())) {
                    certificates.put(c.getKey(), k);
                }
            });
            if (trust.pinnedKey() != null) {
                certificates.put(trust.pinnedKeyId(), trust.pinnedKey());
            }
            for (JsonNode r : chain.path("rotations")) {
                long seq = r.path("seq").asLong(-1);
                KeyRotation rotation = provenRotation(seq, r, head);
                if (rotation == null) {
                    return out;
                }
                if (out.isEmpty()) {
                    PublicKey first = certificates.get(rotation.previousKeyId());
                    if (first == null) {
                        problems.add(KEY_CHAIN + " lacks the certificate of key " + rotation.previousKeyId()
                                + ", the key before its first rotation (seq " + seq + ")");
                        return out;
                    }
                    out.add(new ChainKey(rotation.previousKeyId(), first, 0));
                }
                ChainKey last = out.get(out.size() - 1);
                PublicKey next = rotation.newPublicKey();
                if (next == null || !last.keyId().equals(rotation.previousKeyId()) || !rotation.signedBy(last.key())) {
                    problems.add(KEY_CHAIN + ": the key rotation at seq " + seq + " to key " + rotation.newKeyId()
                            + " is not signed by the key before it (" + last.keyId() + "), or its certificate is "
                            + "unreadable: the key chain ends at key " + last.keyId());
                    return out;
                }
                out.add(new ChainKey(rotation.newKeyId(), next, seq + 1));
            }
            return out;
        }

        /** The rotation statement of a KEY_ROTATION record proven in the head, or null (problem named). */
        private KeyRotation provenRotation(long seq, JsonNode r, SignedTreeHead head) {
            String entryText = r.path("entry").asText();
            JsonNode e;
            try {
                e = CanonicalJson.read(entryText);
            } catch (IllegalArgumentException x) {
                e = null;
            }
            byte[] leaf = MerkleHash.leaf(entryText.getBytes(StandardCharsets.UTF_8));
            if (head == null
                    || head.rootHash() == null
                    || e == null
                    || e.path("seq").asLong(-1) != seq
                    || !KeyRotation.RECORD_TYPE.equals(e.path("type").asText())
                    || seq < 0
                    || seq >= head.treeSize()
                    || !MerkleTree.verifyInclusion(
                            seq,
                            head.treeSize(),
                            leaf,
                            auditPath(r.path("inclusionProof")),
                            MerkleHash.unhex(head.rootHash()))) {
                problems.add(KEY_CHAIN + ": the key rotation record seq " + seq + " is not a KEY_ROTATION record "
                        + "proven in the signed head (altered or made up): keys after it are not trusted");
                return null;
            }
            try {
                KeyRotation rotation =
                        CanonicalJson.mapper().treeToValue(e.path("body").path("rotation"), KeyRotation.class);
                if (rotation != null) {
                    return rotation;
                }
            } catch (IOException | IllegalArgumentException x) {
                // named below
            }
            problems.add(KEY_CHAIN + ": the key rotation record seq " + seq + " holds no readable rotation statement");
            return null;
        }

        private static PublicKey publicKey(String base64Der) {
            try {
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(
                                new ByteArrayInputStream(Base64.getDecoder().decode(base64Der)))
                        .getPublicKey();
            } catch (CertificateException | IllegalArgumentException e) {
                return null;
            }
        }

        private void checkManifestSignature(PublicKey key) {
            byte[] sig = files.get(ManifestSignature.FILE);
            if (sig == null) {
                problems.add(MANIFEST + " is not signed (no " + ManifestSignature.FILE + "): its file list and record "
                        + "range are not proven");
                return;
            }
            ManifestSignature ms;
            try {
                ms = CanonicalJson.mapper().readValue(sig, ManifestSignature.class);
            } catch (IOException e) {
                problems.add(ManifestSignature.FILE + " is not readable: " + e.getMessage());
                return;
            }
            if (!ms.verify(manifestBytes, key)) {
                problems.add(MANIFEST + ": its signature does not verify with key " + keyId + " (the manifest was "
                        + "changed or recomputed after export, or signed with another key)");
            }
        }

        private void checkFileSums(JsonNode listed) {
            listed.fields().forEachRemaining(f -> {
                byte[] b = files.get(f.getKey());
                if (b == null) {
                    problems.add("file " + f.getKey() + " listed in the manifest is missing");
                } else if (!MerkleHash.hex(MerkleHash.sha256(b))
                        .equals(f.getValue().asText())) {
                    problems.add("file " + f.getKey() + " was changed (SHA-256 differs from the manifest)");
                }
            });
            for (String name : files.keySet()) {
                if (!name.equals(MANIFEST) && !name.equals(ManifestSignature.FILE) && !listed.has(name)) {
                    problems.add("file " + name + " is in the package but not listed in the manifest");
                }
            }
            for (String name : REQUIRED) {
                if (!listed.has(name) && !files.containsKey(name)) {
                    problems.add("the package lacks " + name + " (and the manifest does not list it)");
                }
            }
        }

        /** signed-head.json, and that the manifest names it; its signature is checked by checkHeadSignature. */
        private SignedTreeHead head(JsonNode manifest) {
            SignedTreeHead head;
            try {
                byte[] b = files.get("signed-head.json");
                if (b == null) {
                    problems.add("signed-head.json is missing: no record can be proven");
                    return null;
                }
                head = CanonicalJson.mapper().readValue(b, SignedTreeHead.class);
            } catch (IOException e) {
                problems.add("signed-head.json is not readable: " + e.getMessage());
                return null;
            }
            if (manifest.path("headTreeSize").asLong(-1) != head.treeSize()
                    || !String.valueOf(head.rootHash())
                            .equals(manifest.path("headRoot").asText())) {
                problems.add(MANIFEST + " names the head of size "
                        + manifest.path("headTreeSize").asText() + ", signed-head.json holds size " + head.treeSize());
            }
            return head;
        }

        /**
         * The head is checked with the key of the chain it names (a head of an earlier key than the manifest's is
         * normal right after a rotation: that head covers the rotation record), for heads past that key's rotation
         * record only; without rotations, with the manifest's key.
         */
        private void checkHeadSignature(SignedTreeHead head, PublicKey manifestKey, List<ChainKey> chain) {
            int at = indexOf(chain, head.keyId(), null);
            PublicKey key = at < 0 ? manifestKey : chain.get(at).key();
            String id = at < 0 ? keyId : head.keyId();
            if (head.signature() == null
                    || head.rootHash() == null
                    || head.signedAt() == null
                    || !KeystoreTreeHeadSigner.verify(head, key)) {
                problems.add("the signed head does not verify with key " + id
                        + (id != null && !id.equals(head.keyId()) ? " (it names key " + head.keyId() + ")" : ""));
            } else if (at >= 0 && head.treeSize() < chain.get(at).fromSize()) {
                problems.add("the signed head of size " + head.treeSize() + " is signed by key " + head.keyId()
                        + ", which its rotation record trusts only for heads of at least "
                        + chain.get(at).fromSize()
                        + " records");
            }
        }

        /** One key of the package's key chain, trusted for heads of at least fromSize records. */
        private record ChainKey(String keyId, PublicKey key, long fromSize) {}

        private static List<byte[]> auditPath(JsonNode proof) {
            List<byte[]> path = new ArrayList<>();
            try {
                proof.path("auditPath").forEach(h -> path.add(MerkleHash.unhex(h.asText())));
            } catch (RuntimeException x) {
                path.clear();
            }
            return path;
        }

        /** Records whose entry hashes to their leaf and whose leaf is proven in the signed head. */
        private static final class Proven {
            final Map<Long, JsonNode> entries = new LinkedHashMap<>();
            final Map<Long, String> leaves = new HashMap<>();
            final List<AuditRecordViews.Inspection> inspections = new ArrayList<>();
            final List<AuditRecordViews.Signature> signatures = new ArrayList<>();
        }

        private Proven proveRecords(SignedTreeHead head, JsonNode claimed, boolean claimsRecords) {
            Proven proven = new Proven();
            JsonNode records = json("records.json", files.get("records.json"));
            Map<Long, JsonNode> bySeq = new LinkedHashMap<>();
            if (records != null && !records.isArray()) {
                problems.add("records.json is not a list of records");
            } else if (records != null) {
                for (JsonNode r : records) {
                    long seq = r.path("seq").asLong(-1);
                    if (bySeq.put(seq, r) != null) {
                        problems.add("records.json holds record seq " + seq + " twice");
                    }
                }
            }
            byte[] root = head.rootHash() == null ? new byte[0] : MerkleHash.unhex(head.rootHash());
            for (Map.Entry<Long, JsonNode> e : bySeq.entrySet()) {
                prove(e.getKey(), e.getValue(), head, root, proven);
            }
            // what the signed manifest claims: every record in it, of its type, and nothing else
            Map<Long, String> claims = new LinkedHashMap<>();
            claimed.path("inspectionSeqs").forEach(s -> claims.put(s.asLong(), "INSPECTION"));
            claimed.path("dispositionSeqs").forEach(s -> claims.put(s.asLong(), DispositionService.TYPE));
            // other records a package is about (a non-conformance's NCR_* records), each with its type
            claimed.path("otherRecords")
                    .forEach(o ->
                            claims.put(o.path("seq").asLong(), o.path("type").asText()));
            if (!claimsRecords) {
                // no record list in this manifest (reported as a format problem): take records.json's own
                bySeq.forEach((seq, r) -> claims.put(seq, r.path("recordType").asText()));
            } else if (claimed.path("count").asInt(-1) != claims.size()) {
                problems.add(MANIFEST + " claims " + claimed.path("count").asText() + " records but lists "
                        + claims.size() + " sequence numbers");
            }
            for (Map.Entry<Long, String> c : claims.entrySet()) {
                JsonNode r = bySeq.get(c.getKey());
                if (r == null) {
                    problems.add("record seq " + c.getKey() + " (" + c.getValue() + ") claimed by the signed manifest "
                            + "is missing from records.json (dropped)");
                } else if (!c.getValue().equals(r.path("recordType").asText())) {
                    problems.add("record seq " + c.getKey() + ": the manifest claims a " + c.getValue()
                            + ", records.json holds a " + r.path("recordType").asText());
                }
            }
            for (long seq : bySeq.keySet()) {
                if (!claims.containsKey(seq)) {
                    problems.add("records.json holds record seq " + seq + ", which the signed manifest does not claim");
                }
            }
            // the human-readable views, in the manifest's order, from proven records only
            for (Map.Entry<Long, String> c : claims.entrySet()) {
                JsonNode entry = proven.entries.get(c.getKey());
                if (entry == null || !c.getValue().equals(entry.path("type").asText())) {
                    continue;
                }
                if (DispositionService.TYPE.equals(c.getValue())) {
                    proven.signatures.add(new AuditRecordViews.Signature(
                            c.getKey(), proven.leaves.get(c.getKey()), entry.path("body")));
                } else if ("INSPECTION".equals(c.getValue())) {
                    proven.inspections.add(AuditRecordViews.Inspection.of(c.getKey(), entry));
                }
            }
            return proven;
        }

        private void prove(long seq, JsonNode r, SignedTreeHead head, byte[] root, Proven proven) {
            String entryText = r.path("entry").asText();
            byte[] leaf = MerkleHash.leaf(entryText.getBytes(StandardCharsets.UTF_8));
            boolean ok = true;
            if (!MerkleHash.hex(leaf).equals(r.path("leafHash").asText())) {
                problems.add("record " + seq + ": entry does not hash to its leaf hash (altered)");
                ok = false;
            }
            JsonNode e;
            try {
                e = CanonicalJson.read(entryText);
            } catch (IllegalArgumentException x) {
                problems.add("record " + seq + ": entry is not JSON (altered)");
                return;
            }
            if (e.path("seq").asLong(-1) != seq) {
                problems.add(
                        "record " + seq + ": entry says seq " + e.path("seq").asText());
                ok = false;
            }
            if (!e.path("type").asText().equals(r.path("recordType").asText())
                    || !e.path("recordId").asText().equals(r.path("recordId").asText())) {
                problems.add("record " + seq + ": recordType/recordId differ from its entry's");
                ok = false;
            }
            JsonNode p = r.path("inclusionProof");
            List<byte[]> path = auditPath(p);
            if (p.path("treeSize").asLong() != head.treeSize()
                    || seq < 0
                    || seq >= head.treeSize()
                    || !MerkleTree.verifyInclusion(seq, head.treeSize(), leaf, path, root)) {
                problems.add("record " + seq + ": inclusion proof does not lead to the signed head's root");
                ok = false;
            }
            if (ok) {
                proven.entries.put(seq, e);
                proven.leaves.put(seq, MerkleHash.hex(leaf));
            }
        }

        private int checkImages(Proven proven) {
            int images = 0;
            // images/<sha256>.<ext>, or images/<sha256> in packages written before the extension was added
            Map<String, String> entryOf = new HashMap<>();
            for (String name : files.keySet()) {
                ImageEntryNames.sha256(name).ifPresent(sha -> entryOf.putIfAbsent(sha, name));
            }
            Set<String> referenced = new LinkedHashSet<>();
            for (AuditRecordViews.Inspection r : proven.inspections) {
                for (String sha : new String[] {r.imageSha256(), r.annotatedSha256()}) {
                    if (sha == null || !referenced.add(sha)) {
                        continue;
                    }
                    String entry = entryOf.get(sha);
                    byte[] img = entry == null ? null : files.get(entry);
                    if (img == null) {
                        problems.add("record " + r.seq() + ": image " + sha + " is not in the package");
                    } else {
                        images++;
                        if (!FileImageStore.sha256(img).equals(sha)) {
                            problems.add("record " + r.seq() + ": image " + entry + " was swapped or altered "
                                    + "(its SHA-256 differs from the one the record holds)");
                        }
                    }
                }
            }
            for (String name : files.keySet()) {
                if (!name.startsWith(ImageEntryNames.FOLDER)) {
                    continue;
                }
                String sha = ImageEntryNames.sha256(name).orElse(null);
                // not an image of a proven record, or a second copy of one under the other name form
                if (sha == null || !referenced.contains(sha) || !name.equals(entryOf.get(sha))) {
                    problems.add("file " + name + " is not the image of any proven record");
                }
            }
            return images;
        }

        private void checkSignatureBindings(Proven proven) {
            for (AuditRecordViews.Signature s : proven.signatures) {
                JsonNode m = s.manifest();
                String hash =
                        MerkleHash.hex(MerkleHash.sha256(CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8)));
                if (!hash.equals(s.signatureHash())) {
                    problems.add("signature " + s.dispositionId() + " (seq " + s.seq() + "): manifest does not match "
                            + "its hash");
                }
                List<String> targetLeaves = new ArrayList<>();
                m.path("targetSeqs").forEach(t -> targetLeaves.add(proven.leaves.get(t.asLong(-1))));
                if (targetLeaves.isEmpty() || targetLeaves.contains(null)) {
                    continue; // not all its records are in this package: bound by its own leaf only
                }
                String bound = "INSPECTION".equals(s.targetType())
                        ? targetLeaves.get(0)
                        : MerkleHash.hex(MerkleTree.root(
                                targetLeaves.stream().map(MerkleHash::unhex).toList()));
                if (!bound.equals(s.targetHash())) {
                    problems.add("signature " + s.dispositionId() + " (seq " + s.seq() + ") is bound to other records "
                            + "than seq " + m.path("targetSeqs"));
                }
            }
        }

        private void checkHumanReadable(JsonNode manifest, SignedTreeHead head, Proven proven) {
            compareCsv("records.csv", AuditRecordViews.recordsCsv(proven.inspections));
            compareCsv("signatures.csv", AuditRecordViews.signaturesCsv(proven.signatures));
            if (manifest.path("files").has(AuditPackageService.CURRENT_DISPOSITIONS)) {
                // packages exported before this file existed do not list it
                compareCsv(
                        AuditPackageService.CURRENT_DISPOSITIONS,
                        AuditRecordViews.currentDispositionsCsv(proven.inspections, proven.signatures));
            }
            compareSignaturesJson(proven.signatures);
            JsonNode report = json("verification-report.json", files.get("verification-report.json"));
            byte[] pdf = files.get("summary.pdf");
            if (report == null || pdf == null) {
                if (pdf == null) {
                    problems.add("summary.pdf is missing");
                }
                return;
            }
            List<String> expected = AuditSummaryPdf.expectedText(new AuditSummaryPdf.Summary(
                    manifest.path("selection").asText(),
                    manifest.path("createdAt").asText(),
                    manifest.path("createdBy").asText(),
                    manifest.path("images").asInt(),
                    manifest.path("imagesMissing").asInt(),
                    head,
                    report.path("ok").asBoolean(),
                    report.path("summary").asText(),
                    proven.signatures,
                    proven.inspections));
            List<String> actual;
            try {
                actual = AuditSummaryPdf.text(pdf);
            } catch (IOException | RuntimeException e) {
                problems.add("summary.pdf is not a readable PDF: " + e.getMessage());
                return;
            }
            int diffs = 0;
            for (int i = 0; i < Math.max(expected.size(), actual.size()) && diffs < MAX_DIFFS; i++) {
                String want = i < expected.size() ? expected.get(i) : null;
                String got = i < actual.size() ? actual.get(i) : null;
                if (want == null || !want.equals(got)) {
                    diffs++;
                    problems.add("summary.pdf line " + (i + 1) + " says '" + (got == null ? "(nothing)" : got)
                            + "' where the proven records give '" + (want == null ? "(nothing)" : want) + "'");
                }
            }
        }

        /** Compares a CSV with the one written from the proven records; names the record and column that differ. */
        private void compareCsv(String name, String expected) {
            byte[] b = files.get(name);
            if (b == null) {
                problems.add(name + " is missing");
                return;
            }
            String actual = new String(b, StandardCharsets.UTF_8);
            if (actual.equals(expected)) {
                return;
            }
            List<List<String>> want = AuditRecordViews.parseCsv(expected);
            List<List<String>> got = AuditRecordViews.parseCsv(actual);
            int before = problems.size();
            if (got.isEmpty() || !got.get(0).equals(want.get(0))) {
                problems.add(name + ": its header is not " + String.join(",", want.get(0)));
            }
            List<String> columns = want.get(0);
            Map<String, List<String>> wantBySeq = bySeq(want);
            Map<String, List<String>> gotBySeq = bySeq(got);
            int diffs = 0;
            for (Map.Entry<String, List<String>> w : wantBySeq.entrySet()) {
                if (diffs >= MAX_DIFFS) {
                    break;
                }
                List<String> g = gotBySeq.get(w.getKey());
                if (g == null) {
                    diffs++;
                    problems.add(name + ": the proven record seq " + w.getKey() + " is missing (dropped)");
                    continue;
                }
                for (int c = 0; c < columns.size(); c++) {
                    String gv = c < g.size() ? g.get(c) : "(no value)";
                    if (!w.getValue().get(c).equals(gv)) {
                        diffs++;
                        problems.add(name + ": seq " + w.getKey() + " " + columns.get(c) + " says '" + gv
                                + "', the proven record says '" + w.getValue().get(c) + "'");
                        break;
                    }
                }
            }
            for (String seq : gotBySeq.keySet()) {
                if (!wantBySeq.containsKey(seq)) {
                    problems.add(name + ": line for seq " + seq + " is not a proven record of this package");
                }
            }
            if (problems.size() == before) {
                problems.add(name + " differs from the proven records (order, duplicate or extra lines, or layout)");
            }
        }

        private static Map<String, List<String>> bySeq(List<List<String>> rows) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            rows.stream().skip(1).forEach(r -> out.putIfAbsent(r.isEmpty() ? "" : r.get(0), r));
            return out;
        }

        private void compareSignaturesJson(List<AuditRecordViews.Signature> sigs) {
            byte[] b = files.get("signatures.json");
            if (b == null) {
                problems.add("signatures.json is missing");
                return;
            }
            byte[] expected = AuditRecordViews.signaturesJson(sigs);
            if (Arrays.equals(b, expected)) {
                return;
            }
            JsonNode got = json("signatures.json", b);
            if (got == null) {
                return;
            }
            int before = problems.size();
            Map<Long, JsonNode> gotBySeq = new LinkedHashMap<>();
            got.forEach(n -> gotBySeq.putIfAbsent(n.path("seq").asLong(-1), n));
            // read back, so numbers compare as parsed JSON does
            for (JsonNode want : CanonicalJson.read(new String(expected, StandardCharsets.UTF_8))) {
                long seq = want.path("seq").asLong();
                JsonNode g = gotBySeq.remove(seq);
                if (g == null) {
                    problems.add("signatures.json: the proven signature record seq " + seq + " is missing");
                } else if (!g.equals(want)) {
                    problems.add("signatures.json: seq " + seq + " differs from the proven signature record at "
                            + firstDifference("", want, g));
                }
            }
            gotBySeq.keySet()
                    .forEach(seq -> problems.add(
                            "signatures.json: seq " + seq + " is not a proven " + "signature record of this package"));
            if (problems.size() == before) {
                problems.add("signatures.json differs from the proven signature records (order or layout)");
            }
        }

        private static String firstDifference(String at, JsonNode want, JsonNode got) {
            if (want.isObject() && got.isObject()) {
                Set<String> names = new LinkedHashSet<>();
                want.fieldNames().forEachRemaining(names::add);
                got.fieldNames().forEachRemaining(names::add);
                for (String n : names) {
                    if (!want.path(n).equals(got.path(n))) {
                        return firstDifference(at + "/" + n, want.path(n), got.path(n));
                    }
                }
            }
            return (at.isEmpty() ? "/" : at) + " ('" + (got.isMissingNode() ? "(none)" : got.asText()) + "', proven '"
                    + (want.isMissingNode() ? "(none)" : want.asText()) + "')";
        }
    }

    /**
     * Reads every entry through the central directory (what zip tools show), checks each CRC, then walks the local
     * headers as a streaming reader would and checks it sees the same files with the same bytes.
     *
     * @throws IOException when the archive cannot be opened at all (not a zip, truncated)
     */
    private static Map<String, byte[]> unzip(Path zip, List<String> problems) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> en = z.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (names.size() >= MAX_ENTRIES) {
                    throw new IOException("more than " + MAX_ENTRIES + " files: not an audit package");
                }
                names.add(e.getName());
                if (out.containsKey(e.getName())) {
                    problems.add("the archive holds " + e.getName() + " twice (zip tools may show either copy)");
                    continue;
                }
                byte[] b;
                try (InputStream in = z.getInputStream(e)) {
                    b = in.readNBytes((int) Math.min(MAX_ENTRY, Integer.MAX_VALUE - 8));
                    if (in.read() != -1) {
                        problems.add("file " + e.getName() + " is larger than " + MAX_ENTRY + " bytes: not checked");
                        continue;
                    }
                } catch (ZipException | EOFException x) {
                    problems.add("file " + e.getName() + " is damaged in the archive: " + x.getMessage());
                    continue;
                }
                CRC32 crc = new CRC32();
                crc.update(b);
                if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
                    problems.add("file " + e.getName() + " is damaged in the archive (its bytes no longer match the "
                            + "CRC stored with them)");
                }
                out.put(e.getName(), b);
            }
        }
        checkLocalEntries(zip, names, out, problems);
        return out;
    }

    private static void checkLocalEntries(
            Path zip, List<String> names, Map<String, byte[]> content, List<String> problems) {
        int i = 0;
        String current = null;
        try (ZipInputStream z = new ZipInputStream(new BufferedInputStream(Files.newInputStream(zip)))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                current = e.getName();
                if (i >= names.size() || !names.get(i).equals(current)) {
                    problems.add("the archive's local entry " + (i + 1) + " is " + current + " but its central "
                            + "directory lists " + (i < names.size() ? names.get(i) : "no more files")
                            + " (the archive was altered: zip tools may show different files)");
                    return;
                }
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = z.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
                byte[] c = content.get(current);
                if (c != null && !MessageDigest.isEqual(sha.digest(), MerkleHash.sha256(c))) {
                    problems.add("file " + current + ": the archive holds two different copies (local entry and "
                            + "central directory disagree)");
                }
                i++;
            }
            if (i < names.size()) {
                problems.add("a streaming zip reader sees " + i + " of the " + names.size() + " files in the archive "
                        + "(bytes added before the first entry, or the archive is damaged)");
            }
        } catch (IOException x) {
            problems.add("the archive is damaged at " + (current == null ? "its first entry" : "entry " + current)
                    + ": " + x.getMessage());
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }
}
