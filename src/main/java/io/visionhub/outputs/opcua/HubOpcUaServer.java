package io.visionhub.outputs.opcua;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;
import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;

import io.visionhub.access.LoginThrottle;
import io.visionhub.access.LoginThrottleProperties;
import io.visionhub.api.ApiRoles;
import io.visionhub.outputs.PortPicker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.KeyStoreCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's own OPC UA server (Eclipse Milo SDK): endpoints per configured security policy with Sign and
 * SignAndEncrypt (None only when allowed), username/password users, a file-based trust list whose rejected
 * client certificates are kept for review, and the {@link StationNamespace} with one object per station.
 */
public class HubOpcUaServer implements AutoCloseable {

    public static final String PRODUCT_URI = "urn:visionhub:opcua-server";
    private static final Logger LOG = LoggerFactory.getLogger(HubOpcUaServer.class);

    static {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider()); // Aes256_Sha256_RsaPss needs it
        }
    }

    private final OpcUaServerProperties props;
    private final LoginThrottle logins;
    private final String applicationUri;
    private OpcUaServer server;
    private StationNamespace namespace;
    private MachineVisionTypes machineVision;
    private int port = -1;
    private Path pkiDir;
    private volatile Supplier<LedgerResultSource> resultSource = () -> null;
    private volatile RecipeBook recipeBook;

    public HubOpcUaServer(OpcUaServerProperties props, String site) {
        this(props, site, new LoginThrottle("opcua", LoginThrottleProperties.defaults(), null, Clock.systemUTC()));
    }

    /** @param logins back-off after failed user-name logins (per user and client address, and per address) */
    public HubOpcUaServer(OpcUaServerProperties props, String site, LoginThrottle logins) {
        this.props = props;
        this.logins = logins;
        this.applicationUri = "urn:visionhub:" + site.replaceAll("[^A-Za-z0-9_.-]", "_") + ":opcua-server";
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        List<SecurityPolicy> policies = policies();
        if (policies.isEmpty() && !props.allowSecurityNone()) {
            throw new IllegalArgumentException("visionhub.opcua.security-policies is empty and security None is not "
                    + "allowed: no endpoint to offer; list Basic256Sha256 and/or Aes256_Sha256_RsaPss");
        }
        port = PortPicker.pick(props.bindAddress(), props.port());
        pkiDir = Path.of(props.pkiDir()).toAbsolutePath();
        Files.createDirectories(pkiDir.resolve("own"));

        var trustList = FileBasedTrustListManager.createAndInitialize(pkiDir);
        var quarantine =
                FileBasedCertificateQuarantine.create(pkiDir.resolve("rejected").resolve("certs"));
        char[] storePassword = props.keyStorePassword().toCharArray();
        var certificateStore = KeyStoreCertificateStore.createAndInitialize(new KeyStoreCertificateStore.Settings(
                pkiDir.resolve("own").resolve("server.pfx"), () -> storePassword, alias -> storePassword));
        var certificateFactory = new RsaSha256CertificateFactory() {
            @Override
            protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) throws Exception {
                SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(keyPair)
                        .setCommonName("Vision Hub OPC UA server")
                        .setOrganization("Vision Hub")
                        .setApplicationUri(applicationUri)
                        .setValidityPeriod(Period.ofYears(5))
                        .addDnsName("localhost")
                        .addIpAddress("127.0.0.1");
                if (!"localhost".equals(props.hostname())) {
                    builder.addDnsName(props.hostname());
                }
                return new X509Certificate[] {builder.build()};
            }
        };
        var validator = new DefaultServerCertificateValidator(trustList, quarantine);
        var group =
                DefaultApplicationGroup.createAndInitialize(trustList, certificateStore, certificateFactory, validator);
        var certificateManager = new DefaultCertificateManager(quarantine, group);
        X509Certificate certificate = group.getCertificateChain(
                        group.getSupportedCertificateTypeIds().get(0))
                .orElseThrow(() -> new IllegalStateException("OPC UA server certificate missing in " + pkiDir))[0];

        OpcUaServerConfig config = OpcUaServerConfig.builder()
                .setApplicationUri(applicationUri)
                .setApplicationName(LocalizedText.english("Vision Hub"))
                .setProductUri(PRODUCT_URI)
                .setBuildInfo(new BuildInfo(
                        PRODUCT_URI,
                        "Vision Hub",
                        "Vision Hub OPC UA server",
                        OpcUaServer.SDK_VERSION,
                        "",
                        DateTime.now()))
                .setEndpoints(endpoints(certificate, policies))
                .setCertificateManager(certificateManager)
                .setIdentityValidator(identityValidator())
                .build();
        OpcUaServer s = new OpcUaServer(
                config,
                profile -> new OpcTcpServerTransport(
                        OpcTcpServerTransportConfig.newBuilder().build()));
        MachineVisionTypes mv = new MachineVisionTypes(s);
        mv.startup();
        for (OpcUaServerProperties.User u : props.users()) {
            for (String role : u.roles()) {
                if (!ApiRoles.ALL.contains(role)) {
                    throw new IllegalArgumentException("visionhub.opcua.users: user '" + u.username()
                            + "' has unknown role '" + role + "'; roles are " + ApiRoles.ALL);
                }
            }
        }
        Map<String, List<String>> roles = props.users().stream()
                .filter(u -> u.username() != null)
                .collect(Collectors.toMap(
                        OpcUaServerProperties.User::username, u -> List.copyOf(u.roles()), (a, b) -> b));
        StationNamespace ns = new StationNamespace(s, mv, () -> resultSource.get(), () -> recipeBook, roles);
        ns.startup();
        s.startup().get(30, TimeUnit.SECONDS);
        server = s;
        namespace = ns;
        machineVision = mv;
        for (String station : props.stations()) {
            ns.station(station);
        }
        if (port != props.port() && props.port() != 0) {
            LOG.warn(
                    "OPC UA server: port {} is taken, listening on {} instead (set visionhub.opcua.port to choose)",
                    props.port(),
                    port);
        }
        LOG.info(
                "OPC UA server listening on {}:{} ({}) as {} with security {}{}; users: {}; anonymous: {}; trust list {} "
                        + "(refused client certificates land in {}, move them to trusted/certs to accept)",
                props.bindAddress(),
                port,
                PortPicker.describe(props.bindAddress(), "visionhub.opcua.bind-address"),
                endpointUrl(),
                policies.stream().map(Enum::name).collect(Collectors.joining(", ")),
                props.allowSecurityNone() ? ", None (visionhub.opcua.allow-security-none=true: demo only)" : "",
                props.users().size(),
                props.allowAnonymous(),
                pkiDir.resolve("trusted"),
                pkiDir.resolve("rejected").resolve("certs"));
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            namespace.shutdown();
            machineVision.shutdown();
            server.shutdown().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("OPC UA server on port {} did not stop cleanly: {}", port, e.getMessage());
        }
        server = null;
        namespace = null;
    }

    /** Where ResultManagement's methods read results (the ledger); without one they answer Error -3. */
    public void setResultSource(Supplier<LedgerResultSource> source) {
        this.resultSource = source == null ? () -> null : source;
    }

    /** The recipes (model cards) and product links RecipeManagement serves; without one it lists models in use. */
    public void setRecipeBook(RecipeBook book) {
        this.recipeBook = book;
    }

    public RecipeBook recipeBook() {
        return recipeBook;
    }

    @Override
    public void close() {
        stop();
    }

    /** opc.tcp://host:port/path of the server. */
    public String endpointUrl() {
        return "opc.tcp://" + props.hostname() + ":" + port + props.path();
    }

    public int port() {
        return port;
    }

    public Path pkiDir() {
        return pkiDir;
    }

    public String applicationUri() {
        return applicationUri;
    }

    public StationNamespace namespace() {
        return namespace;
    }

    public OpcUaServer server() {
        return server;
    }

    private List<SecurityPolicy> policies() {
        List<SecurityPolicy> out = new ArrayList<>();
        for (String name : props.securityPolicies()) {
            SecurityPolicy policy = switch (name.strip()) {
                case "Basic256Sha256" -> SecurityPolicy.Basic256Sha256;
                case "Aes256_Sha256_RsaPss" -> SecurityPolicy.Aes256_Sha256_RsaPss;
                case "Aes128_Sha256_RsaOaep" -> SecurityPolicy.Aes128_Sha256_RsaOaep;
                case "None" ->
                    throw new IllegalArgumentException("list None not in visionhub.opcua.security-policies "
                            + "but set visionhub.opcua.allow-security-none=true (demo only)");
                default ->
                    throw new IllegalArgumentException("unknown OPC UA security policy '" + name
                            + "' in visionhub.opcua.security-policies: use Basic256Sha256 or Aes256_Sha256_RsaPss");
            };
            out.add(policy);
        }
        return out;
    }

    private Set<EndpointConfig> endpoints(X509Certificate certificate, List<SecurityPolicy> policies) {
        EndpointConfig.Builder base = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress(props.bindAddress())
                .setBindPort(port)
                .setHostname(props.hostname())
                .setPath(props.path())
                .setCertificate(certificate);
        if (props.allowAnonymous()) {
            base.addTokenPolicy(USER_TOKEN_POLICY_ANONYMOUS);
        }
        if (!props.users().isEmpty()) {
            base.addTokenPolicy(USER_TOKEN_POLICY_USERNAME);
        }
        if (!props.allowAnonymous() && props.users().isEmpty()) {
            throw new IllegalArgumentException("OPC UA server: nobody could log in; add visionhub.opcua.users or set "
                    + "visionhub.opcua.allow-anonymous=true");
        }
        Set<EndpointConfig> out = new LinkedHashSet<>();
        for (SecurityPolicy policy : policies) {
            for (MessageSecurityMode mode : List.of(MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt)) {
                out.add(base.copy()
                        .setSecurityPolicy(policy)
                        .setSecurityMode(mode)
                        .build());
            }
        }
        if (props.allowSecurityNone()) {
            out.add(base.copy()
                    .setSecurityPolicy(SecurityPolicy.None)
                    .setSecurityMode(MessageSecurityMode.None)
                    .build());
        } else {
            // discovery only: clients must be able to ask for the secure endpoints (GetEndpoints) without security
            out.add(EndpointConfig.newBuilder()
                    .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                    .setBindAddress(props.bindAddress())
                    .setBindPort(port)
                    .setHostname(props.hostname())
                    .setPath(props.path() + "/discovery")
                    .setCertificate(certificate)
                    .setSecurityPolicy(SecurityPolicy.None)
                    .setSecurityMode(MessageSecurityMode.None)
                    .build());
        }
        return out;
    }

    private IdentityValidator identityValidator() {
        Map<String, String> users = props.users().stream()
                .filter(u -> u.username() != null && u.password() != null)
                .collect(Collectors.toMap(
                        OpcUaServerProperties.User::username, OpcUaServerProperties.User::password, (a, b) -> b));
        var usernames = new ThrottledUsernameValidator(users, logins);
        if (props.allowAnonymous()) {
            return new CompositeValidator(AnonymousIdentityValidator.INSTANCE, usernames);
        }
        return usernames;
    }
}
