package io.visionhub.outputs.opcua;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * Independent Milo clients of the hub's OPC UA server, and the two server set-ups they are tested against: the
 * demo one (security None, anonymous) and the production one (secure endpoints, a user with a password). Clients
 * on a secure endpoint have an application instance certificate of their own.
 */
public final class OpcUaTestClients {

    /** A client application identity: key pair and self-signed certificate. */
    public record ClientIdentity(String applicationUri, KeyPair keys, X509Certificate certificate) {

        public static ClientIdentity create(String name) throws Exception {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair keys = gen.generateKeyPair();
            String uri = "urn:visionhub:test:" + name;
            X509Certificate cert = new SelfSignedCertificateBuilder(keys)
                    .setCommonName(name)
                    .setApplicationUri(uri)
                    .addDnsName("localhost")
                    .addIpAddress("127.0.0.1")
                    .build();
            return new ClientIdentity(uri, keys, cert);
        }

        /** Puts the certificate into the server's trust list (pki/trusted/certs). */
        public void trustOn(Path pkiDir) throws Exception {
            Path dir = Files.createDirectories(pkiDir.resolve("trusted").resolve("certs"));
            Files.write(dir.resolve(applicationUri.replaceAll("[^A-Za-z0-9]", "_") + ".der"), certificate.getEncoded());
        }
    }

    private OpcUaTestClients() {}

    public static OpcUaClient connect(
            String endpointUrl,
            ClientIdentity id,
            SecurityPolicy policy,
            MessageSecurityMode mode,
            IdentityProvider user)
            throws Exception {
        OpcUaClient client = OpcUaClient.create(
                endpointUrl.replace("/visionhub", "/visionhub/discovery"),
                endpoints -> endpoints.stream()
                        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
                        .findFirst(),
                transport -> {},
                config -> config.setApplicationName(LocalizedText.english(id.applicationUri()))
                        .setApplicationUri(id.applicationUri())
                        .setKeyPair(id.keys())
                        .setCertificate(id.certificate())
                        .setCertificateChain(new X509Certificate[] {id.certificate()})
                        .setCertificateValidator((chain, uri, hosts) -> {})
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

    /** The demo set-up on a free loopback port: security None and anonymous allowed. */
    public static OpcUaServerProperties demoServer(Path pkiDir, String... stations) {
        return OpcUaServerProperties.defaults()
                .withListen("127.0.0.1", 0)
                .withAllowSecurityNone(true)
                .withAllowAnonymous(true)
                .withPkiDir(pkiDir.toString())
                .withStations(List.of(stations));
    }

    /** The production set-up on a free loopback port: no None, no anonymous, user {@code scada} with a password. */
    public static OpcUaServerProperties secureServer(Path pkiDir, String scadaPassword) {
        return OpcUaServerProperties.defaults()
                .withListen("127.0.0.1", 0)
                .withAllowSecurityNone(false)
                .withAllowAnonymous(false)
                .withUsers(List.of(new OpcUaServerProperties.User("scada", scadaPassword, List.of())))
                .withPkiDir(pkiDir.toString())
                .withStations(List.of("station-1"));
    }

    /** An anonymous client on the server's security None endpoint (the demo set-up), connected. */
    public static OpcUaClient connectAnonymous(String endpointUrl) throws Exception {
        OpcUaClient client = OpcUaClient.create(
                endpointUrl,
                endpoints -> endpoints.stream()
                        .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri()))
                        .findFirst(),
                transport -> {},
                config -> config.setIdentityProvider(new AnonymousProvider()));
        client.connect();
        return client;
    }

    /** The client's index of a namespace, e.g. {@link StationNamespace#NAMESPACE_URI}. */
    public static int namespaceIndex(OpcUaClient client, String namespaceUri) {
        return client.getNamespaceTable().getIndex(namespaceUri).intValue();
    }

    /** Disconnects the client and stops the server, each where it was started (for {@code @AfterAll}). */
    public static void stop(OpcUaClient client, HubOpcUaServer server) throws Exception {
        if (client != null) {
            client.disconnect();
        }
        if (server != null) {
            server.stop();
        }
    }

    /** Where the node-opcua test clients live (src/test/node); {@code npm install} there puts node-opcua in place. */
    public static final Path NODE_DIR = Path.of("src/test/node");

    /** Skips the calling test where node-opcua is not installed (a fresh clone; CI installs it). */
    public static void assumeNodeOpcuaInstalled() {
        Assumptions.assumeTrue(
                Files.isDirectory(NODE_DIR.resolve("node_modules/node-opcua")),
                "node-opcua not installed: run `npm install` in src/test/node (CI does)");
    }

    /**
     * Runs a node-opcua client script from {@link #NODE_DIR} to its end (at most 60 s) and returns its output lines
     * (stdout and stderr); when it prints READY, runs {@code onReady} (may be null) while it keeps listening.
     */
    public static List<String> runNodeClient(Runnable onReady, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(NODE_DIR.toFile())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if ("READY".equals(line) && onReady != null) {
                    onReady.run();
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return lines;
    }
}
