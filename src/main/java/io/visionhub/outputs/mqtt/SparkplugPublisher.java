package io.visionhub.outputs.mqtt;

import io.visionhub.event.InspectionEvent;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sparkplug B edge node (payloads with Eclipse Tahu): the hub is edge node {@code <edgeNodeId>} in group
 * {@code <groupId>}, each station a device. On every connect: bdSeq goes up, the Will is an NDEATH carrying it,
 * then NBIRTH (seq 0, bdSeq, Node Control/Rebirth) and a DBIRTH per known station; each result is a DDATA.
 * A Rebirth command (NCMD Node Control/Rebirth=true) repeats the births. Birth and data messages are QoS 0,
 * not retained, as the specification says; Sparkplug is an extra view, the JSON topics stay the record.
 */
public class SparkplugPublisher implements AutoCloseable {

    public static final String NAMESPACE = "spBv1.0";
    private static final Logger LOG = LoggerFactory.getLogger(SparkplugPublisher.class);

    private final String groupId;
    private final String edgeNodeId;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final SparkplugBPayloadEncoder encoder = new SparkplugBPayloadEncoder();
    private final Map<String, DeviceState> devices = new LinkedHashMap<>();
    private long bdSeq = -1;
    private long seq;
    private volatile boolean running;
    private Thread keeper;

