package io.visionhub.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Checks an audit package offline, without the hub's database: file sums against the manifest, the head's
 * signature (with the certificate in the package, or better a certificate or key id the auditor already
 * trusts), every record's leaf hash recomputed from its canonical entry and its inclusion proof in the head,
 * each image's SHA-256, and each signature's manifest hash and binding to the record it disposes.
 */
public final class AuditPackageVerifier {

    /** Result: ok, what was checked, and each problem. */
    public record Result(boolean ok, int records, int images, int signatures, long headTreeSize, String keyId,
                         List<String> problems) {
        public String summary() {
            return (ok ? "AUDIT PACKAGE VERIFIED: " : "AUDIT PACKAGE FAILED: ") + records + " records proven in the "
                    + "signed head of size " + headTreeSize + " (key " + keyId + "), " + images + " images and "
                    + signatures + " signatures checked" + (ok ? "." : "; " + problems.size() + " problem(s): "
                    + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
        }
    }

    private static final long MAX_ENTRY = 512L * 1024 * 1024;
    private static final int MAX_ENTRIES = 200_000;

    private AuditPackageVerifier() {
    }

    /**
     * @param zip           the package
     * @param trustedKeyId  key id the auditor trusts (from the hub's published certificate), or null to trust the
     *                      certificate inside the package (then only internal consistency is proven)
     */
    public static Result verify(InputStream zip, String trustedKeyId) throws IOException {
        Map<String, byte[]> files = unzip(zip);
        List<String> problems = new ArrayList<>();
        byte[] manifestBytes = files.get("manifest.json");
        if (manifestBytes == null) {
            return new Result(false, 0, 0, 0, 0, null, List.of("no manifest.json: not a Vision Hub audit package"));
        }
        JsonNode manifest = AuditPackageService.read(manifestBytes);
        manifest.path("files").fields().forEachRemaining(f -> {
            byte[] b = files.get(f.getKey());
            if (b == null) {
                problems.add("file " + f.getKey() + " listed in the manifest is missing");
            } else if (!MerkleHash.hex(MerkleHash.sha256(b)).equals(f.getValue().asText())) {
                problems.add("file " + f.getKey() + " was changed (SHA-256 differs from the manifest)");
            }
        });
        PublicKey key;
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(files.getOrDefault("head-signing-certificate.pem",
                            new byte[0])));
            key = cert.getPublicKey();
        } catch (CertificateException e) {
            return new Result(false, 0, 0, 0, 0, null, List.of("no readable head-signing certificate: "
                    + e.getMessage()));
        }
        String keyId = KeystoreTreeHeadSigner.keyIdOf(key);
        if (trustedKeyId != null && !trustedKeyId.equalsIgnoreCase(keyId)) {
            problems.add("the package's key " + keyId + " is not the trusted key " + trustedKeyId);
        }
        SignedTreeHead head = CanonicalJson.mapper().readValue(files.getOrDefault("signed-head.json",
                "{}".getBytes(StandardCharsets.UTF_8)), SignedTreeHead.class);
        if (head.signature() == null || !KeystoreTreeHeadSigner.verify(head, key)) {
            problems.add("the signed head does not verify with key " + keyId);
        }
        JsonNode records = AuditPackageService.read(files.getOrDefault("records.json", "[]".getBytes()));
        Map<Long, String> leafBySeq = new HashMap<>();
        int n = 0;
        int images = 0;
        for (JsonNode r : records) {
            n++;
            long seq = r.path("seq").asLong();
            String entry = r.path("entry").asText();
            byte[] leaf = MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8));
            leafBySeq.put(seq, MerkleHash.hex(leaf));
            if (!MerkleHash.hex(leaf).equals(r.path("leafHash").asText())) {
                problems.add("record " + seq + ": entry does not hash to its leaf hash (altered)");
            }
            JsonNode e = CanonicalJson.read(entry);
            if (e.path("seq").asLong(-1) != seq) {
                problems.add("record " + seq + ": entry says seq " + e.path("seq").asText());
            }
            JsonNode p = r.path("inclusionProof");
            List<byte[]> path = new ArrayList<>();
            p.path("auditPath").forEach(h -> path.add(MerkleHash.unhex(h.asText())));
            if (p.path("treeSize").asLong() != head.treeSize()
                    || !MerkleTree.verifyInclusion(seq, head.treeSize(), leaf, path, MerkleHash.unhex(head.rootHash()))) {
                problems.add("record " + seq + ": inclusion proof does not lead to the signed head's root");
            }
            JsonNode image = e.path("body").path("event").path("image");
            for (String field : new String[]{"sha256", "annotatedSha256"}) {
                String sha = image.path(field).asText(null);
                if (sha == null) {
                    continue;
                }
                byte[] img = files.get("images/" + sha);
                if (img == null) {
                    problems.add("record " + seq + ": image " + sha + " is not in the package");
                } else {
                    images++;
                    if (!FileImageStore.sha256(img).equals(sha)) {
                        problems.add("record " + seq + ": image " + sha + " was swapped (hash differs)");
                    }
                }
            }
        }
        int signatures = 0;
        for (JsonNode r : records) {
            JsonNode e = CanonicalJson.read(r.path("entry").asText());
            if (!"DISPOSITION".equals(e.path("type").asText())) {
                continue;
            }
            signatures++;
            JsonNode m = e.path("body").path("manifest");
            String hash = MerkleHash.hex(MerkleHash.sha256(CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8)));
            if (!hash.equals(e.path("body").path("signatureHash").asText())) {
                problems.add("signature " + m.path("dispositionId").asText() + ": manifest does not match its hash");
            }
            if ("INSPECTION".equals(m.path("targetType").asText())) {
                long target = m.path("targetSeqs").path(0).asLong(-1);
                String leaf = leafBySeq.get(target);
                if (leaf != null && !leaf.equals(m.path("targetHash").asText())) {
                    problems.add("signature " + m.path("dispositionId").asText() + " is bound to another record "
                            + "than seq " + target);
                }
            }
        }
        return new Result(problems.isEmpty(), n, images, signatures, head.treeSize(), keyId, problems);
    }

    private static Map<String, byte[]> unzip(InputStream in) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                if (out.size() >= MAX_ENTRIES) {
                    throw new IOException("more than " + MAX_ENTRIES + " files: not an audit package");
                }
                byte[] b = z.readNBytes((int) Math.min(MAX_ENTRY, Integer.MAX_VALUE - 8));
                if (z.read() != -1) {
                    throw new IOException(e.getName() + " is larger than " + MAX_ENTRY + " bytes");
                }
                out.put(e.getName(), b);
            }
        }
        return out;
    }
}
