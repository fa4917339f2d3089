package io.visionhub.ledger.heads;

import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.merkle.MerkleHash;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Signs tree heads with an Ed25519 key held in a PKCS12 keystore file, outside the database; creates the
 * keystore (key + self-signed certificate) on first start. Whoever can only write the database cannot
 * produce a valid head.
 */
public class KeystoreTreeHeadSigner implements TreeHeadSigner {

    public static final String ALGORITHM = "Ed25519";
    private static final Logger LOG = LoggerFactory.getLogger(KeystoreTreeHeadSigner.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final X509Certificate certificate;
    private final String keyId;

    private KeystoreTreeHeadSigner(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.publicKey = certificate.getPublicKey();
        this.keyId = keyIdOf(publicKey);
    }

    /** Opens the keystore at path, creating it with a fresh Ed25519 key when absent. */
    public static KeystoreTreeHeadSigner openOrCreate(Path path, char[] password, String alias) {
        try {
            if (!Files.exists(path)) {
                create(path, password, alias);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(path)) {
                ks.load(in, password);
            }
            if (!(ks.getKey(alias, password) instanceof PrivateKey key)) {
                throw new LedgerException("keystore " + path.toAbsolutePath() + " has no private key '" + alias
                        + "'; set visionhub.ledger.heads.key-alias or move the file away to create a new key");
            }
            Certificate cert = ks.getCertificate(alias);
            return new KeystoreTreeHeadSigner(key, (X509Certificate) cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new LedgerException("cannot open the tree-head signing keystore " + path.toAbsolutePath() + ": "
                    + e.getMessage() + " (wrong visionhub.ledger.heads.keystore-password?)", e);
        }
    }

    private static void create(Path path, char[] password, String alias) throws IOException, GeneralSecurityException {
        KeyPair kp = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Vision Hub ledger tree heads");
        X509Certificate cert;
        try {
            var holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365L * 30))), name,
                    kp.getPublic()).build(new JcaContentSignerBuilder(ALGORITHM).build(kp.getPrivate()));
            cert = new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot self-sign the ledger key certificate", e);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(alias, kp.getPrivate(), password, new Certificate[]{cert});
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "ledger-key", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        LOG.warn("Created a new Ed25519 tree-head signing key in {} (key id {}). Back it up and keep it away from "
                + "the database; export the public key with the ledger command 'public-key'.",
                path.toAbsolutePath(), keyIdOf(kp.getPublic()));
    }

    public static String keyIdOf(PublicKey key) {
        return MerkleHash.hex(MerkleHash.sha256(key.getEncoded())).substring(0, 16);
    }

    @Override
    public SignedTreeHead sign(long treeSize, String rootHashHex, Instant signedAt) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(SignedTreeHead.signedBytes(treeSize, rootHashHex, signedAt));
            return new SignedTreeHead(treeSize, rootHashHex, signedAt, keyId, ALGORITHM,
                    Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new LedgerException("cannot sign tree head " + treeSize + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean verify(SignedTreeHead head) {
        return verify(head, publicKey);
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
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }
}
