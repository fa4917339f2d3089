package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** Health "mqtt": UP while connected, DEGRADED (with what waits in the buffer) while the broker is away. */
class MqttHealthIndicatorTest {

    @TempDir
    Path dir;

    @Test
    void connectedIsUpAndABrokerThatWentAwayIsDegradedWithTheBufferedCount() {
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", 0, "in-memory");
        broker.start();
        ReliableMqttClient client = new ReliableMqttClient(
                broker.url(),
                "hub-health",
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                1000,
                1000,
                new SimpleMeterRegistry());
        MqttHealthIndicator health = new MqttHealthIndicator(
                new MqttEventPublisher(client, new MqttTopics("visionhub", "site-a"), 1, false));
        try {
            client.start(10_000);
            Health up = health.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails())
                    .containsEntry("connected", true)
                    .containsEntry("buffered", 0)
                    .containsEntry("broker", broker.url());

            broker.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> !client.isConnected());
            client.publish(new OutboundMessage("visionhub/site-a/x", new byte[] {1}, 1, false, "", ""));
            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(MqttHealthIndicator.DEGRADED);
            assertThat(down.getDetails()).containsEntry("connected", false).containsEntry("buffered", 1);
            assertThat((String) down.getDetails().get("problem")).contains("offline buffer");
        } finally {
            client.close();
            broker.stop();
        }
    }

    @Test
    void mqttOffIsUpAndSaysSo() {
        assertThat(new MqttHealthIndicator(MqttEventPublisher.disabled())
                        .health()
                        .getDetails())
                .containsEntry("enabled", false);
    }
}
