package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event publisher against the embedded HiveMQ broker, checked by an independent Paho subscriber. */
class MqttEventPublisherEmbeddedBrokerTest {

    @TempDir
    static Path dir;

    static EmbeddedMqttBroker broker;
    static ReliableMqttClient client;
    static MqttEventPublisher publisher;

    @BeforeAll
    static void start() {
        broker = new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", 0, "in-memory");
        broker.start();
        client = new ReliableMqttClient(
                broker.url(),
                "hub-under-test",
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                1000,
                1000,
                new SimpleMeterRegistry());
        publisher = new MqttEventPublisher(client, new MqttTopics("visionhub", "site-a"), 1, true);
        client.start(10_000);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void independentSubscriberReceivesEventJsonOnDocumentedTopicWithUserProperties() throws Exception {
        try (MqttTestSubscriber sub = new MqttTestSubscriber(broker.url(), "sub-1", "visionhub/site-a/#", false)) {
            InspectionEvent event = TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.NG);

            InspectionEvent returned = publisher.publish(event);

            assertThat(returned).isSameAs(event);
            MqttTestSubscriber.Received r = sub.next("visionhub/site-a/line-1/station-1/inspection", 10);
            assertThat(r).as("event on the inspection topic").isNotNull();
            assertThat(EventJson.fromJson(r.text())).isEqualTo(event);
            assertThat(r.message().getQos()).isEqualTo(1);
            assertThat(r.userProperty("content-type")).isEqualTo("application/json");
            assertThat(r.userProperty("schema-version")).isEqualTo(InspectionEvent.SCHEMA_VERSION);
            assertThat(r.message().getProperties().getContentType()).isEqualTo("application/json");
        }
    }

    @Test
    void stationStatusIsRetainedForLateSubscribers() throws Exception {
        publisher.publish(TestEvents.event("station-9", "P-9", InspectionEvent.Verdict.OK));
        assertThat(client.awaitDrained(10_000)).isTrue();
        try (MqttTestSubscriber late =
                new MqttTestSubscriber(broker.url(), "late", "visionhub/site-a/+/station-9/status", false)) {
            MqttTestSubscriber.Received r = late.next("visionhub/site-a/line-1/station-9/status", 10);
            assertThat(r).as("retained station status").isNotNull();
            assertThat(r.message().isRetained()).isTrue();
            assertThat(r.text()).contains("\"station\":\"station-9\"").contains("\"lastResult\":\"OK\"");
        }
    }

    @Test
    void hubStatusIsRetainedOnline() throws Exception {
        try (MqttTestSubscriber late =
                new MqttTestSubscriber(broker.url(), "late-hub", "visionhub/site-a/hub/+/status", false)) {
            MqttTestSubscriber.Received r = late.next("visionhub/site-a/hub/hub-under-test/status", 10);
            assertThat(r).isNotNull();
            assertThat(r.text()).contains("\"online\":true");
        }
    }

    @Test
    void lastWillSaysOfflineWhenTheHubVanishesWithoutDisconnecting() throws Exception {
        MqttOutputProperties props = MqttOutputProperties.defaults();
        MqttTopics topics = new MqttTopics("visionhub", "site-a");
        MqttAsyncClient vanishing = new MqttAsyncClient(broker.url(), "vanishing-hub", new MemoryPersistence());
        vanishing
                .connect(MqttConfiguration.connectionOptions(props, topics, "vanishing-hub"))
                .waitForCompletion(10_000);
        vanishing.disconnectForcibly(0, 0, false);
        vanishing.close(true);
        try (MqttTestSubscriber sub =
                new MqttTestSubscriber(broker.url(), "will-sub", "visionhub/site-a/hub/+/status", false)) {
            MqttTestSubscriber.Received r = sub.next("visionhub/site-a/hub/vanishing-hub/status", 10);
            assertThat(r).as("retained last will").isNotNull();
            assertThat(r.text()).contains("\"online\":false");
        }
    }

    @Test
    void eventWithoutStationIsRefusedWithClearMessage() {
        InspectionEvent noStation = TestEvents.event(" ", "P-2", InspectionEvent.Verdict.OK);
        assertThatThrownBy(() -> publisher.publish(noStation))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no station");
        assertThatThrownBy(() -> publisher.publish(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs an InspectionEvent body");
    }

    @Test
    void topicLevelsEscapeWildcardsAndSeparators() {
        MqttTopics topics = new MqttTopics("visionhub", "site/a");
        assertThat(topics.inspection("line+1", "st#1")).isEqualTo("visionhub/site_a/line_1/st_1/inspection");
        assertThat(topics.inspection(null, "st")).isEqualTo("visionhub/site_a/_/st/inspection");
    }
}
