package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sparkplug B edge node on the embedded broker; an independent subscriber decodes the payloads with Tahu. */
class SparkplugPublisherTest {

    @TempDir
    static Path dir;

    static EmbeddedMqttBroker broker;

    @BeforeAll
    static void start() {
        broker = new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", 0, "in-memory");
        broker.start();
    }

    @AfterAll
    static void stop() {
        broker.stop();
    }

    private static Map<String, Object> metrics(SparkplugBPayload p) {
        return p.getMetrics().stream().collect(Collectors.toMap(Metric::getName, Metric::getValue, (a, b) -> b));
    }

    @Test
    void birthDataAndDeathCarryBdSeqAndSeq() throws Exception {
        try (MqttTestSubscriber sub = new MqttTestSubscriber(broker.url(), "scada", "spBv1.0/#", false)) {
            SparkplugPublisher spb =
                    new SparkplugPublisher(broker.url(), "site-a", "hub-1", new MqttConnectionOptions());
            spb.start(10_000);
            MqttTestSubscriber.Received nbirth = sub.next("spBv1.0/site-a/NBIRTH/hub-1", 10);
            assertThat(nbirth).isNotNull();
            SparkplugBPayload birth = SparkplugPublisher.decode(nbirth.message().getPayload());
            assertThat(birth.getSeq()).isZero();
            assertThat(metrics(birth)).containsEntry("bdSeq", 0L).containsEntry("Node Control/Rebirth", false);
            assertThat(nbirth.message().isRetained()).isFalse();

            spb.publish(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.NG));
            SparkplugBPayload dbirth = SparkplugPublisher.decode(sub.next("spBv1.0/site-a/DBIRTH/hub-1/station-1", 10)
                    .message()
                    .getPayload());
            assertThat(dbirth.getSeq()).isEqualTo(1);
            SparkplugBPayload ddata = SparkplugPublisher.decode(sub.next("spBv1.0/site-a/DDATA/hub-1/station-1", 10)
                    .message()
                    .getPayload());
            assertThat(ddata.getSeq()).isEqualTo(2);
            assertThat(metrics(ddata))
                    .containsEntry("Inspection/Result", "NG")
                    .containsEntry("Inspection/PartId", "P-1")
                    .containsEntry("Inspection/DefectCount", 1)
                    .containsEntry("Counters/NG", 1L);

            spb.close();
            SparkplugBPayload ndeath = SparkplugPublisher.decode(
                    sub.next("spBv1.0/site-a/NDEATH/hub-1", 10).message().getPayload());
            assertThat(metrics(ndeath)).containsEntry("bdSeq", 0L);
            assertThat(ndeath.getSeq()).isNull();
        }
    }

    @Test
    void rebirthCommandRepeatsTheBirthsWithSeqZero() throws Exception {
        try (MqttTestSubscriber sub = new MqttTestSubscriber(broker.url(), "scada-2", "spBv1.0/site-b/#", false)) {
            SparkplugPublisher spb =
                    new SparkplugPublisher(broker.url(), "site-b", "hub-2", new MqttConnectionOptions());
            spb.start(10_000);
            try {
                assertThat(sub.next("spBv1.0/site-b/NBIRTH/hub-2", 10)).isNotNull();
                spb.publish(TestEvents.event("station-7", "P-1", InspectionEvent.Verdict.OK));
                assertThat(sub.next("spBv1.0/site-b/DDATA/hub-2/station-7", 10)).isNotNull();
                byte[] cmd = new SparkplugBPayloadEncoder()
                        .getBytes(
                                new SparkplugBPayload.SparkplugBPayloadBuilder()
                                        .setTimestamp(new Date())
                                        .addMetric(new Metric.MetricBuilder(
                                                        "Node Control/Rebirth", MetricDataType.Boolean, true)
                                                .createMetric())
                                        .createPayload(),
                                false);
                try (MqttTestSubscriber host =
                        new MqttTestSubscriber(broker.url(), "host-app", "spBv1.0/STATE/#", false)) {
                    host.publish("spBv1.0/site-b/NCMD/hub-2", cmd);
                }
                SparkplugBPayload again = SparkplugPublisher.decode(
                        sub.next("spBv1.0/site-b/NBIRTH/hub-2", 10).message().getPayload());
                assertThat(again.getSeq()).isZero();
                assertThat(sub.next("spBv1.0/site-b/DBIRTH/hub-2/station-7", 10))
                        .as("device reborn")
                        .isNotNull();
            } finally {
                spb.close();
            }
        }
    }

    @Test
    void badNcmdPayloadIsIgnoredAndTheNodeStaysUp() throws Exception {
        SparkplugPublisher spb = new SparkplugPublisher(broker.url(), "site-c", "hub-3", new MqttConnectionOptions());
        spb.start(10_000);
        try (MqttTestSubscriber host = new MqttTestSubscriber(broker.url(), "host-bad", "spBv1.0/STATE/#", false)) {
            host.publish("spBv1.0/site-c/NCMD/hub-3", new byte[] {1, 2, 3, (byte) 0xff});
            assertThat(spb.isConnected()).isTrue();
        } finally {
            spb.close();
        }
    }
}
