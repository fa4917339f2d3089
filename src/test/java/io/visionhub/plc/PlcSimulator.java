package io.visionhub.plc;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;

import io.visionhub.outputs.PortPicker;
import io.visionhub.outputs.opcua.SubscribedNamespace;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigBuilder;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigLimits;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.nodes.AttributeObserver;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * A PLC simulator: a Milo OPC UA server (security None, anonymous) with, per station, the nodes a PLC program
 * exposes for a vision handshake under {@code ns=<urn:visionhub:plc-sim>;s=<station>.<Name>}: Trigger, PartId,
 * ResultPartId, ResultCode (Int16), Reject, ResultReady, Ack, and WrongType (a String where a number belongs).
 * It can refuse the next writes, and it reports every client write of a value with its arrival time.
 */
public final class PlcSimulator implements AutoCloseable {

    public static final String NAMESPACE_URI = "urn:visionhub:plc-sim";
    private static final Object[][] NODES = {
        {"Trigger", NodeIds.Boolean, false},
        {"PartId", NodeIds.String, ""},
        {"ResultPartId", NodeIds.String, ""},
        {"ResultCode", NodeIds.Int16, (short) 0},
        {"Reject", NodeIds.Boolean, false},
        {"ResultReady", NodeIds.Boolean, false},
        {"Ack", NodeIds.Boolean, false},
        {"WrongType", NodeIds.String, ""},
        {"TriggerAck", NodeIds.Boolean, false},
        // what an MES (or an edge gateway in front of PLC and MES) publishes for the line: the production context
        {"Order", NodeIds.String, ""},
        {"ContextVersion", NodeIds.Int32, 0}
    };

    private final OpcUaServer server;
    private final SimNamespace namespace;
    private X509Certificate serverCertificate;
    private final int port;
    private final AtomicInteger refuseWrites = new AtomicInteger();
    private volatile BiConsumer<String, Long> writeListener = (node, nanos) -> {};
    private volatile Consumer<Result> resultListener = r -> {};

    /** A result as the PLC program takes it: the values of one write that set ResultReady. */
    public record Result(String station, String partId, Object code, Object reject, long nanos) {}

    public PlcSimulator(List<String> stations) throws Exception {
        this(stations, null, null, null, 10.0, 0);
    }

    /**
     * A simulator on a given port: a PLC restarted at the address it had ({@link #port()} of the one before), with
     * its memory back at the initial values.
     */
    public static PlcSimulator onPort(List<String> stations, int port) throws Exception {
        return new PlcSimulator(stations, null, null, null, 10.0, port);
    }

    /**
     * A simulator whose server samples and publishes no faster than {@code minIntervalMs} (10 ms otherwise, a PLC's
     * usual minimum; benchmarks try less to show the share of the publishing interval).
     */
    public PlcSimulator(List<String> stations, double minIntervalMs) throws Exception {
        this(stations, null, null, null, minIntervalMs, 0);
    }

    /**
     * A simulator that offers only Basic256Sha256 SignAndEncrypt with a username and password, and trusts exactly
     * the given client certificate (the PLC-side trust list).
     */
    public static PlcSimulator secure(
            List<String> stations, X509Certificate trustedClient, String user, String password) throws Exception {
        return new PlcSimulator(stations, trustedClient, user, password, 10.0, 0);
    }