    public SparkplugPublisher(String brokerUrl, String groupId, String edgeNodeId, MqttConnectionOptions options) {
        this.groupId = MqttTopics.level(groupId);
        this.edgeNodeId = MqttTopics.level(edgeNodeId);
        this.options = options;
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setWillMessageProperties(new MqttProperties());
        try {
            // its own connection (the Will must be the NDEATH), with a client id beside the JSON publisher's
            this.client = new MqttAsyncClient(brokerUrl, "spb-" + this.edgeNodeId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("bad Sparkplug broker URL or edge node id: " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
    }

    public String topic(String type, String device) {
        return NAMESPACE + "/" + groupId + "/" + type + "/" + edgeNodeId
                + (device == null ? "" : "/" + MqttTopics.level(device));
    }

    public synchronized void start(long firstConnectTimeoutMs) {
        running = true;
        keeper = new Thread(this::keep, "sparkplug-" + edgeNodeId);
        keeper.setDaemon(true);
        keeper.start();
        long deadline = System.currentTimeMillis() + firstConnectTimeoutMs;
        while (!client.isConnected() && System.currentTimeMillis() < deadline) {
            try {
                wait(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** DBIRTH for a new station, then a DDATA with the result. Dropped (QoS 0 semantics) while disconnected. */
    public synchronized void publish(InspectionEvent event) {
        DeviceState d = devices.computeIfAbsent(event.station(), s -> new DeviceState());
        d.count(event);
        if (!client.isConnected()) {
            return;
        }
        try {
            if (!d.born) {
                send(topic("DBIRTH", event.station()), deviceMetrics(event, d, true));
                d.born = true;
            }
            send(topic("DDATA", event.station()), deviceMetrics(event, d, false));
        } catch (Exception e) {
            LOG.debug("Sparkplug DDATA for {} not sent: {}", event.station(), e.getMessage());
        }
    }

    public synchronized long bdSeq() {
        return bdSeq;
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public synchronized void close() {
        running = false;
        if (keeper != null) {
            keeper.interrupt();
        }
        try {
            if (client.isConnected()) {
                byte[] death = encoder.getBytes(
                        new SparkplugBPayload.SparkplugBPayloadBuilder()
                                .setTimestamp(new Date())
                                .addMetric(bdSeqMetric())
                                .createPayload(),
                        false);
                client.publish(topic("NDEATH", null), message(death, 1)).waitForCompletion(2000);
                client.disconnect(2000).waitForCompletion(3000);
            }
            client.close(true);
        } catch (Exception e) {
            LOG.debug("Sparkplug close: {}", e.getMessage());
        }
    }

    private void keep() {
        long backoff = 200;
        while (running) {
            try {
                if (!client.isConnected()) {
                    if (connectAndBirth()) {
                        backoff = 200;
                    } else {
                        Thread.sleep(backoff);
                        backoff = Math.min(5000, backoff * 2);
                    }
                } else {
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private synchronized boolean connectAndBirth() {
        try {
            bdSeq = (bdSeq + 1) % 256;
            byte[] death = encoder.getBytes(
                    new SparkplugBPayload.SparkplugBPayloadBuilder()
                            .setTimestamp(new Date())
                            .addMetric(bdSeqMetric())
                            .createPayload(),
                    false);
            options.setWill(topic("NDEATH", null), message(death, 1));
            client.connect(options).waitForCompletion(options.getConnectionTimeout() * 1000L + 1000);
            client.subscribe(topic("NCMD", null), 1).waitForCompletion(5000);
            birth();
            notifyAll();
            LOG.info(
                    "Sparkplug B: edge node {}/{} born (bdSeq {}) with {} station devices",
                    groupId,
                    edgeNodeId,
                    bdSeq,
                    devices.size());
            return true;
        } catch (Exception e) {
            LOG.debug("Sparkplug connect failed: {}", e.getMessage());
            return false;
        }
    }

    private void birth() throws Exception {
        seq = 0;
        SparkplugBPayload nbirth = new SparkplugBPayload.SparkplugBPayloadBuilder()
                .setTimestamp(new Date())
                .setSeq(seq)
                .addMetric(bdSeqMetric())
                .addMetric(
                        new Metric.MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, false).createMetric())
                .addMetric(new Metric.MetricBuilder("Properties/Product", MetricDataType.String, "Vision Hub")
                        .createMetric())
                .createPayload();
        client.publish(topic("NBIRTH", null), message(encoder.getBytes(nbirth, false), 0));
        for (Map.Entry<String, DeviceState> e : devices.entrySet()) {
            e.getValue().born = false;
            if (e.getValue().last != null) {
                send(topic("DBIRTH", e.getKey()), deviceMetrics(e.getValue().last, e.getValue(), true));
                e.getValue().born = true;
            }
        }
    }

    private void send(String topic, List<Metric> metrics) throws Exception {
        seq = (seq + 1) % 256;
        SparkplugBPayload payload = new SparkplugBPayload.SparkplugBPayloadBuilder()
                .setTimestamp(new Date())
                .setSeq(seq)
                .addMetrics(metrics)
                .createPayload();
        client.publish(topic, message(encoder.getBytes(payload, false), 0));
    }

    private Metric bdSeqMetric() throws Exception {
        return new Metric.MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq).createMetric();
    }

    private static List<Metric> deviceMetrics(InspectionEvent e, DeviceState d, boolean birth) throws Exception {
        List<Metric> m = new ArrayList<>();
        m.add(metric("Inspection/Id", MetricDataType.String, e.id()));
        m.add(metric(
                "Inspection/Result",
                MetricDataType.String,
                e.result() == null ? "" : e.result().name()));
        m.add(metric("Inspection/PartId", MetricDataType.String, e.partId() == null ? "" : e.partId()));
        m.add(metric("Inspection/DefectCount", MetricDataType.Int32, e.defects().size()));
        m.add(metric(
                "Inspection/AnomalyScore", MetricDataType.Double, e.anomalyScore() == null ? 0.0 : e.anomalyScore()));
        m.add(metric(
                "Inspection/CaptureTime",
                MetricDataType.DateTime,
                e.captureTime() == null ? new Date() : Date.from(e.captureTime())));
        m.add(metric("Counters/Inspected", MetricDataType.Int64, d.inspected));
        m.add(metric("Counters/OK", MetricDataType.Int64, d.ok));
        m.add(metric("Counters/NG", MetricDataType.Int64, d.ng));
        if (birth) {
            m.add(metric("Properties/Line", MetricDataType.String, e.line() == null ? "" : e.line()));
        }
        return m;
    }

    private static Metric metric(String name, MetricDataType type, Object value) throws Exception {
        return new Metric.MetricBuilder(name, type, value).createMetric();
    }

    private static MqttMessage message(byte[] payload, int qos) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(false);
        return m;
    }

    /** Decodes a Sparkplug B payload (for tests and tools). */
    public static SparkplugBPayload decode(byte[] payload) throws Exception {
        return new SparkplugBPayloadDecoder().buildFromByteArray(payload, null);
    }

    private static final class DeviceState {
        boolean born;
        long inspected;
        long ok;
        long ng;
        InspectionEvent last;

        void count(InspectionEvent e) {
            inspected++;
            if (e.result() == InspectionEvent.Verdict.OK) {
                ok++;
            } else if (e.result() == InspectionEvent.Verdict.NG) {
                ng++;
            }
            last = e;
        }
    }

    private final class Callback extends MqttCallbackAdapter {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warn(
                    "Sparkplug B edge node {} lost its broker connection; it will reconnect with a new bdSeq",
                    edgeNodeId);
            if (keeper != null) {
                keeper.interrupt();
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                SparkplugBPayload cmd = decode(message.getPayload());
                boolean rebirth = cmd.getMetrics().stream()
                        .anyMatch(m -> "Node Control/Rebirth".equals(m.getName()) && Boolean.TRUE.equals(m.getValue()));
                if (rebirth) {
                    synchronized (SparkplugPublisher.this) {
                        LOG.info("Sparkplug B: rebirth requested for {}", edgeNodeId);
                        birth();
                    }
                }
            } catch (Exception e) {
                LOG.warn("Sparkplug B: unreadable NCMD on {} ignored: {}", topic, e.getMessage());
            }
        }
    }
}
