package io.visionhub.outputs.mqtt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.MqttEventPublisher;
import io.visionhub.outputs.mqtt.MqttTestSubscriber;
import io.visionhub.outputs.mqtt.MqttTopics;
import io.visionhub.outputs.mqtt.ReliableMqttClient;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub-mqtt:} with Camel's test support against a real MQTT 5 broker (the embedded one): an inspection event
 * goes out on its station's topic and passes on; a document goes out retained on a topic under root/site (as the
 * ledger's tree heads do); a wrong body, an empty document and malformed endpoints are refused naming the problem.
 */
class HubMqttComponentTest extends CamelTestSupport {

    @TempDir
    static Path dir;

    static EmbeddedMqttBroker broker;
    static ReliableMqttClient client;
    static MqttEventPublisher publisher;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", 0, "in-memory");
        broker.start();
        client = new ReliableMqttClient(
                broker.url(),
                "hub-component",
                new MqttConnectionOptions(),
                dir.resolve("buffer"),
                100,
                500,
                new SimpleMeterRegistry());
        publisher = new MqttEventPublisher(client, new MqttTopics("visionhub", "site-m"), 1, false);
        client.start(10_000);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("mqttEventPublisher", publisher); // found by type, as in the application
        return context;
    }

    @Test
    void inspectionEventGoesOutOnItsStationsTopicAndPassesOn() throws Exception {
        try (MqttTestSubscriber sub = new MqttTestSubscriber(broker.url(), "sub-1", "visionhub/site-m/#", false)) {
            InspectionEvent event = TestEvents.event("station-4", "PART-M1", InspectionEvent.Verdict.NG);

            Object out = template.requestBody("hub-mqtt:inspection", event);

            assertThat(out).isSameAs(event);
            MqttTestSubscriber.Received r = sub.next("visionhub/site-m/line-1/station-4/inspection", 10);
            assertThat(r).isNotNull();
            assertThat(EventJson.fromJson(r.text()).id()).isEqualTo(event.id());
            assertThat(r.message().getQos()).isEqualTo(1);
        }
    }

    @Test
    void documentGoesOutRetainedOnItsTopicForLateSubscribers() throws Exception {
        String head = "{\"treeSize\":7,\"rootHash\":\"ab\",\"signature\":\"cd\"}";

        template.sendBody("hub-mqtt:retained?topic=ledger/heads", head);
        assertThat(client.awaitDrained(10_000)).isTrue();

        try (MqttTestSubscriber late =
                new MqttTestSubscriber(broker.url(), "late", "visionhub/site-m/ledger/heads", false)) {
            MqttTestSubscriber.Received r = late.next("visionhub/site-m/ledger/heads", 10);
            assertThat(r).isNotNull();
            assertThat(r.message().isRetained()).isTrue();
            assertThat(r.text()).isEqualTo(head);
        }
    }

    @Test
    void eventDocumentGoesOutNotRetained() throws Exception {
        String doc = "{\"state\":\"RAISED\",\"alarm\":{\"id\":\"a-1\"}}";
        try (MqttTestSubscriber sub =
                new MqttTestSubscriber(broker.url(), "events", "visionhub/site-m/line-1/alarms/events", false)) {
            template.sendBody("hub-mqtt:event?topic=line-1/alarms/events", doc);
            MqttTestSubscriber.Received r = sub.next("visionhub/site-m/line-1/alarms/events", 10);
            assertThat(r).isNotNull();
            assertThat(r.message().isRetained()).isFalse();
            assertThat(r.text()).isEqualTo(doc);
        }
        assertThat(client.awaitDrained(10_000)).isTrue();
        // not retained: a later subscriber gets nothing
        try (MqttTestSubscriber late =
                new MqttTestSubscriber(broker.url(), "late-events", "visionhub/site-m/line-1/alarms/events", false)) {
            assertThat(late.next("visionhub/site-m/line-1/alarms/events", 1)).isNull();
        }
        assertThatThrownBy(() -> template.requestBody("hub-mqtt:event?topic=line-1/alarms/events", ""))
                .cause()
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("hub-mqtt:event?topic=line-1/alarms/events publishes a JSON document");
    }

    @Test
    void wrongBodiesAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> template.requestBody("hub-mqtt:inspection", "{\"station\":\"station-4\"}"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("InspectionEvent")
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> template.requestBody("hub-mqtt:retained?topic=ledger/heads", " "))
                .cause()
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("the body is empty");
    }

    @Test
    void malformedEndpointsAreRefusedNamingTheFix() {
        assertThatThrownBy(() -> context.getEndpoint("hub-mqtt:events"))
                .hasStackTraceContaining("use hub-mqtt:inspection, hub-mqtt:retained?topic=")
                .hasStackTraceContaining("hub-mqtt:event?topic=");
        assertThatThrownBy(() -> context.getEndpoint("hub-mqtt:retained")).hasStackTraceContaining("needs topic=");
        assertThatThrownBy(() -> context.getEndpoint("hub-mqtt:event")).hasStackTraceContaining("needs topic=");
        assertThatThrownBy(() -> context.getEndpoint("hub-mqtt:retained?topic=ledger/#"))
                .hasStackTraceContaining("no wildcards");
        assertThatThrownBy(() -> context.getEndpoint("hub-mqtt:inspection?topic=x"))
                .hasStackTraceContaining("takes its topic from the event");
    }
}
