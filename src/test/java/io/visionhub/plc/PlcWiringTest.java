package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.plc.component.PlcComponent;
import io.visionhub.plc.component.PlcConstants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The plc: component as the application wires it from visionhub.plc.* (a Modbus TCP station on a PLC simulator
 * started here): it starts with Camel, connected to the PLC, and a result sent to plc:&lt;station&gt; reaches the PLC
 * under its part id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("isolated")
@DirtiesContext
class PlcWiringTest {

    static ModbusPlcSimulator plc;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        plc = new ModbusPlcSimulator(List.of("w1"));
        Path dir = Files.createTempDirectory("plc-wiring");
        registry.add("visionhub.routes.dir", () -> dir.resolve("routes").toString());
        registry.add("visionhub.simulators.enabled", () -> "false");
        registry.add("visionhub.vision.demo-model.enabled", () -> "false");
        registry.add("visionhub.plc.enabled", () -> "true");
        registry.add("visionhub.plc.cycle-budget-ms", () -> "2000");
        PlcProperties.StationNodes n = plc.mapping("w1");
        String key = "visionhub.plc.stations.w1.";
        registry.add(key + "protocol", () -> "modbus");
        registry.add(key + "endpoint-url", plc::endpointUrl);
        registry.add(key + "trigger", n::trigger);
        registry.add(key + "trigger-ack", n::triggerAck);
        registry.add(key + "part-id", n::partId);
        registry.add(key + "result-part-id", n::resultPartId);
        registry.add(key + "result-code", n::resultCode);
        registry.add(key + "reject", n::reject);
        registry.add(key + "result-ready", n::resultReady);
    }

    @AfterAll
    static void stopPlc() {
        plc.close();
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Test
    void thePlcComponentStartsWithCamelAndWritesResultsToTheConfiguredModbusStation() {
        // hasComponent does not create or start it: the hub's Camel start did
        assertThat(camel.hasComponent("plc")).isInstanceOf(PlcComponent.class);
        PlcComponent component = (PlcComponent) camel.hasComponent("plc");
        assertThat(component.isStarted()).isTrue();
        assertThat(component.getHandshakes())
                .as("handshakes made and started with Camel")
                .isNotNull();
        assertThat(component.getHandshakes().forStation("w1").isDown()).isFalse();

        InspectionEvent event = TestEvents.event("w1", "31337", InspectionEvent.Verdict.NG);
        Object outcome =
                producer.send("plc:w1", e -> e.getIn().setBody(event)).getIn().getHeader(PlcConstants.OUTCOME);
        assertThat(outcome).isEqualTo("CONFIRMED");
        assertThat(plc.resultPartId("w1")).isEqualTo(31337);
        assertThat(plc.resultCode("w1")).isEqualTo((short) 2);
        assertThat(plc.coil("w1", ModbusPlcSimulator.REJECT)).isTrue();
    }
}
