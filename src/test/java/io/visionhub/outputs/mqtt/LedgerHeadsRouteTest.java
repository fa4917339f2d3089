package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import java.nio.file.Path;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step of routes/ledger.yaml ({@code from: ledger:heads} to {@code hub-mqtt:retained?topic=ledger/heads})
 * publishes each signed ledger tree head, retained, on visionhub/<site>/ledger/heads.
 */
class LedgerHeadsRouteTest {

    @TempDir
    Path dir;

    @Test
    void treeHeadIsRetainedForLateSubscribersAndAnEmptyBodyIsRefused() throws Exception {
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", 0, "in-memory");
        broker.start();
        ReliableMqttClient client = new ReliableMqttClient(
                broker.url(),
                "hub-heads",
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                100,
                500,
                new SimpleMeterRegistry());
        MqttEventPublisher publisher = new MqttEventPublisher(client, new MqttTopics("visionhub", "site-h"), 1, false);
        client.start(10_000);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("mqttEventPublisher", publisher);
            camel.start();
            String head = "{\"treeSize\":42,\"rootHash\":\"ab12\",\"keyId\":\"k1\",\"signature\":\"cd34\"}";
            camel.createProducerTemplate().sendBody("hub-mqtt:retained?topic=ledger/heads", head);
            assertThat(client.awaitDrained(10_000)).isTrue();

            try (MqttTestSubscriber late =
                    new MqttTestSubscriber(broker.url(), "auditor", "visionhub/site-h/ledger/heads", false)) {
                MqttTestSubscriber.Received r = late.next("visionhub/site-h/ledger/heads", 10);
                assertThat(r).isNotNull();
                assertThat(r.message().isRetained()).isTrue();
                assertThat(r.text()).isEqualTo(head);
            }
            assertThatThrownBy(
                            () -> camel.createProducerTemplate().sendBody("hub-mqtt:retained?topic=ledger/heads", null))
                    .isInstanceOf(CamelExecutionException.class)
                    .hasRootCauseMessage(
                            "hub-mqtt:retained?topic=ledger/heads publishes a JSON document: the body is empty");
        } finally {
            client.close();
            broker.stop();
        }
    }
}
