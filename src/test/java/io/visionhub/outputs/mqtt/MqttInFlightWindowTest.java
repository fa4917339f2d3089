package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's MQTT output window is what the broker announces as its receive maximum, which Mosquitto takes from
 * {@code max_inflight_messages} (docs/mqtt.md, "Broker settings for a burst"): the recommended 1000, a small one as
 * set, and the stock default 20.
 */
class MqttInFlightWindowTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsMosquitto() {
        Assumptions.assumeTrue(
                MosquittoProcess.find().isPresent(),
                "mosquitto is not installed (apt-get install mosquitto); CI installs it");
    }

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

    private int windowWith(List<String> config, boolean stock) throws Exception {
        MosquittoProcess broker = new MosquittoProcess(dir.resolve("broker"), config, stock);
        broker.start();
        ReliableMqttClient client = new ReliableMqttClient(
                broker.url(),
                "hub-window",
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                100,
                1000,
                new SimpleMeterRegistry());
        try {
            client.start(10_000);
            assertThat(client.isConnected()).as("connected to " + broker.url()).isTrue();
            return client.inFlightWindow();
        } finally {
            client.close();
            broker.stop();
        }
    }
}
