package io.visionhub.ledger.heads;

import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.merkle.MerkleHash;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs tree heads with an Ed25519 key held in a PKCS12 keystore file, outside the database; creates the
 * keystore (key + self-signed certificate) on first start. Whoever can only write the database cannot
 * produce a valid head. The same keystore holds the secret of the per-record MAC ({@link RecordMac}, alias
 * {@code <key-alias>-record-mac}), created with the signing key.
 * <p>
 * The hub opens it with {@link #openForLog}: a new key is made only for an empty ledger, so a deleted keystore
 * can never be replaced quietly by a fresh key that signs a rewritten log.
 */
public class KeystoreTreeHeadSigner implements TreeHeadSigner {

    public static final String ALGORITHM = "Ed25519";
    private static final Logger LOG = LoggerFactory.getLogger(KeystoreTreeHeadSigner.class);

    /** the signing key in use; replaced only by {@link #activate} after a recorded, signed rotation */
    private volatile Keys keys;

    private final RecordMac recordMac;
    private final Path path;
    private final char[] password;
    private final String alias;
    /** earlier keys of this keystore (rotated away, kept as {@code <alias>-<key id>}), oldest first */
    private final List<X509Certificate> previous = new CopyOnWriteArrayList<>();
    /** a new key made by {@link #prepareRotation}, not yet in use */
    private volatile KeyPair pending;

    private record Keys(PrivateKey privateKey, X509Certificate certificate, String keyId) {
        Keys(PrivateKey privateKey, X509Certificate certificate) {
            this(privateKey, certificate, keyIdOf(certificate.getPublicKey()));
        }
    }

    private KeystoreTreeHeadSigner(
            PrivateKey privateKey,
            X509Certificate certificate,
            RecordMac recordMac,
            Path path,
            char[] password,
            String alias) {
        this.keys = new Keys(privateKey, certificate);
        this.recordMac = recordMac;
        this.path = path;
        this.password = password.clone();
        this.alias = alias;
    }

    /** Alias of the record-MAC secret next to the signing key of this alias. */
    public static String macAlias(String alias) {
        return alias + "-record-mac";
    }

    /**
     * Opens the keystore at path, creating it with a fresh Ed25519 key (and record-MAC secret) when absent, and adding
     * a record-MAC secret when it has none. For tests and tools that own their keystore; the hub uses
     * {@link #openForLog}.
     */
    public static KeystoreTreeHeadSigner openOrCreate(Path path, char[] password, String alias) {
        try {
            if (!Files.exists(path)) {
                create(path, password, alias);
            }
            KeystoreTreeHeadSigner s = load(path, password, alias);
            return s.recordMac != null ? s : addRecordMac(path, password, alias);
        } catch (IOException | GeneralSecurityException e) {
            throw cannotOpen(path, e);
        }
    }

    /** Opens an existing keystore without changing it (the verify command); recordMac() is null when it has none. */
    public static KeystoreTreeHeadSigner open(Path path, char[] password, String alias) {
        if (!Files.exists(path)) {
            throw new LedgerException("no ledger keystore at " + path.toAbsolutePath());
        }
        try {
            return load(path, password, alias);
        } catch (IOException | GeneralSecurityException e) {
            throw cannotOpen(path, e);
        }
    }

    /**
     * Opens the hub's keystore for a log that holds {@code records} records. Creates a key only when the log is empty:
     * a missing keystore with records present means the key was lost or deleted (perhaps to rewrite the log and sign
     * it anew), and the hub refuses to start rather than sign with a key no earlier head knows. A keystore without a
     * record-MAC secret gets one only while no record of the log carries a MAC (upgrade of a log written before V6:
     * its records are covered by signed heads only); if records carry MACs, the secret was lost and the hub refuses.
     */
    public static KeystoreTreeHeadSigner openForLog(
            Path path, char[] password, String alias, long records, boolean logHasMacs) {
        if (!Files.exists(path)) {
            if (records > 0) {
                throw new LedgerException("the ledger holds " + records + " records but its signing keystore "
                        + path.toAbsolutePath() + " is missing. Not creating a new key: heads signed with it would "
                        + "vouch for a log no earlier head or pinned certificate knows. Restore the keystore from its "
                        + "backup (and check the log with the ledger command 'verify --certificate <pinned PEM>')");
            }
            return openOrCreate(path, password, alias);
        }
        try {
            KeystoreTreeHeadSigner s = load(path, password, alias);
            if (s.recordMac != null) {
                return s;
            }
            if (logHasMacs) {
                throw new LedgerException("the signing keystore " + path.toAbsolutePath()
                        + " has no record-MAC secret '"
                        + macAlias(alias) + "' but the ledger's records carry MACs: the secret was removed. Restore "
                        + "the keystore from its backup");
            }
            LOG.warn(
                    "Adding a record-MAC secret to the ledger keystore {}: records 0..{} were written before record "
                            + "MACs (Flyway V6) and are covered by signed heads only; every later record carries a MAC",
                    path.toAbsolutePath(),
                    records - 1);
            return addRecordMac(path, password, alias);
        } catch (IOException | GeneralSecurityException e) {
            throw cannotOpen(path, e);
        }
    }

    private static LedgerException cannotOpen(Path path, Exception e) {
        return new LedgerException(
                "cannot open the tree-head signing keystore " + path.toAbsolutePath() + ": " + e.getMessage()
                        + " (wrong visionhub.ledger.heads.keystore-password?)",
                e);
    }

    private static KeystoreTreeHeadSigner load(Path path, char[] password, String alias)
            throws IOException, GeneralSecurityException {
        KeyStore ks = read(path, password);
        if (!(ks.getKey(alias, password) instanceof PrivateKey key)) {
            throw new LedgerException("keystore " + path.toAbsolutePath() + " has no private key '" + alias
                    + "'; set visionhub.ledger.heads.key-alias");
        }
        Certificate cert = ks.getCertificate(alias);
        RecordMac mac = ks.getKey(macAlias(alias), password) instanceof SecretKey secret ? new RecordMac(secret) : null;
        KeystoreTreeHeadSigner s = new KeystoreTreeHeadSigner(key, (X509Certificate) cert, mac, path, password, alias);
        for (String a : Collections.list(ks.aliases())) {
            if (a.startsWith(alias + "-") && ks.isKeyEntry(a) && ks.getCertificate(a) instanceof X509Certificate c) {
                s.previous.add(c);
            }
        }
        s.previous.sort(Comparator.comparing(X509Certificate::getNotBefore));
        return s;
    }

    private static KeyStore read(Path path, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password);
        }
        return ks;
    }

    private static KeystoreTreeHeadSigner addRecordMac(Path path, char[] password, String alias)
            throws IOException, GeneralSecurityException {
        KeyStore ks = read(path, password);
        ks.setEntry(
                macAlias(alias),
                new KeyStore.SecretKeyEntry(RecordMac.newKey()),
                new KeyStore.PasswordProtection(password));
        store(ks, path, password);
        return load(path, password, alias);
    }

    private static void store(KeyStore ks, Path path, char[] password) throws IOException, GeneralSecurityException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "ledger-key", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static X509Certificate selfSigned(KeyPair kp) throws GeneralSecurityException {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Vision Hub ledger tree heads");
        try {
            var holder = new JcaX509v3CertificateBuilder(
                            name,
                            BigInteger.valueOf(now.toEpochMilli()),
                            Date.from(now.minus(Duration.ofDays(1))),
                            Date.from(now.plus(Duration.ofDays(365L * 30))),
                            name,
                            kp.getPublic())
                    .build(new JcaContentSignerBuilder(ALGORITHM).build(kp.getPrivate()));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot self-sign the ledger key certificate", e);
        }
    }

    /**
     * Makes a new key (not yet used) and the statement, signed by the key in use, that it follows it. The ledger
     * records the statement, signs a head over it with the current key, and only then calls {@link #activate}.
     */
    public synchronized KeyRotation prepareRotation(Instant at) {
        try {
            KeyPair kp = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            String cert = Base64.getEncoder().encodeToString(selfSigned(kp).getEncoded());
            Keys k = keys;
            String newKeyId = keyIdOf(kp.getPublic());
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(k.privateKey());
            s.update(KeyRotation.signedBytes(k.keyId(), newKeyId, cert, at));
            pending = kp;
            return new KeyRotation(
                    k.keyId(), newKeyId, cert, at, Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new LedgerException("cannot make a new ledger signing key: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the key of a prepared rotation in use: the keystore file gets it under the key alias, the previous key
     * stays in the file under {@code <alias>-<previous key id>} (kept, never used to sign again), the record-MAC
     * secret is unchanged.
     */
    public synchronized void activate(KeyRotation rotation) {
        KeyPair kp = pending;
        if (kp == null || !keyIdOf(kp.getPublic()).equals(rotation.newKeyId())) {
            throw new LedgerException("no prepared key " + rotation.newKeyId() + " to activate");
        }
        try {
            Keys old = keys;
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(
                            new ByteArrayInputStream(Base64.getDecoder().decode(rotation.newCertificate())));
            KeyStore ks = read(path, password);
            ks.setKeyEntry(
                    alias + "-" + old.keyId(), old.privateKey(), password, new Certificate[] {old.certificate()});
            ks.setKeyEntry(alias, kp.getPrivate(), password, new Certificate[] {cert});
            store(ks, path, password);
            keys = new Keys(kp.getPrivate(), cert);
            previous.add(old.certificate());
            pending = null;
            LOG.warn(
                    "Ledger signing key rotated: {} -> {} (keystore {}; the previous key is kept there as '{}-{}'). "
                            + "Export the new certificate with the ledger command 'public-key' and give it to whoever pins "
                            + "the key",
                    old.keyId(),
                    rotation.newKeyId(),
                    path.toAbsolutePath(),
                    alias,
                    old.keyId());
        } catch (IOException | GeneralSecurityException e) {
            throw new LedgerException(
                    "cannot write the rotated key to " + path.toAbsolutePath() + ": " + e.getMessage()
                            + " (the previous key stays in use)",
                    e);
        }
    }

    private static void create(Path path, char[] password, String alias) throws IOException, GeneralSecurityException {
        KeyPair kp = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        X509Certificate cert = selfSigned(kp);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(alias, kp.getPrivate(), password, new Certificate[] {cert});
        ks.setEntry(
                macAlias(alias),
                new KeyStore.SecretKeyEntry(RecordMac.newKey()),
                new KeyStore.PasswordProtection(password));
        store(ks, path, password);
        LOG.warn(
                "Created a new Ed25519 tree-head signing key in {} (key id {}). Back it up and keep it away from "
                        + "the database; export the public key with the ledger command 'public-key'.",
                path.toAbsolutePath(),
                keyIdOf(kp.getPublic()));
    }

    public static String keyIdOf(PublicKey key) {
        return MerkleHash.hex(MerkleHash.sha256(key.getEncoded())).substring(0, 16);
    }

    @Override
    public SignedTreeHead sign(long treeSize, String rootHashHex, Instant signedAt) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            Keys k = keys;
            s.initSign(k.privateKey());
            s.update(SignedTreeHead.signedBytes(treeSize, rootHashHex, signedAt));
            return new SignedTreeHead(
                    treeSize,
                    rootHashHex,
                    signedAt,
                    k.keyId(),
                    ALGORITHM,
                    Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new LedgerException("cannot sign tree head " + treeSize + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean verify(SignedTreeHead head) {
        return verify(head, publicKey());
    }

    /** Checks a head against a public key (also used offline, from the certificate in an audit package). */
    public static boolean verify(SignedTreeHead head, PublicKey key) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(head.signedBytes());
            return s.verify(Base64.getDecoder().decode(head.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String keyId() {
        return keys.keyId();
    }

    public PublicKey publicKey() {
        return keys.certificate().getPublicKey();
    }

    public X509Certificate certificate() {
        return keys.certificate();
    }

    /** The public keys of this keystore: the key in use first, then the earlier ones it rotated away from. */
    public List<PublicKey> keyHistory() {
        List<PublicKey> out = new ArrayList<>();
        out.add(publicKey());
        for (int i = previous.size() - 1; i >= 0; i--) {
            out.add(previous.get(i).getPublicKey());
        }
        return out;
    }

    /** The certificates of this keystore, oldest first, the one in use last (an audit package's key chain). */
    public List<X509Certificate> certificateHistory() {
        List<X509Certificate> out = new ArrayList<>(previous);
        out.add(certificate());
        return out;
    }

    /** The per-record MAC kept in this keystore, or null when it has none (opened with {@link #open}). */
    public RecordMac recordMac() {
        return recordMac;
    }

    /**
     * Signs another document of the ledger with the head key (the audit package manifest), base64. The bytes must
     * not start like a tree head's, so such a signature can never pass for one.
     */
    public String signDocument(byte[] bytes) {
        if (new String(bytes, 0, Math.min(bytes.length, 32), StandardCharsets.UTF_8)
                .startsWith("visionhub-tree-head/")) {
            throw new IllegalArgumentException("tree heads are signed by sign(), not as documents");
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(keys.privateKey());
            s.update(bytes);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new LedgerException("cannot sign a document with the head key: " + e.getMessage(), e);
        }
    }
}
