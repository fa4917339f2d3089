package io.visionhub.plc;

import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;

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

/**
 * The hub's application instance certificate towards PLCs: created once (RSA 2048, self-signed, application URI
 * {@link #APPLICATION_URI}) and kept in a PKCS12 file, so a PLC trusts it once and keeps trusting it across restarts.
 */
public record PlcClientCertificate(KeyPair keys, X509Certificate certificate) {

    public static final String APPLICATION_URI = "urn:visionhub:plc-client";
    private static final String ALIAS = "plc-client";

    /** Loads the certificate from the file, or creates it there. */
    public static PlcClientCertificate loadOrCreate(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, password);
            }
            Certificate cert = store.getCertificate(ALIAS);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, password);
            if (cert == null || key == null) {
                throw new IllegalStateException("PLC client key store " + file.toAbsolutePath() + " has no entry '"
                        + ALIAS + "': remove the file to have a new certificate made (the PLC must then trust it anew)");
            }
            return new PlcClientCertificate(new KeyPair(cert.getPublicKey(), key), (X509Certificate) cert);
        }
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair keys = gen.generateKeyPair();
        X509Certificate cert = new SelfSignedCertificateBuilder(keys).setCommonName("Vision Hub PLC client")
                .setOrganization("Vision Hub").setApplicationUri(APPLICATION_URI).setValidityPeriod(Period.ofYears(5))
                .addDnsName("localhost").build();
        store.load(null, null);
        store.setKeyEntry(ALIAS, keys.getPrivate(), password, new Certificate[]{cert});
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        Files.write(file.resolveSibling("plc-client.der"), cert.getEncoded());
        return new PlcClientCertificate(keys, cert);
    }
}
