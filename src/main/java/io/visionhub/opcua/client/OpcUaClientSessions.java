package io.visionhub.opcua.client;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's OPC UA client sessions, one per server and security settings: the PLC handshake and the MES context
 * subscription that talk to the same server with the same settings ({@link OpcUaClientSettings#sharingKey()}) share
 * one Milo client and so one session (a PLC or an edge gateway often allows only a few). Each user holds a
 * {@link Lease}; the session is opened by the first {@link #acquire} and closed when the last lease is closed.
 * Each user keeps its own subscription and listeners on the shared client and removes them before it lets go.
 */
public class OpcUaClientSessions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaClientSessions.class);

    private final Map<Object, Shared> sessions = new HashMap<>();
    private boolean closed;

    /**
     * The connected client for these settings: the session already open for them, or a new one. A server that
     * does not answer or refuses the settings throws (nothing is kept: the next call tries anew).
     *
     * @param user who holds the lease, for the logs (e.g. "PLC handshake", "MES context")
     */
    public Lease acquire(OpcUaClientSettings settings, String user) throws Exception {
        if (settings.endpointUrl().isBlank()) {
            throw new IllegalArgumentException(settings.configPrefix() + ".endpoint-url is empty");
        }
        Shared shared;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the hub's OPC UA client sessions are closed (the hub is stopping)");
            }
            shared = sessions.computeIfAbsent(settings.sharingKey(), k -> new Shared(settings));
            shared.users.add(user);
            for (Shared other : sessions.values()) {
                if (other != shared && other.settings.endpointUrl().equals(settings.endpointUrl())) {
                    LOG.warn(
                            "{} ({}) and {} ({}) talk to {} with different security settings: two sessions to one "
                                    + "server. Give both the same security-policy, security-mode, user, pki-dir and "
                                    + "trusted-server-certs to share one",
                            user,
                            settings.configPrefix(),
                            other.users,
                            other.settings.configPrefix(),
                            settings.endpointUrl());
                }
            }
        }
        try {
            OpcUaClient client = shared.connected(user);
            return new Lease(shared, client, user);
        } catch (Exception | Error e) {
            release(shared, user);
            throw e;
        }
    }

    private void release(Shared shared, String user) {
        boolean last;
        synchronized (this) {
            shared.users.remove(user);
            last = shared.users.isEmpty();
            if (last && sessions.get(shared.settings.sharingKey()) == shared) {
                sessions.remove(shared.settings.sharingKey());
            }
        }
        if (last) {
            shared.disconnect();
        }
    }

    /** How many sessions are open or opening (tests, health). */
    public synchronized int sessionCount() {
        return sessions.size();
    }

    /** Closes every session still held (the hub stops; each user has normally let go before). */
    @Override
    public void close() {
        List<Shared> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        open.forEach(Shared::disconnect);
    }

    /** One user's hold on a shared session: {@link #close()} lets go (the session closes with its last user). */
    public final class Lease implements AutoCloseable {
        private final Shared shared;
        private final OpcUaClient client;
        private final String user;
        private boolean released;

        private Lease(Shared shared, OpcUaClient client, String user) {
            this.shared = shared;
            this.client = client;
            this.user = user;
        }

        public OpcUaClient client() {
            return client;
        }

        /** Whether another user holds the same session now. */
        public boolean shared() {
            synchronized (OpcUaClientSessions.this) {
                return shared.users.size() > 1;
            }
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                release(shared, user);
            }
        }
    }

    /** One server session and who holds it. */
    private static final class Shared {
        final OpcUaClientSettings settings;
        final List<String> users = new ArrayList<>();
        private OpcUaClient client;

        Shared(OpcUaClientSettings settings) {
            this.settings = settings;
        }

        /** The client, connected by the first caller; later callers wait for that connect and share it. */
        synchronized OpcUaClient connected(String user) throws Exception {
            if (client != null) {
                LOG.info("{} shares the OPC UA session to {}", user, settings.describe());
                return client;
            }
            OpcUaClient c = create(settings);
            try {
                c.connect();
            } catch (Exception e) {
                disconnectQuietly(c);
                throw e;
            }
            client = c;
            LOG.info("OPC UA session to {} opened for {}", settings.describe(), user);
            return c;
        }

        synchronized void disconnect() {
            if (client != null) {
                disconnectQuietly(client);
                LOG.info("OPC UA session to {} closed", settings.describe());
                client = null;
            }
        }
    }

    private static void disconnectQuietly(OpcUaClient c) {
        try {
            c.disconnect();
        } catch (Exception e) {
            LOG.debug("OPC UA client not disconnected cleanly: {}", e.toString());
        }
    }

    /** A Milo client for the settings (not yet connected). */
    static OpcUaClient create(OpcUaClientSettings s) throws Exception {
        IdentityProvider identity =
                s.username().isBlank() ? new AnonymousProvider() : new UsernameProvider(s.username(), s.password());
        OpcUaClientCertificate own = null;
        if (s.securityPolicy() != SecurityPolicy.None) {
            Path store = Path.of(s.pkiDir()).resolve(OpcUaClientCertificate.FILE);
            own = OpcUaClientCertificate.loadOrCreate(
                    store, s.keyStorePassword().toCharArray());
            LOG.info(
                    "OPC UA client certificate {} (application URI {}): the server must trust it (give it {})",
                    store.toAbsolutePath(),
                    OpcUaClientCertificate.APPLICATION_URI,
                    store.resolveSibling("plc-client.der").toAbsolutePath());
        }
        List<X509Certificate> trusted = trustedCertificates(s);
        OpcUaClientCertificate cert = own;
        URI configured = URI.create(s.endpointUrl());
        AtomicReference<List<EndpointDescription>> offered = new AtomicReference<>(List.of());
        try {
            return OpcUaClient.create(
                    s.endpointUrl(),
                    endpoints -> {
                        offered.set(endpoints);
                        // the configured address, not the one the server announces (NAT, a gateway, a second card)
                        return endpoints.stream()
                                .filter(e -> s.securityPolicy().getUri().equals(e.getSecurityPolicyUri())
                                        && e.getSecurityMode() == s.securityMode())
                                .findFirst()
                                .map(e -> configured.getHost() == null || configured.getPort() < 0
                                        ? e
                                        : EndpointUtil.updateUrl(e, configured.getHost(), configured.getPort()));
                    },
                    transport -> {},
                    config -> {
                        config.setApplicationName(LocalizedText.english("Vision Hub"))
                                .setApplicationUri(OpcUaClientCertificate.APPLICATION_URI)
                                .setIdentityProvider(identity)
                                .setRequestTimeout(UInteger.valueOf(Math.max(1000, s.requestTimeoutMs())));
                        if (cert != null) {
                            config.setKeyPair(cert.keys())
                                    .setCertificate(cert.certificate())
                                    .setCertificateChain(new X509Certificate[] {cert.certificate()});
                        }
                        if (!trusted.isEmpty()) {
                            MemoryTrustListManager trust = new MemoryTrustListManager();
                            trusted.forEach(trust::addTrustedCertificate);
                            config.setCertificateValidator(
                                    new DefaultClientCertificateValidator(trust, new MemoryCertificateQuarantine()));
                        }
                    });
        } catch (Exception e) {
            List<EndpointDescription> list = offered.get();
            if (!list.isEmpty()
                    && list.stream()
                            .noneMatch(d -> s.securityPolicy().getUri().equals(d.getSecurityPolicyUri())
                                    && d.getSecurityMode() == s.securityMode())) {
                throw new IllegalStateException(
                        "OPC UA server " + s.endpointUrl() + " offers no endpoint with " + s.configPrefix()
                                + ".security-policy " + s.securityPolicy().name() + " and security-mode "
                                + s.securityMode() + "; it offers " + offers(list),
                        e);
            }
            throw e;
        }
    }

    private static String offers(List<EndpointDescription> list) {
        List<String> out = new ArrayList<>();
        for (EndpointDescription d : list) {
            String policy = SecurityPolicy.fromUriSafe(d.getSecurityPolicyUri())
                    .map(SecurityPolicy::name)
                    .orElse(d.getSecurityPolicyUri());
            out.add(policy + "/" + d.getSecurityMode());
        }
        return out.stream().distinct().toList().toString();
    }

    /** The server certificates listed in trusted-server-certs (DER or PEM files), each refused by name when unreadable. */
    public static List<X509Certificate> trustedCertificates(OpcUaClientSettings s) {
        List<X509Certificate> out = new ArrayList<>();
        for (String file : s.trustedServerCerts()) {
            Path p = Path.of(file.strip());
            int before = out.size();
            try (InputStream in = Files.newInputStream(p)) {
                CertificateFactory f = CertificateFactory.getInstance("X.509");
                for (var c : f.generateCertificates(in)) {
                    out.add((X509Certificate) c);
                }
            } catch (Exception e) {
                throw new IllegalArgumentException(
                        s.configPrefix() + ".trusted-server-certs: " + p.toAbsolutePath()
                                + " is not a readable X.509 certificate (DER or PEM): " + e.getMessage(),
                        e);
            }
            if (out.size() == before) {
                throw new IllegalArgumentException(
                        s.configPrefix() + ".trusted-server-certs: " + p.toAbsolutePath() + " holds no certificate");
            }
        }
        return out;
    }
}
