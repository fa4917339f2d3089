package io.visionhub.context;

import io.visionhub.event.ProductionContext;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * The OPC UA path of the production context: the hub subscribes to one trigger node per line on the MES's
 * OPC UA server (by default the context version, which the MES writes last); when it changes, the hub reads
 * all the line's context nodes in one Read call and applies them through {@link ProductionContextStore}, with
 * the same checks as a REST push (stale versions refused and logged).
 */
public class OpcUaContextSubscriber implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaContextSubscriber.class);

    /** Fields of {@link ProductionContext} a node can be configured for. */
    public static final Set<String> FIELDS = Set.of("productionOrder", "product", "specVersion", "batch", "workCentre",
            "shift", "operatorStation", "inspectionLot", "version", "validFrom");

    private final ContextProperties.OpcUa config;
    private final ProductionContextStore store;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "visionhub-context-opcua");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicLong handled = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running;
    private volatile OpcUaClient client;
    private volatile OpcUaSubscription subscription;
    /** line -> field -> resolved node id */
    private final Map<String, Map<String, NodeId>> nodes = new LinkedHashMap<>();

    public OpcUaContextSubscriber(ContextProperties.OpcUa config, ProductionContextStore store) {
        this.config = config;
        this.store = store;
        config.lineNodes().forEach((line, fields) -> {
            for (String f : fields.keySet()) {
                if (!FIELDS.contains(f)) {
                    throw new IllegalArgumentException("visionhub.context.opcua.line-nodes." + line + "." + f
                            + ": unknown field; known fields: " + FIELDS);
                }
            }
            if (!fields.containsKey(config.trigger())) {
                throw new IllegalArgumentException("visionhub.context.opcua.line-nodes." + line + " has no node for the "
                        + "trigger field '" + config.trigger() + "' (visionhub.context.opcua.trigger)");
            }
            if (!fields.containsKey("productionOrder")) {
                throw new IllegalArgumentException("visionhub.context.opcua.line-nodes." + line
                        + " has no node for productionOrder");
            }
        });
    }

    @Override
    public void start() {
        running = true;
        worker.submit(this::connectUntilDone);
    }

    private void connectUntilDone() {
        while (running) {
            try {
                connect();
                return;
            } catch (Exception e) {
                LOG.warn("MES OPC UA server {} not reachable for production context ({}); retrying in {}. Check "
                        + "visionhub.context.opcua.endpoint-url and that the MES server runs", config.endpointUrl(),
                        e.toString(), config.reconnectDelay());
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

    private void connect() throws Exception {
        OpcUaClient c = OpcUaClient.create(config.endpointUrl(),
                endpoints -> endpoints.stream()
                        .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri()))
                        .findFirst(),
                transport -> {
                },
                builder -> {
                    builder.setApplicationName(LocalizedText.english("Vision Hub production context"))
                            .setApplicationUri("urn:visionhub:context-subscriber")
                            .setRequestTimeout(uint(5000));
                    if (config.username() != null && !config.username().isBlank()) {
                        builder.setIdentityProvider(new UsernameProvider(config.username(),
                                config.password() == null ? "" : config.password()));
                    }
                });
        client = c;
        c.connect();
        NamespaceTable namespaces = c.readNamespaceTable();
        nodes.clear();
        config.lineNodes().forEach((line, fields) -> {
            Map<String, NodeId> resolved = new LinkedHashMap<>();
            fields.forEach((field, id) -> resolved.put(field, ExpandedNodeId.parse(id).toNodeId(namespaces)
                    .orElseThrow(() -> new IllegalArgumentException("node " + id + " (line " + line + ", " + field
                            + "): namespace not on the server " + config.endpointUrl()))));
            nodes.put(line, resolved);
        });
        OpcUaSubscription s = new OpcUaSubscription(c, (double) config.samplingInterval().toMillis());
        s.create();
        for (var e : nodes.entrySet()) {
            String line = e.getKey();
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(e.getValue().get(config.trigger()));
            item.setSamplingInterval(config.samplingInterval().toMillis());
            item.setDataValueListener((i, value) -> worker.submit(() -> onTrigger(line, value)));
            s.addMonitoredItem(item);
        }
        s.synchronizeMonitoredItems();
        subscription = s;
        LOG.info("subscribed to production context of line(s) {} on MES OPC UA server {} (trigger: {})",
                nodes.keySet(), config.endpointUrl(), config.trigger());
    }

    private void onTrigger(String line, DataValue trigger) {
        if (!running || trigger.getStatusCode() == null || !trigger.getStatusCode().isGood()
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
                    LOG.warn("MES OPC UA node {} ({} of line {}) reads as {}: left empty", fields.get(names.get(i)),
                            names.get(i), line, v.getStatusCode());
                }
            }
            ProductionContext pushed = toContext(line, read, trigger);
            if (pushed.productionOrder() == null) {
                LOG.debug("MES OPC UA context of line {} has no production order yet: not applied", line);
                return;
            }
            ProductionContext latest = store.latest(line).orElse(null);
            if (latest != null && isSame(latest, pushed)) {
                LOG.debug("MES OPC UA context of line {} unchanged (version {}): not applied again", line, latest.version());
                return;
            }
            store.update(line, pushed, "OPCUA", config.endpointUrl());
        } catch (ContextRefusedException e) {
            refused.incrementAndGet();
            LOG.warn("MES OPC UA context for line {} refused: {} (field {}); nothing applied", line, e.getMessage(),
                    e.field());
        } catch (Exception e) {
            LOG.error("cannot read the production context of line {} from MES OPC UA server {}: {}", line,
                    config.endpointUrl(), e.toString(), e);
        } finally {
            handled.incrementAndGet();
        }
    }

    static ProductionContext toContext(String line, Map<String, Object> read, DataValue trigger) {
        long version = read.get("version") instanceof Number n ? n.longValue() : 0;
        Instant validFrom = read.get("validFrom") instanceof DateTime d ? d.getJavaInstant()
                : trigger.getSourceTime() != null ? trigger.getSourceTime().getJavaInstant() : Instant.now();
        return new ProductionContext(line, text(read.get("productionOrder")), text(read.get("product")),
                text(read.get("specVersion")), null, text(read.get("batch")), text(read.get("workCentre")),
                text(read.get("shift")), text(read.get("operatorStation")), text(read.get("inspectionLot")), version,
                validFrom);
    }

    private static boolean isSame(ProductionContext a, ProductionContext b) {
        return (b.version() == 0 || a.version() == b.version())
                && Objects.equals(a.productionOrder(), b.productionOrder()) && Objects.equals(a.product(), b.product())
                && Objects.equals(a.batch(), b.batch()) && Objects.equals(a.shift(), b.shift())
                && Objects.equals(a.specVersion(), b.specVersion()) && Objects.equals(a.workCentre(), b.workCentre())
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
        OpcUaClient c = client;
        client = null;
        if (c != null) {
            try {
                c.disconnect();
            } catch (Exception e) {
                LOG.debug("OPC UA client not disconnected cleanly: {}", e.toString());
            }
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
        disconnect();
        worker.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
