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
import java.lang.management.ManagementFactory;
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
     * @return {CPU nanoseconds of this thread, bytes it allocated}
     */
    public long[] both(List<Object> events) {
        long[] start = usage();
        for (Object o : events) {
            InspectionEvent e = (InspectionEvent) o;
            namespace.publish(e);
            mqtt.publish(e);
        }
        return since(start);
    }

    /** StationNamespace.publish alone: {CPU nanoseconds, bytes allocated}. */
    public long[] opcuaOnly(List<Object> events) {
        long[] start = usage();
        for (Object o : events) {
            namespace.publish((InspectionEvent) o);
        }
        return since(start);
    }

    /** The MQTT publish alone (its payload not written before by an OPC UA step): {CPU nanoseconds, bytes}. */
    public long[] mqttOnly(List<Object> events) {
        long[] start = usage();
        for (Object o : events) {
            mqtt.publish((InspectionEvent) o);
        }
        return since(start);
    }

    /** Payload and topic bytes the MQTT client took so far (the same on both sides for the same events). */
    public long mqttBytes() {
        return client.bytes;
    }

    private static long[] usage() {
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return new long[] {
            t.getCurrentThreadCpuTime(),
            t.getThreadAllocatedBytes(Thread.currentThread().getId())
        };
    }

    private static long[] since(long[] start) {
        long[] now = usage();
        return new long[] {now[0] - start[0], now[1] - start[1]};
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
