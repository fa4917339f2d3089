package io.visionhub.outputs.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.EventJsonMemo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Body;
import org.apache.camel.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's MQTT output behind the route step {@code hub-mqtt:inspection} (HubMqttComponent): publishes each inspection event as JSON (EventJson) on
 * {@code <root>/<site>/<line>/<station>/inspection}, QoS 1, with MQTT 5 content type and user properties
 * content-type and schema-version; keeps a retained station status up to date. Takes and returns the event.
 * Nothing is lost while the broker is down (see {@link ReliableMqttClient}).
 */
public class MqttEventPublisher {

    public static final String CONTENT_TYPE = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(MqttEventPublisher.class);
    /** A retained station status is refreshed at most this often unless the verdict changes. */
    private static final long STATUS_INTERVAL_MS = 1000;

    private final ReliableMqttClient client;
    private final MqttTopics topics;
    private final int qos;
    private final boolean statusEnabled;
    private final Map<String, StationStatus> stations = new ConcurrentHashMap<>();
    /** each station's inspection topic with the line it was made for (two regex replacements saved per event) */
    private final Map<String, StationTopic> inspectionTopics = new ConcurrentHashMap<>();

    private volatile SparkplugPublisher sparkplug;
    private volatile StationWills stationWills;

    public MqttEventPublisher(ReliableMqttClient client, MqttTopics topics, int qos, boolean statusEnabled) {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("visionhub.mqtt.qos must be 0, 1 or 2, not " + qos);
        }
        this.client = client;
        this.topics = topics;
        this.qos = qos;
        this.statusEnabled = statusEnabled;
        if (client != null && statusEnabled) {
            client.onConnect(c -> c.publishNow(hubStatus(topics, c.clientId(), true)));
            client.will(() -> hubWill(topics, client.clientId(), Instant.now()));
        }
    }

    /**
     * The hub status will, made at each (re)connect: {@code online:false} with {@code connectedAt}, the start of
     * the connection whose loss it reports. It has no {@code timestamp}: the broker sends the will as given at
     * connect time, so the time of the loss is when the broker delivers it.
     */
    public static OutboundMessage hubWill(MqttTopics topics, String clientId, Instant connectedAt) {
        String json = "{\"online\":false,\"clientId\":\"" + clientId.replace("\"", "")
                + "\",\"reason\":\"connection lost\"," + "\"connectedAt\":\"" + connectedAt + "\"}";
        return new OutboundMessage(
                topics.hubStatus(clientId), json.getBytes(StandardCharsets.UTF_8), 1, true, CONTENT_TYPE, "");
    }

    /** Gives every station with a retained status a last will of its own (see {@link StationWills}). */
    public void stationWills(StationWills wills) {
        this.stationWills = wills;
    }

    public StationWills stationWills() {
        return stationWills;
    }

    /** Retained hub status: online on every connect; the same with online=false is the last will. */
    public static OutboundMessage hubStatus(MqttTopics topics, String clientId, boolean online) {
        String json = "{\"online\":" + online + ",\"clientId\":\"" + clientId.replace("\"", "") + "\",\"timestamp\":\""
                + Instant.now() + "\"}";
        return new OutboundMessage(
                topics.hubStatus(clientId), json.getBytes(StandardCharsets.UTF_8), 1, true, CONTENT_TYPE, "");
    }

    /** A publisher that passes events through untouched (visionhub.mqtt.enabled=false). */
    public static MqttEventPublisher disabled() {
        return new MqttEventPublisher(null, new MqttTopics("visionhub", "disabled"), 1, false);
    }

    /** Publishes the event (or keeps it for the broker) and returns it unchanged. */
    @Handler
    public InspectionEvent publish(@Body InspectionEvent event) {
        if (client == null) {
            return event;
        }
        if (event == null) {
            throw new IllegalArgumentException("mqttEventPublisher needs an InspectionEvent body, got none");
        }
        if (event.station() == null || event.station().isBlank()) {
            throw new IllegalArgumentException(
                    "inspection event " + event.id() + " has no station: cannot choose its MQTT topic");
        }
        // written once per inspection for OPC UA and MQTT (EventJsonMemo): the same bytes as EventJson.toBytes
        byte[] json = EventJsonMemo.bytes(event);
        String topic = inspectionTopic(event.line(), event.station());
        String version = event.schemaVersion() == null ? InspectionEvent.SCHEMA_VERSION : event.schemaVersion();
        if (!client.publish(new OutboundMessage(topic, json, qos, false, CONTENT_TYPE, version))) {
            LOG.warn(
                    "Inspection {} of station {} was not published to MQTT: offline buffer full (see "
                            + "visionhub.mqtt.buffer.dropped); the ledger still holds it",
                    event.id(),
                    event.station());
        }
        if (statusEnabled) {
            updateStatus(event);
        }
        SparkplugPublisher spb = sparkplug;
        if (spb != null) {
            spb.publish(event);
        }
        return event;
    }

    /** Publishes a retained document on a topic (ledger tree heads and similar). */
    public void publishRetained(String topic, String json) {
        if (client == null) {
            return;
        }
        client.publish(new OutboundMessage(topic, json.getBytes(StandardCharsets.UTF_8), 1, true, CONTENT_TYPE, ""));
    }

    /** Publishes a JSON document, not retained, QoS 1 (quality alarm events and similar). */
    public void publishEvent(String topic, String json) {
        if (client == null) {
            return;
        }
        client.publish(new OutboundMessage(topic, json.getBytes(StandardCharsets.UTF_8), 1, false, CONTENT_TYPE, ""));
    }

    /** Also publish each result as Sparkplug B DDATA (visionhub.mqtt.sparkplug.enabled). */
    public void sparkplug(SparkplugPublisher publisher) {
        this.sparkplug = publisher;
    }

    public SparkplugPublisher sparkplug() {
        return sparkplug;
    }

    public MqttTopics topics() {
        return topics;
    }

    public ReliableMqttClient client() {
        return client;
    }

    private String inspectionTopic(String line, String station) {
        StationTopic t = inspectionTopics.get(station);
        if (t == null || !Objects.equals(t.line, line)) {
            t = new StationTopic(line, topics.inspection(line, station));
            inspectionTopics.put(station, t);
        }
        return t.topic;
    }

    private record StationTopic(String line, String topic) {}

    private void updateStatus(InspectionEvent event) {
        StationStatus s = stations.computeIfAbsent(event.station(), k -> new StationStatus());
        String json;
        synchronized (s) {
            s.inspected++;
            if (event.result() == InspectionEvent.Verdict.OK) {
                s.ok++;
            } else if (event.result() == InspectionEvent.Verdict.NG) {
                s.ng++;
            }
            long now = System.currentTimeMillis();
            boolean changed = s.lastVerdict != event.result();
            if (!changed && now - s.lastPublishedMs < STATUS_INTERVAL_MS) {
                return;
            }
            s.lastVerdict = event.result();
            s.lastPublishedMs = now;
            ObjectNode doc = EventJson.mapper().createObjectNode();
            doc.put("station", event.station());
            doc.put("line", event.line());
            doc.put("state", "RUNNING");
            doc.put("lastInspectionId", event.id());
            doc.put("lastResult", event.result() == null ? null : event.result().name());
            doc.put(
                    "lastCaptureTime",
                    event.captureTime() == null ? null : event.captureTime().toString());
            doc.put("inspected", s.inspected);
            doc.put("ok", s.ok);
            doc.put("ng", s.ng);
            doc.put("timestamp", Instant.ofEpochMilli(now).toString());
            // the hub that inspects the station (its MQTT client id): in a cluster, the station's current owner
            doc.put("hub", client.clientId());
            json = doc.toString();
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        StationWills wills = stationWills;
        if (wills != null) {
            wills.track(event.line(), event.station(), bytes);
        }
        client.publish(new OutboundMessage(
                topics.stationStatus(event.line(), event.station()), bytes, 1, true, CONTENT_TYPE, ""));
    }

    private static final class StationStatus {
        long inspected;
        long ok;
        long ng;
        InspectionEvent.Verdict lastVerdict;
        long lastPublishedMs;
    }
}
