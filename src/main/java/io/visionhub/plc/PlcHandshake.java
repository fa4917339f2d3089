package io.visionhub.plc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visionhub.event.InspectionEvent;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The result handshake with a PLC over OPC UA. The PLC raises a station's trigger with a part id: the hub reads the
 * part id, hands a {@link PlcTrigger} to the capture side and starts the cycle budget. The result is written back in
 * one Write call (part id, result code, reject bit, result ready), confirmed by the PLC's status codes, retried
 * until the budget runs out; a missed deadline is counted and the fail-safe applies (reject by default). When the
 * PLC acknowledges, the hub clears result ready. Metrics: visionhub.plc.triggers, visionhub.plc.writes
 * (outcome=confirmed|failed), visionhub.plc.deadline.missed, visionhub.plc.write.latency.
 */
public class PlcHandshake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlcHandshake.class);

    /** What became of a result. */
    public enum Outcome { CONFIRMED, MISSED, UNMAPPED }

    private final PlcProperties props;
    private final MeterRegistry meters;
    private final Consumer<PlcTrigger> triggerListener;
    private final Map<String, StationMapping> stations = new LinkedHashMap<>();
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "plc-deadlines");
        t.setDaemon(true);
        return t;
    });
    private volatile OpcUaClient client;
    private volatile boolean closed;
    private OpcUaSubscription subscription;

    public PlcHandshake(PlcProperties props, MeterRegistry meters, Consumer<PlcTrigger> triggerListener) {
        this.props = props;
        this.meters = meters;
        this.triggerListener = triggerListener;
        if (props.getCycleBudgetMs() <= 0) {
            throw new IllegalArgumentException("visionhub.plc.cycle-budget-ms must be positive, not " + props.getCycleBudgetMs());
        }
        for (Map.Entry<String, PlcProperties.StationNodes> e : props.getStations().entrySet()) {
            stations.put(e.getKey(), new StationMapping(e.getKey(), e.getValue(), props, meters));
        }
    }

    /** Connects to the PLC and watches the trigger and ack nodes. */
    public synchronized void start() throws Exception {
        if (props.getEndpointUrl().isBlank()) {
            throw new IllegalArgumentException("visionhub.plc.endpoint-url is empty and stations " + stations.keySet()
                    + " have no endpoint-url of their own: set the PLC's opc.tcp:// address or visionhub.plc.enabled=false");
        }
        SecurityPolicy policy = policy(props.getSecurityPolicy());
        MessageSecurityMode mode = policy == SecurityPolicy.None ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt;
        IdentityProvider identity = props.getUsername().isBlank() ? new AnonymousProvider()
                : new UsernameProvider(props.getUsername(), props.getPassword());
        PlcClientCertificate own = null;
        if (policy != SecurityPolicy.None) {
            Path store = Path.of(props.getPkiDir()).resolve("plc-client.pfx");
            own = PlcClientCertificate.loadOrCreate(store, props.getKeyStorePassword().toCharArray());
            LOG.info("PLC client certificate {} (application URI {}): the PLC must trust it (copy plc-client.der)",
                    store.toAbsolutePath(), PlcClientCertificate.APPLICATION_URI);
        }
        PlcClientCertificate cert = own;
        connectOrRetry(policy, mode, identity, cert);
    }

    /** Connects now, or logs why not and tries again every 5 s; the hub runs on (results meanwhile miss and fail safe). */
    private synchronized void connectOrRetry(SecurityPolicy policy, MessageSecurityMode mode, IdentityProvider identity,
                                             PlcClientCertificate cert) {
        if (closed) {
            return;
        }
        try {
            connect(policy, mode, identity, cert);
        } catch (Exception e) {
            LOG.error("PLC at {} not reachable ({}): results cannot be confirmed and follow the fail-safe {}; "
                    + "trying again every 5 s", props.getEndpointUrl(), e.getMessage(), props.getFailSafe());
            OpcUaClient failed = client;
            client = null;
            if (failed != null) {
                try {
                    failed.disconnect();
                } catch (Exception ignored) {
                    // it never connected
                }
            }
            scheduler.schedule(() -> connectOrRetry(policy, mode, identity, cert), 5, TimeUnit.SECONDS);
        }
    }

    private void connect(SecurityPolicy policy, MessageSecurityMode mode, IdentityProvider identity,
                         PlcClientCertificate cert) throws Exception {
        client = OpcUaClient.create(props.getEndpointUrl(),
                endpoints -> endpoints.stream().filter(e -> policy.getUri().equals(e.getSecurityPolicyUri())
                        && e.getSecurityMode() == mode).findFirst(),
                transport -> { },
                config -> {
                    config.setApplicationName(LocalizedText.english("Vision Hub PLC client"))
                            .setApplicationUri(PlcClientCertificate.APPLICATION_URI)
                            .setIdentityProvider(identity)
                            .setRequestTimeout(UInteger.valueOf(Math.max(1000, props.getCycleBudgetMs())));
                    if (cert != null) {
                        config.setKeyPair(cert.keys()).setCertificate(cert.certificate())
                                .setCertificateChain(new X509Certificate[]{cert.certificate()});
                    }
                });
        client.connect();
        subscription = new OpcUaSubscription(client, Math.max(1.0, props.getSamplingIntervalMs()));
        subscription.create();
        List<OpcUaMonitoredItem> items = new ArrayList<>();
        for (StationMapping s : stations.values()) {
            if (s.trigger != null) {
                OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(s.trigger);
                item.setSamplingInterval(props.getSamplingIntervalMs());
                item.setDataValueListener((i, v) -> onTrigger(s, v));
                items.add(item);
            }
            if (s.ack != null) {
                OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(s.ack);
                item.setSamplingInterval(props.getSamplingIntervalMs());
                item.setDataValueListener((i, v) -> onAck(s, v));
                items.add(item);
            }
        }
        subscription.addMonitoredItems(items);
        subscription.synchronizeMonitoredItems();
        // ready once every trigger's current value is known: a rising edge after this is a trigger
        long waitUntil = System.currentTimeMillis() + 5000;
        while (stations.values().stream().anyMatch(s -> s.trigger != null && s.lastTrigger == null)
                && System.currentTimeMillis() < waitUntil) {
            Thread.sleep(5);
        }
        LOG.info("PLC handshake connected to {} ({}), stations {}, cycle budget {} ms, fail-safe {}",
                props.getEndpointUrl(), policy.name(), stations.keySet(), props.getCycleBudgetMs(), props.getFailSafe());
    }

    /**
     * Writes the result to the PLC of the event's station within the cycle budget; blocks until confirmed or missed.
     */
    public Outcome writeResult(InspectionEvent event) {
        StationMapping s = stations.get(event.station());
        if (s == null) {
            return Outcome.UNMAPPED;
        }
        String partId = event.partId() == null ? "" : event.partId();
        ScheduledFuture<?> trigger = pending.remove(key(s.station, partId));
        long deadline = trigger != null ? System.nanoTime() + trigger.getDelay(TimeUnit.NANOSECONDS)
                : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(props.getCycleBudgetMs());
        if (trigger != null) {
            trigger.cancel(false);
        }
        InspectionEvent.Verdict verdict = event.result() == null ? InspectionEvent.Verdict.UNCERTAIN : event.result();
        int code = switch (verdict) {
            case OK -> props.getResultCodeOk();
            case NG -> props.getResultCodeNg();
            default -> props.getResultCodeUncertain();
        };
        long start = System.nanoTime();
        synchronized (s) {
            String lastProblem = "no attempt";
            while (System.nanoTime() < deadline) {
                lastProblem = s.write(client, partId, code, verdict != InspectionEvent.Verdict.OK, deadline);
                if (lastProblem == null) {
                    s.confirmed.increment();
                    s.latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return Outcome.CONFIRMED;
                }
                s.failed.increment();
                sleepUpTo(deadline, props.getRetryBackoffMs());
            }
            s.missed.increment();
            if (s.shouldLog()) {
                LOG.warn("PLC result for station {} part {} (inspection {}) not confirmed within the {} ms cycle budget "
                        + "(last problem: {}); fail-safe {}; {} missed so far", s.station, partId, event.id(),
                        props.getCycleBudgetMs(), lastProblem, props.getFailSafe(), (long) s.missed.count());
            }
            failSafe(s, partId);
            return Outcome.MISSED;
        }
    }

    public boolean maps(String station) {
        return stations.containsKey(station);
    }

    @Override
    public synchronized void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            if (subscription != null) {
                subscription.delete();
            }
        } catch (Exception e) {
            LOG.debug("PLC subscription delete: {}", e.getMessage());
        }
        try {
            if (client != null) {
                client.disconnect();
            }
        } catch (Exception e) {
            LOG.debug("PLC disconnect: {}", e.getMessage());
        }
    }

    private void onTrigger(StationMapping s, DataValue value) {
        boolean raised = Boolean.TRUE.equals(value.getValue().getValue());
        Boolean previous = s.lastTrigger;
        s.lastTrigger = raised;
        if (!raised || previous == null || previous) {
            return; // only a rising edge seen while connected is a trigger
        }
        Instant at = Instant.now();
        s.triggers.increment();
        String partId = "";
        try {
            if (s.partId != null) {
                Object v = client.readValue(0, TimestampsToReturn.Neither, s.partId).getValue().getValue();
                partId = v == null ? "" : v.toString();
            }
        } catch (Exception e) {
            LOG.warn("PLC trigger at station {}: part id node {} unreadable ({}); going on without a part id",
                    s.station, s.partId, e.getMessage());
        }
        String part = partId;
        long budget = props.getCycleBudgetMs();
        ScheduledFuture<?> old = pending.put(key(s.station, part), scheduler.schedule(() -> {
            if (pending.remove(key(s.station, part)) != null) {
                s.missed.increment();
                LOG.warn("PLC trigger at station {} part {}: no result within {} ms; fail-safe {}", s.station, part,
                        budget, props.getFailSafe());
                synchronized (s) {
                    failSafe(s, part);
                }
            }
        }, budget, TimeUnit.MILLISECONDS));
        if (old != null) {
            old.cancel(false);
        }
        clearResultReady(s);
        try {
            triggerListener.accept(new PlcTrigger(s.station, part, at, at.plusMillis(budget)));
        } catch (RuntimeException e) {
            LOG.error("PLC trigger at station {} part {}: the capture side failed ({}); the fail-safe will apply",
                    s.station, part, e.getMessage());
        }
    }

    private void onAck(StationMapping s, DataValue value) {
        boolean acked = Boolean.TRUE.equals(value.getValue().getValue());
        if (acked) {
            clearResultReady(s);
        }
    }

    /**
     * Clears result-ready and waits for the PLC to confirm, under the station's lock: a clear must never land after
     * the next result's write.
     */
    private void clearResultReady(StationMapping s) {
        OpcUaClient c = client;
        if (s.resultReady == null || c == null) {
            return;
        }
        synchronized (s) {
            try {
                c.writeValuesAsync(List.of(s.resultReady), List.of(DataValue.valueOnly(new Variant(false))))
                        .get(Math.max(100, props.getCycleBudgetMs()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("PLC station {}: clearing result-ready failed ({})", s.station, e.getMessage());
            }
        }
    }

    private void failSafe(StationMapping s, String partId) {
        if (props.getFailSafe() != PlcProperties.FailSafe.REJECT || s.reject == null) {
            return;
        }
        String problem = s.write(client, partId, props.getResultCodeFailSafe(), true,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(100, props.getCycleBudgetMs())));
        if (problem != null && s.shouldLog()) {
            LOG.error("PLC fail-safe reject for station {} part {} could not be written either ({}); the PLC's own "
                    + "timeout must reject the part", s.station, partId, problem);
        }
    }

    private static void sleepUpTo(long deadlineNanos, long ms) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0 || ms <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(ms)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String key(String station, String partId) {
        return station + "\u0000" + partId;
    }

    static SecurityPolicy policy(String name) {
        return switch (name == null ? "None" : name.strip()) {
            case "None", "" -> SecurityPolicy.None;
            case "Basic256Sha256" -> SecurityPolicy.Basic256Sha256;
            case "Aes256_Sha256_RsaPss" -> SecurityPolicy.Aes256_Sha256_RsaPss;
            default -> throw new IllegalArgumentException("unknown visionhub.plc.security-policy '" + name
                    + "': use None, Basic256Sha256 or Aes256_Sha256_RsaPss");
        };
    }

    /** The parsed nodes and meters of one station. */
    static final class StationMapping {
        final String station;
        final NodeId trigger;
        final NodeId partId;
        final NodeId resultPartId;
        final NodeId resultCode;
        final NodeId reject;
        final NodeId resultReady;
        final NodeId ack;
        final String codeType;
        final Counter triggers;
        final Counter confirmed;
        final Counter failed;
        final Counter missed;
        final Timer latency;
        volatile Boolean lastTrigger;
        private long lastLogNanos;

        /** At most one warning a second per station, so a PLC that is down does not flood the log. */
        synchronized boolean shouldLog() {
            long now = System.nanoTime();
            if (lastLogNanos != 0 && now - lastLogNanos < TimeUnit.SECONDS.toNanos(1)) {
                return false;
            }
            lastLogNanos = now;
            return true;
        }

        StationMapping(String station, PlcProperties.StationNodes n, PlcProperties props, MeterRegistry meters) {
            this.station = station;
            this.trigger = node(station, "trigger", n.getTrigger());
            this.partId = node(station, "part-id", n.getPartId());
            NodeId echo = node(station, "result-part-id", n.getResultPartId());
            this.resultPartId = echo != null ? echo : partId;
            this.resultCode = node(station, "result-code", n.getResultCode());
            this.reject = node(station, "reject", n.getReject());
            this.resultReady = node(station, "result-ready", n.getResultReady());
            this.ack = node(station, "ack", n.getAck());
            if (resultCode == null && reject == null) {
                throw new IllegalArgumentException("visionhub.plc.stations." + station + " maps neither result-code nor "
                        + "reject: the hub would have nothing to write");
            }
            this.codeType = props.getResultCodeType();
            if (!List.of("Int16", "Int32", "UInt16", "Byte").contains(codeType)) {
                throw new IllegalArgumentException("visionhub.plc.result-code-type must be Int16, Int32, UInt16 or Byte, not "
                        + codeType);
            }
            this.triggers = Counter.builder("visionhub.plc.triggers").tag("station", station).register(meters);
            this.confirmed = Counter.builder("visionhub.plc.writes").tag("station", station).tag("outcome", "confirmed")
                    .register(meters);
            this.failed = Counter.builder("visionhub.plc.writes").tag("station", station).tag("outcome", "failed")
                    .register(meters);
            this.missed = Counter.builder("visionhub.plc.deadline.missed").tag("station", station).register(meters);
            this.latency = Timer.builder("visionhub.plc.write.latency").tag("station", station).register(meters);
        }

        private static NodeId node(String station, String name, String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            return NodeId.parseSafe(text.strip()).orElseThrow(() -> new IllegalArgumentException(
                    "visionhub.plc.stations." + station + "." + name + " = '" + text + "' is not an OPC UA node id "
                            + "(expected e.g. ns=3;s=\"DB_Vision\".\"Reject\" or ns=2;i=1001)"));
        }

        /** One Write call with everything the PLC needs; null when every value was confirmed, else the problem. */
        String write(OpcUaClient client, String part, int code, boolean rejectPart, long deadlineNanos) {
            if (client == null) {
                return "not connected to the PLC";
            }
            List<NodeId> ids = new ArrayList<>(4);
            List<DataValue> values = new ArrayList<>(4);
            if (resultPartId != null) {
                ids.add(resultPartId);
                values.add(DataValue.valueOnly(new Variant(part)));
            }
            if (resultCode != null) {
                ids.add(resultCode);
                values.add(DataValue.valueOnly(codeVariant(code)));
            }
            if (reject != null) {
                ids.add(reject);
                values.add(DataValue.valueOnly(new Variant(rejectPart)));
            }
            if (resultReady != null) {
                ids.add(resultReady);
                values.add(DataValue.valueOnly(new Variant(true)));
            }
            try {
                long left = Math.max(1, deadlineNanos - System.nanoTime());
                List<StatusCode> codes = client.writeValuesAsync(ids, values).get(left, TimeUnit.NANOSECONDS);
                for (int i = 0; i < codes.size(); i++) {
                    if (!codes.get(i).isGood()) {
                        return "PLC refused the write of " + ids.get(i).toParseableString() + ": " + codes.get(i);
                    }
                }
                return null;
            } catch (java.util.concurrent.TimeoutException e) {
                return "no answer from the PLC before the deadline";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            } catch (Exception e) {
                return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            }
        }

        private Variant codeVariant(int code) {
            return switch (codeType) {
                case "Int16" -> new Variant((short) code);
                case "Int32" -> new Variant(code);
                case "UInt16" -> new Variant(org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort(code));
                default -> new Variant(org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte(code));
            };
        }
    }
}
