package io.visionhub.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.MqttTestSubscriber;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shop-floor beans as the demo route uses them, in the application context: the embedded broker starts
 * because no broker URL is set, opcua-station:station-1 and hub-mqtt:inspection pass the event on, and
 * the route ledger-heads of routes/ledger.yaml (hub-mqtt:retained) publishes a retained tree head.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("isolated")
@DirtiesContext
class ShopfloorWiringTest {

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        Path dir = Files.createTempDirectory("shopfloor-wiring");
        registry.add("visionhub.site", () -> "wiring-site");
        registry.add("visionhub.routes.dir", () -> dir.resolve("routes").toString());
        registry.add("visionhub.simulators.enabled", () -> "false");
        registry.add("visionhub.vision.demo-model.enabled", () -> "false");
    }

    @Autowired
    EmbeddedMqttBroker broker;

    @Autowired
    HubOpcUaServer opcUaServer;

    @Autowired
    ProducerTemplate producer;

    @Test
    void demoRouteStepsPublishTheEventAndTreeHeadsGoOutRetained() throws Exception {
        try (MqttTestSubscriber sub =
                new MqttTestSubscriber(broker.url(), "wiring-sub", "visionhub/wiring-site/#", false)) {
            InspectionEvent event = TestEvents.event("station-1", "P-7", InspectionEvent.Verdict.OK);

            Object afterOpcUa = producer.requestBody("opcua-station:station-1", event);
            Object afterMqtt = producer.requestBody("hub-mqtt:inspection", afterOpcUa);

            assertThat(afterMqtt).isEqualTo(event);
            MqttTestSubscriber.Received r = sub.next("visionhub/wiring-site/line-1/station-1/inspection", 10);
            assertThat(r).isNotNull();
            assertThat(EventJson.fromJson(r.text()).id()).isEqualTo(event.id());
            assertThat(opcUaServer.namespace().hasStation("station-1")).isTrue();

            producer.sendBody(
                    "hub-mqtt:retained?topic=ledger/heads",
                    "{\"treeSize\":1,\"rootHash\":\"ab\",\"signature\":\"cd\"}");
            MqttTestSubscriber.Received head = sub.next("visionhub/wiring-site/ledger/heads", 10);
            assertThat(head).isNotNull();
            assertThat(head.text()).contains("\"treeSize\":1");
        }
    }
}
