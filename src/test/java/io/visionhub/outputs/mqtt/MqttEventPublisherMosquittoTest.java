package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event publisher against the machine's Mosquitto on 127.0.0.1:1883 (CI starts it). */
class MqttEventPublisherMosquittoTest {

    @TempDir
    Path dir;

    @Test
    void mosquittoSubscriberReceivesTheEventWithUserProperties() throws Exception {
        Assumptions.assumeTrue(
                MosquittoProcess.listening(1883),
                "no MQTT broker on 127.0.0.1:1883 (CI starts Mosquitto there; locally: systemctl start mosquitto)");
        String site = "mosq-" + UUID.randomUUID().toString().substring(0, 8);
        String url = "tcp://127.0.0.1:1883";
        ReliableMqttClient client = new ReliableMqttClient(
                url,
                "hub-" + site,
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                100,
                1000,
                new SimpleMeterRegistry());
        MqttEventPublisher publisher = new MqttEventPublisher(client, new MqttTopics("visionhub", site), 1, true);
        client.start(10_000);
        try (MqttTestSubscriber sub = new MqttTestSubscriber(url, "sub-" + site, "visionhub/" + site + "/#", false)) {
            InspectionEvent event = TestEvents.event("station-2", "P-2", InspectionEvent.Verdict.OK);
            publisher.publish(event);
            MqttTestSubscriber.Received r = sub.next("visionhub/" + site + "/line-1/station-2/inspection", 10);
            assertThat(r).isNotNull();
            assertThat(EventJson.fromJson(r.text())).isEqualTo(event);
            assertThat(r.userProperty("schema-version")).isEqualTo("1.0");
            assertThat(r.userProperty("content-type")).isEqualTo("application/json");
        } finally {
            // clear the retained statuses this test left on the shared broker
            client.publishNow(new OutboundMessage(
                    "visionhub/" + site + "/line-1/station-2/status", new byte[0], 1, true, "", ""));
            client.publishNow(new OutboundMessage(
                    "visionhub/" + site + "/hub/hub-" + site + "/status", new byte[0], 1, true, "", ""));
            client.close();
        }
    }
}
