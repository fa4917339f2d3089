package io.visionhub.context;

import io.visionhub.event.ProductionContext;
import io.visionhub.opcua.client.OpcUaClientSessions;
import io.visionhub.opcua.client.OpcUaClientSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The OPC UA path of the production context: the hub subscribes to one trigger node per line on the MES's
 * OPC UA server (by default the context version, which the MES writes last); when it changes, the hub reads
 * all the line's context nodes in one Read call and applies them through {@link ProductionContextStore}, with
 * the same checks as a REST push (stale versions refused and logged).
 */
public class OpcUaContextSubscriber implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaContextSubscriber.class);

    /** Fields of {@link ProductionContext} a node can be configured for. */
    public static final Set<String> FIELDS = Set.of(
            "productionOrder",
            "product",
            "specVersion",
            "batch",
            "workCentre",
            "shift",
            "operatorStation",
            "inspectionLot",
            "version",
            "validFrom");

    private final ContextProperties.OpcUa config;
    private final ProductionContextStore store;
    private final ExecutorService worker;
    private final OpcUaClientSessions sessions;
    private final OpcUaClientSettings settings;
    private volatile OpcUaClientSessions.Lease lease;
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean running;
    private volatile OpcUaClient client;
    private volatile OpcUaSubscription subscription;
    /** line -> field -> resolved node id */
    private final Map<String, Map<String, NodeId>> nodes = new LinkedHashMap<>();

    /**
     * Checks the node map and the security settings (a bad one is refused here, naming its key).
     *
     * @param sessions the hub's OPC UA client sessions: with the PLC's endpoint and security settings this
     *     subscription shares the PLC handshake's session
     * @param worker one thread (in the hub from Camel's ExecutorServiceManager) for connecting and for reading the
     *     context on each trigger; {@link #stop()} shuts it down before the session is let go
     */
    public OpcUaContextSubscriber(
            ContextProperties.OpcUa config,
            ProductionContextStore store,
            OpcUaClientSessions sessions,
            ExecutorService worker) {
        this.config = config;
        this.store = store;
        this.sessions = sessions;
        this.worker = worker;
        this.settings = settings(config);
        OpcUaClientSessions.trustedCertificates(settings);
        config.lineNodes().forEach((line, fields) -> {
            for (String f : fields.keySet()) {
                if (!FIELDS.contains(f)) {
                    throw new IllegalArgumentException("visionhub.context.opcua.line-nodes." + line + "." + f
                            + ": unknown field; known fields: " + FIELDS);
                }
            }
            if (!fields.containsKey(config.trigger())) {
                throw new IllegalArgumentException(
                        "visionhub.context.opcua.line-nodes." + line + " has no node for the " + "trigger field '"
                                + config.trigger() + "' (visionhub.context.opcua.trigger)");
            }
            if (!fields.containsKey("productionOrder")) {
                throw new IllegalArgumentException(
                        "visionhub.context.opcua.line-nodes." + line + " has no node for productionOrder");
            }
        });
    }

    @Override
    public void start() {
        running = true;
        worker.execute(this::connectUntilDone);
    }

    private void connectUntilDone() {
        while (running) {
            try {
                connect();
                return;
            } catch (Exception e) {
                LOG.warn(
                        "MES OPC UA server {} not reachable for production context ({}); retrying in {}. Check "
                                + "visionhub.context.opcua.endpoint-url and that the MES server runs",
                        config.endpointUrl(),
                        e.toString(),
                        config.reconnectDelay());
                disconnect();
                try {
                    TimeUnit.MILLISECONDS.sleep(config.reconnectDelay().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The session settings of {@code visionhub.context.opcua.*}, the same kind as the PLC's. */
    static OpcUaClientSettings settings(ContextProperties.OpcUa config) {
        return OpcUaClientSettings.of(
                "visionhub.context.opcua",
                config.endpointUrl(),
                config.securityPolicy(),
                config.securityMode(),
                config.username(),
                config.password(),
                config.pkiDir(),
                config.keyStorePassword(),
                config.trustedServerCerts(),
                5000);
    }

    private void connect() throws Exception {
        OpcUaClientSessions.Lease l = sessions.acquire(settings, "MES context");
        lease = l;
        OpcUaClient c = l.client();
        client = c;
        NamespaceTable namespaces = c.readNamespaceTable();
        nodes.clear();
        config.lineNodes().forEach((line, fields) -> {
            Map<String, NodeId> resolved = new LinkedHashMap<>();
            fields.forEach((field, id) -> resolved.put(
                    field,
                    ExpandedNodeId.parse(id)
                            .toNodeId(namespaces)
                            .orElseThrow(() -> new IllegalArgumentException("node " + id + " (line " + line + ", "
                                    + field + "): namespace not on the server " + config.endpointUrl()))));
            nodes.put(line, resolved);
        });
        OpcUaSubscription s =
                new OpcUaSubscription(c, (double) config.samplingInterval().toMillis());
        s.create();
        for (var e : nodes.entrySet()) {
            String line = e.getKey();
            OpcUaMonitoredItem item =
                    OpcUaMonitoredItem.newDataItem(e.getValue().get(config.trigger()));
            item.setSamplingInterval(config.samplingInterval().toMillis());
            item.setDataValueListener((i, value) -> {
                try {
                    worker.execute(() -> onTrigger(line, value));
                } catch (RejectedExecutionException stopping) {
                    // the subscriber is stopping: the context is no longer applied
                }
            });
            s.addMonitoredItem(item);
        }
        s.synchronizeMonitoredItems();
        subscription = s;
        LOG.info(
                "subscribed to production context of line(s) {} on MES OPC UA server {} (trigger: {}{})",
                nodes.keySet(),
                settings.describe(),
                config.trigger(),
                l.shared() ? "; session shared with the PLC handshake" : "");
    }

    private void onTrigger(String line, DataValue trigger) {
        if (!running
                || trigger.getStatusCode() == null
                || !trigger.getStatusCode().isGood()
                || trigger.getValue().getValue() == null) {
            return;
        }
        try {
            Map<String, NodeId> fields = nodes.get(line);
            List<String> names = new ArrayList<>(fields.keySet());
            List<DataValue> values = client.readValues(0, TimestampsToReturn.Both, new ArrayList<>(fields.values()));
            Map<String, Object> read = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                DataValue v = values.get(i);
                if (v.getStatusCode() != null && v.getStatusCode().isGood()) {
                    read.put(names.get(i), v.getValue().getValue());
                } else {
                    LOG.warn(
                            "MES OPC UA node {} ({} of line {}) reads as {}: left empty",
                            fields.get(names.get(i)),
                            names.get(i),
                            line,
                            v.getStatusCode());
                }
            }
            ProductionContext pushed = toContext(line, read, trigger);
            if (pushed.productionOrder() == null) {
                LOG.debug("MES OPC UA context of line {} has no production order yet: not applied", line);
                return;
            }
            ProductionContext latest = store.latest(line).orElse(null);
            if (latest != null && isSame(latest, pushed)) {
                LOG.debug(
                        "MES OPC UA context of line {} unchanged (version {}): not applied again",
                        line,
                        latest.version());
                return;
            }
            store.update(line, pushed, "OPCUA", config.endpointUrl());
        } catch (ContextRefusedException e) {
            refused.incrementAndGet();
            LOG.warn(
                    "MES OPC UA context for line {} refused: {} (field {}); nothing applied",
                    line,
                    e.getMessage(),
                    e.field());
        } catch (Exception e) {
            LOG.error(
                    "cannot read the production context of line {} from MES OPC UA server {}: {}",
                    line,
                    config.endpointUrl(),
                    e.toString(),
                    e);
        } finally {
            handled.incrementAndGet();
        }
    }

    static ProductionContext toContext(String line, Map<String, Object> read, DataValue trigger) {
        long version = read.get("version") instanceof Number n ? n.longValue() : 0;
        Instant validFrom = read.get("validFrom") instanceof DateTime d
                ? d.getJavaInstant()
                : trigger.getSourceTime() != null ? trigger.getSourceTime().getJavaInstant() : Instant.now();
        return new ProductionContext(
                line,
                text(read.get("productionOrder")),
                text(read.get("product")),
                text(read.get("specVersion")),
                null,
                text(read.get("batch")),
                text(read.get("workCentre")),
                text(read.get("shift")),
                text(read.get("operatorStation")),
                text(read.get("inspectionLot")),
                version,
                validFrom);
    }

    private static boolean isSame(ProductionContext a, ProductionContext b) {
        return (b.version() == 0 || a.version() == b.version())
                && Objects.equals(a.productionOrder(), b.productionOrder())
                && Objects.equals(a.product(), b.product())
                && Objects.equals(a.batch(), b.batch())
                && Objects.equals(a.shift(), b.shift())
                && Objects.equals(a.specVersion(), b.specVersion())
                && Objects.equals(a.workCentre(), b.workCentre())
                && Objects.equals(a.operatorStation(), b.operatorStation())
                && Objects.equals(a.inspectionLot(), b.inspectionLot());
    }

    private static String text(Object o) {
        if (o == null) {
            return null;
        }
        String s = o instanceof LocalizedText t ? t.text() : o.toString();
        return s == null || s.isBlank() ? null : s.trim();
    }

    private void disconnect() {
        OpcUaSubscription s = subscription;
        subscription = null;
        if (s != null) {
            try {
                s.delete();
            } catch (Exception e) {
                LOG.debug("subscription not deleted: {}", e.toString());
            }
        }
        client = null;
        OpcUaClientSessions.Lease l = lease;
        lease = null;
        if (l != null) {
            l.close(); // the session closes when the PLC handshake does not share it
        }
    }

    /** Trigger notifications handled so far (applied, unchanged or refused). */
    public long handledCount() {
        return handled.get();
    }

    /** Contexts from the MES refused (stale or invalid) so far. */
    public long refusedCount() {
        return refused.get();
    }

    /** Whether the subscription is in place (for health and tests). */
    public boolean isSubscribed() {
        return subscription != null;
    }

    @Override
    public void stop() {
        running = false;
        // no read of the context may run after the session is let go: the worker first
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("MES OPC UA context worker still busy after 5 s; letting go of the session anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnect();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
