package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad MQTT configuration is refused with the key to fix. */
class MqttConfigErrorsTest {

    @TempDir
    Path dir;

    @Test
    void qosOutsideZeroToTwoIsRefused() {
        assertThatThrownBy(() -> new MqttEventPublisher(null, new MqttTopics("v", "s"), 3, false))
                .hasMessageContaining("visionhub.mqtt.qos");
    }

    @Test
    void noBrokerAtAllIsExplained() {
        assertThatThrownBy(() -> MqttConfiguration.effectiveBrokerUrl(MqttOutputProperties.defaults(), null))
                .hasMessageContaining("visionhub.mqtt.broker-url");
        MqttOutputProperties props = MqttOutputProperties.defaults().withBrokerUrl(" tcp://broker:1883 ");
        assertThat(MqttConfiguration.effectiveBrokerUrl(props, null)).isEqualTo("tcp://broker:1883");
    }

    @Test
    void badBrokerUrlAndMissingTrustStoreAreNamed() {
        assertThatThrownBy(() -> new ReliableMqttClient(
                        "http://nope", "c", new MqttConnectionOptions(), dir, 10, 100, new SimpleMeterRegistry()))
                .hasMessageContaining("bad MQTT broker URL");
        MqttOutputProperties props = MqttOutputProperties.defaults()
                .withBrokerUrl("ssl://broker:8883")
                .withTls(MqttOutputProperties.Tls.defaults()
                        .withTrustStore(dir.resolve("missing.p12").toString(), ""));
        assertThatThrownBy(() -> MqttConfiguration.connectionOptions(props, new MqttTopics("v", "s"), "c"))
                .hasMessageContaining("missing.p12");
    }

    @Test
    void emptyTopicLevelIsRefused() {
        assertThatThrownBy(() -> new MqttTopics("visionhub", " ")).hasMessageContaining("non-empty id");
    }

    @Test
    void disabledPublisherPassesEventsThrough() {
        var event = TestEvents.event("station-1", "P", InspectionEvent.Verdict.OK);
        assertThat(MqttEventPublisher.disabled().publish(event)).isSameAs(event);
    }

    @Test
    void qosAndBufferSizeOutOfRangeAreNamed() {
        assertThatThrownBy(() -> new MqttOutputProperties(
                        null, null, null, null, 3, null, null, null, null, null, null, null, null))
                .hasMessageContaining("visionhub.mqtt.qos")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> new MqttOutputProperties.Buffer(null, 0))
                .hasMessageContaining("visionhub.mqtt.buffer.max-events");
    }
}
