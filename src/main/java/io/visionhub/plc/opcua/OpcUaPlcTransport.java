package io.visionhub.plc.opcua;

import io.visionhub.opcua.client.OpcUaClientSessions;
import io.visionhub.opcua.client.OpcUaClientSettings;
import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.PlcSample;
import io.visionhub.plc.PlcTransport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PLC handshake over OPC UA (Eclipse Milo client): each station's trigger, part id and ack watched in one
 * subscription (queued items, so no change between two publishes is lost), results written in one Write call.
 * Node ids per station in {@code visionhub.plc.stations.<st>.*} (docs/plc.md, docs/opcua.md).
 */
public class OpcUaPlcTransport implements PlcTransport {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaPlcTransport.class);

    /** Status codes of a request that never left the client (or was rejected before the PLC applied anything). */
    private static final Set<Long> NOT_SENT = Set.of(
            StatusCodes.Bad_NotConnected,
            StatusCodes.Bad_SessionClosed,
            StatusCodes.Bad_SessionIdInvalid,
            StatusCodes.Bad_SessionNotActivated,
            StatusCodes.Bad_TooManySessions);

    private final PlcProperties props;
    private final Map<String, Nodes> stations = new LinkedHashMap<>();
    private final SecurityPolicy policy;
    private final OpcUaClientSettings settings;
    private final OpcUaClientSessions sessions;
    private final boolean ownSessions;
    private OpcUaClientSessions.Lease lease;
    private SessionActivityListener activity;
    private volatile OpcUaClient client;
    private volatile Listener listener;
    private volatile boolean sessionLost;
    private OpcUaSubscription subscription;
    /**
     * The subscription whose notifications are served: none from the moment the session is lost until the hub
     * subscribes anew. After a reconnect the PLC's server may deliver what the old subscription queued during the
     * outage (Milo's client reactivates the session and the server publishes the queued changes): triggers and part
     * ids of parts whose cycle is long over, which must not open cycles, be acknowledged or get results. They go to
     * the handshake as stale samples, which records each trigger among them as missed.
     */
    private volatile OpcUaSubscription live;
    /** When the subscription from before the session was lost last answered (queued changes or a keep-alive), or 0. */
    private volatile long staleHeardNanos;
    /** The publishing interval the PLC's server granted the last subscription (ms; NaN before one). */
    private volatile double publishingIntervalMs = Double.NaN;
    /** Stations whose trigger value arrived since the last (re)subscription. */
    private final Set<String> triggerKnown = ConcurrentHashMap.newKeySet();

    /** A transport with a session of its own (tests of the handshake alone). */
    public OpcUaPlcTransport(PlcProperties props) {
        this(props, null);
    }

    /**
     * Parses every station's node ids and the security settings; a bad one is refused here, naming its key.
     *
     * @param sessions the hub's shared OPC UA sessions (the MES context subscription may use the same one); null:
     *     a session of its own
     */
    public OpcUaPlcTransport(PlcProperties props, OpcUaClientSessions sessions) {
        this.props = props;
        this.settings = settings(props);
        this.policy = settings.securityPolicy();
        OpcUaClientSessions.trustedCertificates(settings); // an unreadable file is refused now, not at each retry
        this.ownSessions = sessions == null;
        this.sessions = sessions == null ? new OpcUaClientSessions() : sessions;
        String codeType = props.resultCodeType();
        if (!List.of("Int16", "Int32", "UInt16", "Byte").contains(codeType)) {
            throw new IllegalArgumentException(
                    "visionhub.plc.result-code-type must be Int16, Int32, UInt16 or Byte, not " + codeType);
        }
        for (Map.Entry<String, PlcProperties.StationNodes> e : props.stations().entrySet()) {
            stations.put(e.getKey(), Nodes.of(e.getKey(), e.getValue()));
        }
    }

    public static SecurityPolicy policy(String name) {
        return OpcUaClientSettings.policy(name, "visionhub.plc");
    }

    /** The session settings of one PLC endpoint ({@code visionhub.plc.*}). */
    public static OpcUaClientSettings settings(PlcProperties props) {
        return OpcUaClientSettings.of(
                "visionhub.plc",
                props.endpointUrl(),
                props.securityPolicy(),
                props.securityMode(),
                props.username(),
                props.password(),
                props.pkiDir(),
                props.keyStorePassword(),
                props.trustedServerCerts(),
                props.cycleBudgetMs());
    }

    @Override
    public String endpoint() {
        return props.endpointUrl();
    }

    /** The publishing interval the PLC's server granted (ms; NaN before the first subscription), for diagnostics. */
    public double publishingIntervalMs() {
        return publishingIntervalMs;
    }

    @Override
    public boolean maps(String station, Signal signal) {
        Nodes n = stations.get(station);
        return n != null && n.of(signal) != null;
    }

    @Override
    public synchronized void connect(Listener l) throws Exception {
        this.listener = l;
        if (props.endpointUrl().isBlank()) {
            throw new IllegalArgumentException(
                    "visionhub.plc.endpoint-url is empty and stations " + stations.keySet()
                            + " have no endpoint-url of their own: set the PLC's opc.tcp:// address or visionhub.plc.enabled=false");
        }
        letGo(); // an earlier attempt: its subscription and listener off the client, its hold released
        OpcUaClientSessions.Lease l2 = sessions.acquire(settings, "PLC handshake");
        lease = l2;
        OpcUaClient c = l2.client();
        client = c;
        SessionActivityListener activity = new SessionActivityListener() {
            @Override
            public void onSessionActive(UaSession session) {
                if (sessionLost) {
                    sessionLost = false;
                    listener.connectionBack("session to the PLC re-established");
                }
            }

            @Override
            public void onSessionInactive(UaSession session) {
                sessionLost = true;
                live = null;
                staleHeardNanos = 0;
                listener.connectionLost("session to the PLC lost");
            }
        };
        c.addSessionActivityListener(activity);
        this.activity = activity;
        subscribe(c);
        LOG.info(
                "PLC OPC UA session to {} ({}{})",
                props.endpointUrl(),
                policy.name(),
                l2.shared() ? ", shared with the MES context" : "");
    }

    /** Removes this transport's subscription and listener from the client and releases its hold on the session. */
    private void letGo() {
        OpcUaClient c = client;
        client = null;
        OpcUaSubscription s = subscription;
        subscription = null;
        live = null;
        if (s != null) {
            try {
                s.delete();
            } catch (Exception e) {
                LOG.debug("PLC subscription delete: {}", e.getMessage());
            }
        }
        if (c != null && activity != null) {
            c.removeSessionActivityListener(activity);
        }
        activity = null;
        OpcUaClientSessions.Lease l = lease;
        lease = null;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public synchronized void rewatch() throws Exception {
        OpcUaClient c = client;
        if (c == null) {
            throw new IllegalStateException("not connected to the PLC");
        }
        OpcUaSubscription old = subscription;
        if (old != null) {
            awaitQueuedChanges();
            try {
                old.delete();
            } catch (Exception e) {
                LOG.debug("PLC old subscription delete: {}", e.getMessage());
            }
        }
        subscribe(c);
    }

    /**
     * Before the subscription from before an outage is deleted, lets the PLC's server send what it queued for it (the
     * triggers raised during the outage, recorded as missed): waits until it has answered and then stayed quiet for a
     * few publishing intervals, at most one second (a server that dropped the subscription answers nothing).
     */
    private void awaitQueuedChanges() throws InterruptedException {
        double interval = Double.isNaN(publishingIntervalMs) ? 100 : publishingIntervalMs;
        long quietNanos = TimeUnit.MILLISECONDS.toNanos((long) Math.max(50, 3 * interval));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            long heard = staleHeardNanos;
            if (heard != 0 && System.nanoTime() - heard > quietNanos) {
                return;
            }
            Thread.sleep(5);
        }
    }

    /** One subscription for every station's trigger, part id and ack, delivered as one ordered batch per publish. */
    private void subscribe(OpcUaClient c) throws Exception {
        // the publishing interval is asked for on its own: a sampling interval of 0 (by exception) is no publishing
        // interval, and a server answers a request below its minimum as it likes (Milo: its 250 ms default)
        double asked = props.publishingIntervalMs();
        OpcUaSubscription sub = new OpcUaSubscription(c, asked);
        Map<OpcUaMonitoredItem, ItemRole> roles = new HashMap<>();
        sub.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
            @Override
            public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
                if (s != live) {
                    staleHeardNanos = System.nanoTime();
                    LOG.debug(
                            "PLC at {}: {} changes of a subscription from before the session was lost (queued during "
                                    + "the outage): not served, their triggers are recorded as missed",
                            props.endpointUrl(),
                            values.size());
                    listener.staleSamples(samples(roles, items, values));
                    return;
                }
                onData(roles, items, values);
            }

            @Override
            public void onKeepAliveReceived(OpcUaSubscription s) {
                if (s != live) {
                    staleHeardNanos = System.nanoTime(); // the old subscription answered: nothing (more) queued
                }
            }

            @Override
            public void onNotificationDataLost(OpcUaSubscription s) {
                if (s != live) {
                    // a gap in the old subscription's notifications: triggers of the outage may be in it
                    listener.staleSamplesLost("notifications the PLC queued during the outage were lost (publish "
                            + "sequence gap of the subscription from before the session was lost)");
                    return;
                }
                listener.samplesLost("notifications from the PLC were lost (publish sequence gap)");
            }

            @Override
            public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
                listener.watchLost("subscription not transferred (" + status + ")");
            }
        });
        sub.create();
        live = sub;
        reviseIfFallenBack(c, sub, asked);
        publishingIntervalMs = sub.getRevisedPublishingInterval().orElse(asked);
        triggerKnown.clear();
        List<OpcUaMonitoredItem> items = new ArrayList<>();
        for (Map.Entry<String, Nodes> e : stations.entrySet()) {
            Nodes n = e.getValue();
            // part id before trigger: within one publish the part id's change comes first
            item(items, roles, n.partId, new ItemRole(e.getKey(), Signal.PART_ID), true);
            item(items, roles, n.trigger, new ItemRole(e.getKey(), Signal.TRIGGER), true);
            item(items, roles, n.ack, new ItemRole(e.getKey(), Signal.ACK), false);
        }
        sub.addMonitoredItems(items);
        sub.synchronizeMonitoredItems();
        subscription = sub;
        items.stream()
                .filter(i -> roles.get(i).signal() == Signal.TRIGGER)
                .findFirst()
                .ifPresent(i -> LOG.info(
                        "PLC at {}: publishing every {} ms, triggers sampled every {} ms, queue of {} changes",
                        props.endpointUrl(),
                        sub.getRevisedPublishingInterval().orElse(null),
                        i.getRevisedSamplingInterval().orElse(null),
                        i.getRevisedQueueSize().orElse(null)));
        // ready once every trigger's current value is known: a rising edge after this is a trigger
        long waitUntil = System.currentTimeMillis() + 5000;
        while (stations.entrySet().stream()
                        .anyMatch(e -> e.getValue().trigger != null && !triggerKnown.contains(e.getKey()))
                && System.currentTimeMillis() < waitUntil) {
            Thread.sleep(5);
        }
    }

    /**
     * A server that revised the publishing interval far above the one asked for fell back to its default (OPC UA asks
     * for the nearest supported value, but Milo, for one, answers a request below its minimum with its default: 250
     * ms, which would be the trigger latency): asked once more with the server's minimum sampling rate, else a warning.
     */
    private void reviseIfFallenBack(OpcUaClient c, OpcUaSubscription sub, double asked) {
        double revised = sub.getRevisedPublishingInterval().orElse(asked);
        if (revised <= 2 * asked) {
            return;
        }
        double minimum = Double.NaN;
        try {
            DataValue v = c.readValues(
                            0,
                            TimestampsToReturn.Neither,
                            List.of(NodeIds.Server_ServerCapabilities_MinSupportedSampleRate))
                    .get(0);
            if (v.getValue().getValue() instanceof Number n) {
                minimum = n.doubleValue();
            }
        } catch (Exception e) {
            LOG.debug("PLC at {}: MinSupportedSampleRate not readable: {}", props.endpointUrl(), e.getMessage());
        }
        if (minimum > asked && minimum < revised) {
            try {
                sub.setPublishingInterval(minimum);
                sub.modify();
                revised = sub.getRevisedPublishingInterval().orElse(revised);
            } catch (Exception e) {
                LOG.debug(
                        "PLC at {}: publishing interval {} ms refused: {}",
                        props.endpointUrl(),
                        minimum,
                        e.getMessage());
            }
        }
        if (revised > 2 * asked) {
            LOG.warn(
                    "PLC at {}: asked for a publishing interval of {} ms, the server answered {} ms{}: each trigger "
                            + "may wait that long before the hub sees it; set visionhub.plc.publishing-interval-ms to "
                            + "the PLC's minimum (docs/plc.md, timing)",
                    props.endpointUrl(),
                    asked,
                    revised,
                    Double.isNaN(minimum) ? "" : " (its minimum sampling rate: " + minimum + " ms)");
        } else {
            LOG.info(
                    "PLC at {}: publishing interval {} ms was below the server's minimum; now {} ms",
                    props.endpointUrl(),
                    asked,
                    revised);
        }
    }

    private void item(
            List<OpcUaMonitoredItem> items,
            Map<OpcUaMonitoredItem, ItemRole> roles,
            NodeId node,
            ItemRole role,
            boolean queued) {
        if (node == null) {
            return;
        }
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node);
        item.setSamplingInterval(props.samplingIntervalMs());
        if (queued) {
            item.setQueueSize(UInteger.valueOf(props.triggerQueueSize()));
            item.setDiscardOldest(false);
        }
        roles.put(item, role);
        items.add(item);
    }

    /** One publish's data changes, in the order the PLC's server sent them. */
    private void onData(
            Map<OpcUaMonitoredItem, ItemRole> roles, List<OpcUaMonitoredItem> items, List<DataValue> values) {
        List<PlcSample> batch = samples(roles, items, values);
        listener.samples(batch);
        batch.stream().filter(v -> v.signal() == Signal.TRIGGER).forEach(v -> triggerKnown.add(v.station()));
    }

    /** One publish's data changes as samples, in the order the PLC's server sent them. */
    private static List<PlcSample> samples(
            Map<OpcUaMonitoredItem, ItemRole> roles, List<OpcUaMonitoredItem> items, List<DataValue> values) {
        List<PlcSample> batch = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            ItemRole role = roles.get(items.get(i));
            if (role != null) {
                batch.add(sample(role.station(), role.signal(), values.get(i)));
            }
        }
        return batch;
    }

    /** A Milo data value as the handshake's neutral sample. */
    public static PlcSample sample(String station, Signal signal, DataValue v) {
        StatusCode status = v.getStatusCode();
        return new PlcSample(
                station,
                signal,
                v.getValue().getValue(),
                instant(v.getSourceTime()),
                instant(v.getServerTime()),
                status == null || status.isGood(),
                status != null && status.isOverflowSet());
    }

    private static Instant instant(DateTime t) {
        return t == null || t.isNull() ? null : t.getJavaInstant();
    }

    @Override
    public void probe(long timeoutMs) throws Exception {
        OpcUaClient c = client;
        if (c == null) {
            throw new IllegalStateException("not connected to the PLC");
        }
        c.readValuesAsync(0, TimestampsToReturn.Neither, List.of(NodeIds.Server_ServerStatus_CurrentTime))
                .get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public WriteProblem writeResult(String station, String part, int code, boolean rejectPart, long deadlineNanos) {
        OpcUaClient c = client;
        Nodes n = stations.get(station);
        if (c == null) {
            return new WriteProblem("not connected to the PLC", true);
        }
        List<NodeId> ids = new ArrayList<>(4);
        List<DataValue> values = new ArrayList<>(4);
        if (n.resultPartId != null) {
            ids.add(n.resultPartId);
            values.add(DataValue.valueOnly(new Variant(part)));
        }
        if (n.resultCode != null) {
            ids.add(n.resultCode);
            values.add(DataValue.valueOnly(codeVariant(code)));
        }
        if (n.reject != null) {
            ids.add(n.reject);
            values.add(DataValue.valueOnly(new Variant(rejectPart)));
        }
        if (n.resultReady != null) {
            ids.add(n.resultReady);
            values.add(DataValue.valueOnly(new Variant(true)));
        }
        try {
            long left = Math.max(1, deadlineNanos - System.nanoTime());
            List<StatusCode> codes = c.writeValuesAsync(ids, values).get(left, TimeUnit.NANOSECONDS);
            for (int i = 0; i < codes.size(); i++) {
                if (!codes.get(i).isGood()) {
                    return new WriteProblem(
                            "PLC refused the write of " + ids.get(i).toParseableString() + ": " + codes.get(i), false);
                }
            }
            return null;
        } catch (TimeoutException e) {
            return new WriteProblem("no answer from the PLC before the deadline", true, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WriteProblem("interrupted", false, true);
        } catch (Exception e) {
            return new WriteProblem(
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), true, mayHaveBeenApplied(e));
        }
    }

    private Variant codeVariant(int code) {
        return switch (props.resultCodeType()) {
            case "Int16" -> new Variant((short) code);
            case "Int32" -> new Variant(code);
            case "UInt16" -> new Variant(Unsigned.ushort(code));
            default -> new Variant(Unsigned.ubyte(code));
        };
    }

    /** Whether a failed request may nonetheless have been applied by the PLC; true unless known not sent. */
    static boolean mayHaveBeenApplied(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UaException ua) {
                return !NOT_SENT.contains(ua.getStatusCode().getValue());
            }
        }
        return true;
    }

    @Override
    public void writeTriggerAck(String station, boolean value) {
        OpcUaClient c = client;
        NodeId node = stations.get(station).triggerAck;
        if (node == null || c == null) {
            return;
        }
        c.writeValuesAsync(List.of(node), List.of(DataValue.valueOnly(new Variant(value))))
                .whenComplete((codes, e) -> {
                    String problem = e != null
                            ? e.getMessage()
                            : codes.get(0).isGood() ? null : codes.get(0).toString();
                    if (problem != null) {
                        LOG.warn(
                                "PLC station {}: writing trigger-ack {} to {} failed ({}); the PLC's own timeout applies",
                                station,
                                value,
                                node.toParseableString(),
                                problem);
                    }
                });
    }

    @Override
    public void clearResultReady(String station, long timeoutMs) throws Exception {
        OpcUaClient c = client;
        NodeId node = stations.get(station).resultReady;
        if (node == null || c == null) {
            return;
        }
        List<StatusCode> codes = c.writeValuesAsync(List.of(node), List.of(DataValue.valueOnly(new Variant(false))))
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        if (!codes.get(0).isGood()) {
            throw new IllegalStateException(
                    "PLC refused the write of " + node.toParseableString() + ": " + codes.get(0));
        }
    }

    @Override
    public synchronized void close() {
        letGo();
        if (ownSessions) {
            sessions.close();
        }
    }

    private record ItemRole(String station, Signal signal) {}

    /** The parsed node ids of one station (null: not mapped). */
    private record Nodes(
            NodeId trigger,
            NodeId partId,
            NodeId resultPartId,
            NodeId resultCode,
            NodeId reject,
            NodeId resultReady,
            NodeId ack,
            NodeId triggerAck) {

        static Nodes of(String station, PlcProperties.StationNodes n) {
            NodeId partId = node(station, "part-id", n.partId());
            NodeId echo = node(station, "result-part-id", n.resultPartId());
            return new Nodes(
                    node(station, "trigger", n.trigger()),
                    partId,
                    echo != null ? echo : partId,
                    node(station, "result-code", n.resultCode()),
                    node(station, "reject", n.reject()),
                    node(station, "result-ready", n.resultReady()),
                    node(station, "ack", n.ack()),
                    node(station, "trigger-ack", n.triggerAck()));
        }

        NodeId of(Signal s) {
            return switch (s) {
                case TRIGGER -> trigger;
                case PART_ID -> partId;
                case ACK -> ack;
                case TRIGGER_ACK -> triggerAck;
                case RESULT_CODE -> resultCode;
                case REJECT -> reject;
                case RESULT_READY -> resultReady;
            };
        }

        private static NodeId node(String station, String name, String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            return NodeId.parseSafe(text.strip())
                    .orElseThrow(() -> new IllegalArgumentException("visionhub.plc.stations." + station + "." + name
                            + " = '" + text + "' is not an OPC UA node id "
                            + "(expected e.g. ns=3;s=\"DB_Vision\".\"Reject\" or ns=2;i=1001)"));
        }
    }
}
