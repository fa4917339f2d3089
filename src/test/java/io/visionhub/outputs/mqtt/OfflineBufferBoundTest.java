package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.outputs.PortPicker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline buffer with no broker at all: bounded, counted in metrics, and still there after a restart. */
class OfflineBufferBoundTest {

    @TempDir
    Path dir;

    private static OutboundMessage message(int i) {
        return new OutboundMessage(
                "visionhub/s/l/st/inspection",
                ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                1,
                false,
                "application/json",
                "1.0");
    }

    private ReliableMqttClient unreachable(SimpleMeterRegistry meters, int bound) {
        String nobody = "tcp://127.0.0.1:" + PortPicker.ephemeral("127.0.0.1");
        ReliableMqttClient client = new ReliableMqttClient(
                nobody, "hub-offline", new MqttConnectionOptions(), dir.resolve("buffer"), bound, 200, meters);
        client.start(0);
        return client;
    }

    @Test
    void keepsUpToTheBoundDropsAndCountsTheRestAndKeepsThemAcrossRestarts() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ReliableMqttClient client = unreachable(meters, 5);
        for (int i = 0; i < 8; i++) {
            client.publish(message(i));
        }
        assertThat(client.buffered()).isEqualTo(5);
        assertThat(meters.get("visionhub.mqtt.buffer.kept").counter().count()).isEqualTo(5);
        assertThat(meters.get("visionhub.mqtt.buffer.dropped").counter().count())
                .isEqualTo(3);
        assertThat(meters.get("visionhub.mqtt.buffer.size").gauge().value()).isEqualTo(5);
        client.close();

        ReliableMqttClient again = unreachable(new SimpleMeterRegistry(), 5);
        try {
            assertThat(again.buffered())
                    .as("buffer survives a restart of the hub")
                    .isEqualTo(5);
        } finally {
            again.close();
        }
    }

    @Test
    void refusesABoundBelowOneAndACorruptEntry() {
        assertThatThrownBy(() -> new OfflineBuffer(dir.resolve("b"), 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> OutboundMessage.decode(new byte[] {9, 9}))
                .isInstanceOf(IllegalArgumentException.class);
        OutboundMessage m = message(1);
        OutboundMessage back = OutboundMessage.decode(m.encode());
        assertThat(back.topic()).isEqualTo(m.topic());
        assertThat(back.payload()).isEqualTo(m.payload());
    }
}
