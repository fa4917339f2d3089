package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub dies (its TCP connections cut without DISCONNECT): the broker's wills must say so with fresh data, on
 * the hub status and on each station's retained status; a clean stop leaves STOPPED.
 */
class MqttWillAndStationStatusTest {

    private static final String HUB = "visionhub/site-a/hub/hub-will/status";
    private static final String STATION = "visionhub/site-a/line-1/station-1/status";

    @TempDir
    Path dir;

    EmbeddedMqttBroker broker;
    CuttableTcpProxy proxy;
    ReliableMqttClient client;
    MqttEventPublisher publisher;
    StationWills wills;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", 0, "in-memory");
        broker.start();
        proxy = new CuttableTcpProxy(broker.port());
        client = new ReliableMqttClient(
                proxy.url(),
                "hub-will",
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                1000,
                1000,
                new SimpleMeterRegistry());
        MqttTopics topics = new MqttTopics("visionhub", "site-a");
        publisher = new MqttEventPublisher(client, topics, 1, true);
        wills = new StationWills(
                proxy.url(),
                "hub-will",
                topics,
                will -> {
                    MqttConnectionOptions o = new MqttConnectionOptions();
                    o.setWill(will.topic(), new MqttMessage(will.payload(), 1, true, null));
                    return o;
                },
                Clock.systemUTC(),
                Executors.newSingleThreadScheduledExecutor());
        publisher.stationWills(wills);
        client.start(10_000);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        wills.close();
        proxy.close();
        broker.stop();
    }

    @Test
    void eachWillCarriesItsOwnConnectAndTheStationTurnsOfflineWhenTheHubDies() throws Exception {
        try (MqttTestSubscriber hub = new MqttTestSubscriber(broker.url(), "watch-hub", HUB, false);
                MqttTestSubscriber station = new MqttTestSubscriber(broker.url(), "watch-station", STATION, false)) {
            assertThat(json(hub.next(HUB, 10)).path("online").asBoolean()).isTrue();
            publisher.publish(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK));
            JsonNode running = json(station.next(STATION, 10));
            assertThat(running.path("state").asText()).isEqualTo("RUNNING");
            assertThat(running.path("hub").asText())
                    .as("the hub inspecting the station")
                    .isEqualTo("hub-will");
            await().atMost(Duration.ofSeconds(10)).until(() -> wills.connected() == 1);

            Instant firstLoss = Instant.now();
            proxy.cut(); // the hub dies
            JsonNode firstWill = nextWill(hub);
            assertThat(firstWill.path("reason").asText()).isEqualTo("connection lost");
            Instant firstConnect = Instant.parse(firstWill.path("connectedAt").asText());
            JsonNode offline = json(station.next(STATION, 10));
            assertThat(offline.path("state").asText()).isEqualTo("OFFLINE");
            assertThat(offline.has("timestamp"))
                    .as("a will's time would be its connect's")
                    .isFalse();

            // back at once: the hub reconnects (a first attempt that fails must not leave the client stuck
            // "connecting"), and the station's status is RUNNING again
            await().atMost(Duration.ofSeconds(20)).until(() -> client.isConnected());
            await().atMost(Duration.ofSeconds(20)).until(() -> wills.connected() == 1);
            assertThat(json(station.next(STATION, 10)).path("state").asText()).isEqualTo("RUNNING");

            proxy.cut(); // dies again: this will belongs to the second connection
            JsonNode secondWill = nextWill(hub);
            Instant secondConnect = Instant.parse(secondWill.path("connectedAt").asText());
            assertThat(secondConnect).isAfter(firstConnect).isAfterOrEqualTo(firstLoss);
            assertThat(json(station.next(STATION, 10)).path("state").asText()).isEqualTo("OFFLINE");
        }
    }

    @Test
    void aCleanStopLeavesTheStationStoppedNotRunning() throws Exception {
        publisher.publish(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.NG));
        await().atMost(Duration.ofSeconds(10)).until(() -> wills.connected() == 1);
        assertThat(client.awaitDrained(10_000)).isTrue();
        client.close(MqttEventPublisher.hubStatus(publisher.topics(), "hub-will", false));
        wills.close();
        try (MqttTestSubscriber late = new MqttTestSubscriber(broker.url(), "late", STATION, false)) {
            JsonNode retained = json(late.next(STATION, 10));
            assertThat(retained.path("state").asText()).isEqualTo("STOPPED");
            assertThat(retained.path("timestamp").asText()).isNotBlank();
        }
    }

    private static JsonNode nextWill(MqttTestSubscriber hub) throws Exception {
        for (int i = 0; i < 5; i++) {
            JsonNode n = json(hub.next(HUB, 10));
            if (!n.path("online").asBoolean()) {
                return n;
            }
        }
        throw new AssertionError("no hub will on " + HUB);
    }

    private static JsonNode json(MqttTestSubscriber.Received r) throws Exception {
        assertThat(r).as("a message").isNotNull();
        return EventJson.mapper().readTree(r.text());
    }
}
