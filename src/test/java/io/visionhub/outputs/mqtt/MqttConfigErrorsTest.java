package io.visionhub.outputs.mqtt;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThatThrownBy(() -> MqttConfiguration.effectiveBrokerUrl(new MqttOutputProperties(), null))
                .hasMessageContaining("visionhub.mqtt.broker-url");
        MqttOutputProperties props = new MqttOutputProperties();
        props.setBrokerUrl(" tcp://broker:1883 ");
        assertThat(MqttConfiguration.effectiveBrokerUrl(props, null)).isEqualTo("tcp://broker:1883");
    }

    @Test
    void badBrokerUrlAndMissingTrustStoreAreNamed() {
        assertThatThrownBy(() -> new ReliableMqttClient("http://nope", "c", new MqttConnectionOptions(), dir, 10, 100,
                new SimpleMeterRegistry())).hasMessageContaining("bad MQTT broker URL");
        MqttOutputProperties props = new MqttOutputProperties();
        props.setBrokerUrl("ssl://broker:8883");
        props.getTls().setTrustStore(dir.resolve("missing.p12").toString());
        assertThatThrownBy(() -> MqttConfiguration.connectionOptions(props, new MqttTopics("v", "s"), "c"))
                .hasMessageContaining("missing.p12");
    }

    @Test
    void emptyTopicLevelIsRefused() {
        assertThatThrownBy(() -> new MqttTopics("visionhub", " ")).hasMessageContaining("non-empty id");
    }

    @Test
    void disabledPublisherPassesEventsThrough() {
        var event = TestEvents.event("station-1", "P", io.visionhub.event.InspectionEvent.Verdict.OK);
        assertThat(MqttEventPublisher.disabled().publish(event)).isSameAs(event);
    }
}
