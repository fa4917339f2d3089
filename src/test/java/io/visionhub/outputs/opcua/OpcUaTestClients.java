package io.visionhub.outputs.opcua;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;

/** Independent Milo clients with an application instance certificate of their own. */
public final class OpcUaTestClients {

    /** A client application identity: key pair and self-signed certificate. */
    public record ClientIdentity(String applicationUri, KeyPair keys, X509Certificate certificate) {

        public static ClientIdentity create(String name) throws Exception {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair keys = gen.generateKeyPair();
            String uri = "urn:visionhub:test:" + name;
            X509Certificate cert = new SelfSignedCertificateBuilder(keys).setCommonName(name).setApplicationUri(uri)
                    .addDnsName("localhost").addIpAddress("127.0.0.1").build();
            return new ClientIdentity(uri, keys, cert);
        }

        /** Puts the certificate into the server's trust list (pki/trusted/certs). */
        public void trustOn(Path pkiDir) throws Exception {
            Path dir = Files.createDirectories(pkiDir.resolve("trusted").resolve("certs"));
            Files.write(dir.resolve(applicationUri.replaceAll("[^A-Za-z0-9]", "_") + ".der"), certificate.getEncoded());
        }
    }

    private OpcUaTestClients() {
    }

    public static OpcUaClient connect(String endpointUrl, ClientIdentity id, SecurityPolicy policy,
                                      MessageSecurityMode mode, IdentityProvider user) throws Exception {
        OpcUaClient client = OpcUaClient.create(endpointUrl.replace("/visionhub", "/visionhub/discovery"),
                endpoints -> endpoints.stream()
                        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
                        .findFirst(),
                transport -> { },
                config -> config.setApplicationName(LocalizedText.english(id.applicationUri()))
                        .setApplicationUri(id.applicationUri())
                        .setKeyPair(id.keys())
                        .setCertificate(id.certificate())
                        .setCertificateChain(new X509Certificate[]{id.certificate()})
                        .setCertificateValidator((chain, uri, hosts) -> { })
                        .setIdentityProvider(user));
        try {
            client.connect();
        } catch (Exception e) {
            try {
                client.disconnect();
            } catch (Exception ignored) {
                // already closed
            }
            throw e;
        }
        return client;
    }
}
