package io.visionhub.opcua.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Period;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;

/**
 * The hub's application instance certificate towards OPC UA servers (PLCs, the MES): created once (RSA 2048,
 * self-signed, application URI {@link #APPLICATION_URI}) and kept in a PKCS12 file ({@link #FILE} in the pki
 * folder), so a server trusts it once and keeps trusting it across restarts. The name and URI stay those of the
 * first user, the PLC client, so PLCs that already trust it need nothing new.
 */
public record OpcUaClientCertificate(KeyPair keys, X509Certificate certificate) {

    public static final String APPLICATION_URI = "urn:visionhub:plc-client";
    /** The key store's file name in the pki folder; {@code plc-client.der} beside it is the certificate to trust. */
    public static final String FILE = "plc-client.pfx";

    private static final String ALIAS = "plc-client";

    /** Loads the certificate from the file, or creates it there. */
    public static OpcUaClientCertificate loadOrCreate(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, password);
            }
            Certificate cert = store.getCertificate(ALIAS);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, password);
            if (cert == null || key == null) {
                throw new IllegalStateException(
                        "PLC client key store " + file.toAbsolutePath() + " has no entry '" + ALIAS
                                + "': remove the file to have a new certificate made (the PLC must then trust it anew)");
            }
            return new OpcUaClientCertificate(new KeyPair(cert.getPublicKey(), key), (X509Certificate) cert);
        }
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair keys = gen.generateKeyPair();
        X509Certificate cert = new SelfSignedCertificateBuilder(keys)
                .setCommonName("Vision Hub PLC client")
                .setOrganization("Vision Hub")
                .setApplicationUri(APPLICATION_URI)
                .setValidityPeriod(Period.ofYears(5))
                .addDnsName("localhost")
                .build();
        store.load(null, null);
        store.setKeyEntry(ALIAS, keys.getPrivate(), password, new Certificate[] {cert});
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        Files.write(file.resolveSibling("plc-client.der"), cert.getEncoded());
        return new OpcUaClientCertificate(keys, cert);
    }
}