    private PlcSimulator(
            List<String> stations,
            X509Certificate trustedClient,
            String user,
            String password,
            double minIntervalMs,
            int fixedPort)
            throws Exception {
        port = fixedPort > 0 ? fixedPort : PortPicker.ephemeral("127.0.0.1");
        EndpointConfig.Builder base = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress("127.0.0.1")
                .setBindPort(port)
                .setHostname("127.0.0.1")
                .setPath("/plc");
        OpcUaServerConfigBuilder builder = OpcUaServerConfig.builder()
                .setApplicationUri("urn:visionhub:plc-simulator")
                .setApplicationName(LocalizedText.english("PLC simulator"))
                .setProductUri("urn:visionhub:plc-simulator")
                // a PLC's OPC UA server samples and publishes every 10 ms (Milo's default minimum is 100 ms)
                .setLimits(new OpcUaServerConfigLimits() {
                    @Override
                    public Double getMinSupportedSampleRate() {
                        return minIntervalMs;
                    }

                    @Override
                    public Double getMinPublishingInterval() {
                        return minIntervalMs;
                    }
                });
        if (trustedClient == null) {
            builder.setEndpoints(Set.of(base.setSecurityPolicy(SecurityPolicy.None)
                            .setSecurityMode(MessageSecurityMode.None)
                            .addTokenPolicy(USER_TOKEN_POLICY_ANONYMOUS)
                            .build()))
                    .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine()))
                    .setIdentityValidator(AnonymousIdentityValidator.INSTANCE);
        } else {
            MemoryTrustListManager trust = new MemoryTrustListManager();
            trust.addTrustedCertificate(trustedClient);
            MemoryCertificateQuarantine quarantine = new MemoryCertificateQuarantine();
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair keys = gen.generateKeyPair();
            X509Certificate own = new SelfSignedCertificateBuilder(keys)
                    .setCommonName("PLC simulator")
                    .setApplicationUri("urn:visionhub:plc-simulator")
                    .addIpAddress("127.0.0.1")
                    .build();
            DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(
                    trust,
                    new MemoryCertificateStore(),
                    new RsaSha256CertificateFactory() {
                        @Override
                        protected KeyPair createRsaSha256KeyPair() {
                            return keys;
                        }

                        @Override
                        protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) {
                            return new X509Certificate[] {own};
                        }
                    },
                    new DefaultServerCertificateValidator(trust, quarantine));
            serverCertificate = own;
            EndpointConfig secureEndpoint = base.setCertificate(own)
                    .setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                    .setSecurityMode(MessageSecurityMode.SignAndEncrypt)
                    .addTokenPolicy(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME)
                    .build();
            EndpointConfig discovery = base.copy()
                    .setPath("/plc/discovery")
                    .setSecurityPolicy(SecurityPolicy.None)
                    .setSecurityMode(MessageSecurityMode.None)
                    .build();
            builder.setEndpoints(Set.of(secureEndpoint, discovery))
                    .setCertificateManager(new DefaultCertificateManager(quarantine, group))
                    .setIdentityValidator(new UsernameIdentityValidator(
                            c -> user.equals(c.getUsername()) && password.equals(c.getPassword())));
        }
        OpcUaServerConfig config = builder.build();
        server = new OpcUaServer(
                config,
                p -> new OpcTcpServerTransport(
                        OpcTcpServerTransportConfig.newBuilder().build()));
        namespace = new SimNamespace(server, stations);
        namespace.startup();
        server.startup().get(30, TimeUnit.SECONDS);
    }

    public int port() {
        return port;
    }

    public String endpointUrl() {
        return "opc.tcp://127.0.0.1:" + port + "/plc";
    }

    /** The secure simulator's own certificate (what a client puts in its trust list); null when security is None. */
    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** Client sessions open on the server now. */
    public int sessionCount() {
        return server.getSessionManager().getCurrentSessionCount().intValue();
    }

    /** Node id text as the hub's configuration holds it. */
    public String nodeId(String station, String name) {
        return "ns=" + server.getNamespaceTable().getIndex(NAMESPACE_URI) + ";s=" + station + "." + name;
    }

    /** The PLC program sets the part id, then raises the trigger. */
    public void trigger(String station, String partId) {
        set(station, "PartId", new Variant(partId));
        set(station, "Trigger", new Variant(true));
    }

    public void set(String station, String name, Variant value) {
        // source time to the 100 ns, as a PLC stamps it: the hub pairs a trigger with the part id of its moment
        DateTime now = DateTime.nowNanos();
        namespace.nodes.get(station + "." + name).setValue(new DataValue(value, StatusCode.GOOD, now, now));
    }

    /** Called for each client write that raises ResultReady, with the result values written in the same call. */
    public void onResult(Consumer<Result> listener) {
        this.resultListener = listener;
    }

    public Object value(String station, String name) {
        return namespace.nodes.get(station + "." + name).getValue().getValue().getValue();
    }

    /** The next n client writes of values are refused with Bad_DeviceFailure. */
    public void refuseNextWrites(int n) {
        refuseWrites.set(n);
    }

    /** Called with (station.Name, System.nanoTime()) for each value a client writes. */
    public void onWrite(BiConsumer<String, Long> listener) {
        this.writeListener = listener;
    }

    @Override
    public void close() throws Exception {
        namespace.shutdown();
        server.shutdown().get(10, TimeUnit.SECONDS);
    }

    private final class SimNamespace extends SubscribedNamespace {
        final Map<String, UaVariableNode> nodes = new ConcurrentHashMap<>();

        /** Monitored items fed on each change, with the observer that feeds them. */
        final Map<Object, Map.Entry<UaVariableNode, AttributeObserver>> pushed = new ConcurrentHashMap<>();

        SimNamespace(OpcUaServer server, List<String> stations) {
            super(server, NAMESPACE_URI);
            getLifecycleManager().addStartupTask(() -> stations.forEach(this::station));
        }

        /**
         * Every change of a value is queued for its monitored items as it happens, as a PLC's server reports a change
         * of its own variables, instead of being sampled on Milo's timer: in a test JVM on a starved machine that timer
         * can miss a 30 ms pulse (or a whole part), which says nothing about the hub.
         */
        @Override
        public void onDataItemsCreated(List<DataItem> items) {
            List<DataItem> sampled = new ArrayList<>();
            for (DataItem item : items) {
                UaVariableNode node = nodes.values().stream()
                        .filter(n -> n.getNodeId().equals(item.getReadValueId().getNodeId()))
                        .findFirst()
                        .orElse(null);
                if (node == null
                        || !AttributeId.Value.uid().equals(item.getReadValueId().getAttributeId())) {
                    sampled.add(item);
                    continue;
                }
                AttributeObserver observer = (n, id, value) -> {
                    if (id == AttributeId.Value && value instanceof DataValue dv) {
                        item.setValue(dv);
                    }
                };
                synchronized (node) {
                    node.addAttributeObserver(observer);
                    item.setValue(node.getValue());
                }
                pushed.put(item.getId(), Map.entry(node, observer));
            }
            if (!sampled.isEmpty()) {
                super.onDataItemsCreated(sampled);
            }
        }

        @Override
        public void onDataItemsModified(List<DataItem> items) {
            List<DataItem> sampled =
                    items.stream().filter(i -> !pushed.containsKey(i.getId())).toList();
            if (!sampled.isEmpty()) {
                super.onDataItemsModified(sampled);
            }
        }

        @Override
        public void onDataItemsDeleted(List<DataItem> items) {
            List<DataItem> sampled = new ArrayList<>();
            for (DataItem item : items) {
                var e = pushed.remove(item.getId());
                if (e != null) {
                    e.getKey().removeAttributeObserver(e.getValue());
                } else {
                    sampled.add(item);
                }
            }
            if (!sampled.isEmpty()) {
                super.onDataItemsDeleted(sampled);
            }
        }

        private void station(String station) {
            UaFolderNode folder = new UaFolderNode(
                    getNodeContext(), newNodeId(station), newQualifiedName(station), LocalizedText.english(station));
            getNodeManager().addNode(folder);
            folder.addReference(
                    new Reference(folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
            for (Object[] n : NODES) {
                String name = (String) n[0];
                UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                        .setNodeId(newNodeId(station + "." + name))
                        .setAccessLevel(AccessLevel.READ_WRITE)
                        .setUserAccessLevel(AccessLevel.READ_WRITE)
                        .setBrowseName(newQualifiedName(name))
                        .setDisplayName(LocalizedText.english(name))
                        .setDataType((NodeId) n[1])
                        .setTypeDefinition(NodeIds.BaseDataVariableType)
                        .build();
                node.setValue(new DataValue(new Variant(n[2])));
                String key = station + "." + name;
                node.getFilterChain().addLast(new AttributeFilter() {
                    @Override
                    public void writeAttribute(AttributeFilterContext ctx, AttributeId id, Object value)
                            throws UaException {
                        if (id == AttributeId.Value) {
                            if (refuseWrites.getAndUpdate(x -> Math.max(0, x - 1)) > 0) {
                                throw new UaException(StatusCodes.Bad_DeviceFailure, "simulated PLC write failure");
                            }
                            writeListener.accept(key, System.nanoTime());
                        }
                        ctx.writeAttribute(id, value);
                        if (id == AttributeId.Value
                                && name.equals("ResultReady")
                                && value instanceof DataValue dv
                                && Boolean.TRUE.equals(dv.getValue().getValue())) {
                            // one Write call: part id, code and reject were applied before ResultReady
                            resultListener.accept(new Result(
                                    station,
                                    (String) value(station, "ResultPartId"),
                                    value(station, "ResultCode"),
                                    value(station, "Reject"),
                                    System.nanoTime()));
                        }
                    }
                });
                getNodeManager().addNode(node);
                folder.addOrganizes(node);
                nodes.put(key, node);
            }
        }
    }
}
