package io.visionhub.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.outputs.mqtt.MqttEventPublisher;
import io.visionhub.outputs.mqtt.MqttTopics;
import io.visionhub.outputs.mqtt.OutboundMessage;
import io.visionhub.outputs.mqtt.ReliableMqttClient;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.OpcUaServerProperties;
import io.visionhub.outputs.opcua.StationNamespace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * What {@link OutputsBench} times, in one class loader per side (the hub's classes of one build): the hub's own OPC UA
 * server with its station namespace, and the MQTT publisher over a client that takes each message without a broker,
 * so that only the payload build (JSON, topic, message) is timed. Uses only API that the build before and after
 * share; the events are made the same way on both sides (8 stations, 10 % NG with one defect, a production context).
 */
public final class OutputsWorkload implements AutoCloseable {

    private static final int STATIONS = 8;
    private final HubOpcUaServer server;
    private final StationNamespace namespace;
    private final MqttEventPublisher mqtt;
    private final TakingClient client;
    private long serial;

    public OutputsWorkload(Path dir) throws Exception {
        server = new HubOpcUaServer(
                OpcUaServerProperties.defaults()
                        .withListen("127.0.0.1", 0)
                        .withAllowSecurityNone(true)
                        .withAllowAnonymous(true)
                        .withPkiDir(dir.resolve("pki").toString()),
                "bench");
        server.start();
        namespace = server.namespace();
        client = new TakingClient(dir.resolve("mqtt-buffer"));
        mqtt = new MqttEventPublisher(client, new MqttTopics("visionhub", "bench"), 1, false);
    }

    /** {@code n} new events (new ids and part ids, times now), as the route would get them. */
    public List<Object> events(int n) {
        List<Object> events = new ArrayList<>(n);
        ProductionContext ctx = new ProductionContext(
                "line-1", "PO-1001", "P-77", "1", null, "B-42", "WC-1", "A", "ST-1", "L-9", 3, Instant.now());
        for (int i = 0; i < n; i++) {
            long k = serial++;
            boolean ng = k % 10 == 9;
            String station = "bench-" + (k % STATIONS + 1);
            Instant now = Instant.now();
            events.add(new InspectionEvent(
                    InspectionEvent.SCHEMA_VERSION,
                    EventIds.newId(),
                    station,
                    "cam-" + station,
                    "line-1",
                    now,
                    now,
                    new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                    ng ? InspectionEvent.Verdict.NG : InspectionEvent.Verdict.OK,
                    ng ? List.of(new Defect("scratch", 0.91, new Defect.Box(10, 20, 30, 40))) : List.of(),
                    ng ? 0.93 : 0.12,
                    null,
                    ctx,
                    InspectionEvent.ContextStatus.APPLIED,
                    "P" + k,
                    new Latency(1, 1, 5, 1, 8)));
        }
        return events;
    }

    /**
     * For each event, in the route's order: StationNamespace.publish, then the MQTT publish of the same event.
     *
     * @return {nanoseconds in OPC UA, nanoseconds in MQTT, payload bytes handed to the client}
     */
    public long[] run(List<Object> events) {
        long opcua = 0;
        long mqttNs = 0;
        long before = client.bytes;
        for (Object o : events) {
            InspectionEvent e = (InspectionEvent) o;
            long t0 = System.nanoTime();
            namespace.publish(e);
            long t1 = System.nanoTime();
            mqtt.publish(e);
            long t2 = System.nanoTime();
            opcua += t1 - t0;
            mqttNs += t2 - t1;
        }
        return new long[] {opcua, mqttNs, client.bytes - before};
    }

    /** The MQTT publish alone (no OPC UA step before it): the payload is written by the MQTT step itself. */
    public long mqttOnly(List<Object> events) {
        long t0 = System.nanoTime();
        for (Object o : events) {
            mqtt.publish((InspectionEvent) o);
        }
        return System.nanoTime() - t0;
    }

    @Override
    public void close() {
        server.close();
    }

    /** Takes every message as sent without a broker (never started: no connection, no buffer writes). */
    static final class TakingClient extends ReliableMqttClient {
        long bytes;

        TakingClient(Path bufferDir) {
            super(
                    "tcp://127.0.0.1:1",
                    "outputs-bench",
                    new MqttConnectionOptions(),
                    bufferDir,
                    1000,
                    1000,
                    new SimpleMeterRegistry());
        }

        @Override
        public boolean publish(OutboundMessage message) {
            bytes += message.payload().length + message.topic().length();
            return true;
        }
    }
}
