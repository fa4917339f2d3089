package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's MQTT output window is what the broker announces as its receive maximum, which Mosquitto takes from
 * {@code max_inflight_messages} (docs/mqtt.md, "Broker settings for a burst"): the recommended 1000, a small one as
 * set, and the stock default 20; the hub's embedded HiveMQ broker gives 1000 (its own default is 10).
 */
class MqttInFlightWindowTest {

    @TempDir
    Path dir;

    @Test
    void theRecommendedSettingsGiveAWindowOf1000() throws Exception {
        assertThat(windowWith(List.of(), false)).isEqualTo(1000);
    }

    @Test
    void theWindowFollowsTheBrokersMaxInflightMessages() throws Exception {
        assertThat(windowWith(List.of("max_inflight_messages 7"), false)).isEqualTo(7);
    }

    @Test
    void aStockMosquittoGivesTwenty() throws Exception {
        assertThat(windowWith(List.of(), true)).isEqualTo(20);
    }

    @Test
    void theEmbeddedBrokerGivesAWindowOf1000() throws Exception {
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker(dir.resolve("embedded"), "127.0.0.1", 0, "in-memory");
        broker.start();
        try {
            assertThat(windowAt(broker.url())).isEqualTo(1000); // HiveMQ's own default is 10
        } finally {
            broker.stop();
        }
    }

    private int windowWith(List<String> config, boolean stock) throws Exception {
        Assumptions.assumeTrue(
                MosquittoProcess.find().isPresent(),
                "mosquitto is not installed (apt-get install mosquitto); CI installs it");
        MosquittoProcess broker = new MosquittoProcess(dir.resolve("broker"), config, stock);
        broker.start();
        try {
            return windowAt(broker.url());
        } finally {
            broker.stop();
        }
    }

    private int windowAt(String url) throws Exception {
        ReliableMqttClient client = new ReliableMqttClient(
                url,
                "hub-window",
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                100,
                1000,
                new SimpleMeterRegistry());
        try {
            client.start(10_000);
            assertThat(client.isConnected()).as("connected to " + url).isTrue();
            return client.inFlightWindow();
        } finally {
            client.close();
        }
    }
}
