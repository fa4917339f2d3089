package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.plc.component.PlcComponent;
import io.visionhub.plc.component.PlcConstants;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The handshake over Modbus TCP (PLC4X's driver) against a Modbus TCP server started here ({@link ModbusPlcSimulator},
 * j2mod): the shared scenarios of {@link AbstractPlcHandshakeTest} (same semantics as over OPC UA), 200 parts in a
 * row; here also the plc: component as the hub wires it (handshakes made from the settings when it starts) and a bad
 * address map refused at start.
 */
class ModbusPlcHandshakeTest extends AbstractPlcHandshakeTest {

    @Override
    SimulatedPlc open(List<String> stations) throws Exception {
        return new ModbusPlcSimulator(stations);
    }

    @Override
    String station(int n) {
        return "m" + n;
    }

    @Override
    int parts() {
        return 200;
    }

    @Override
    long plcTimeoutMs() {
        return 1000;
    }

    @Override
    boolean firstWriteSettles() {
        return false;
    }

    @Override
    List<String> partIdsThatDoNotFit() {
        // the part id is a UDINT (two registers): up to 4,294,967,295, and no text
        return List.of("4294967296", "A-7");
    }

    @Test
    void thePlcComponentMadeFromPropertiesTakesTriggersAndWritesResultsInARoute() throws Exception {
        try (ModbusPlcSimulator plc = new ModbusPlcSimulator(List.of("m4"))) {
            PlcProperties props = PlcProperties.defaults()
                    .withEnabled(true)
                    .withEndpointUrl(plc.endpointUrl())
                    .withCycleBudgetMs(2000)
                    .withStations(Map.of("m4", plc.mapping("m4")));
            PlcComponent component = new PlcComponent();
            component.setProperties(props);
            component.setMeterRegistry(meters);
            component.setFailSafeRecorder(f -> {
                failSafes.add(f);
                return CompletableFuture.completedFuture(null);
            });
            CamelContext camel = new DefaultCamelContext();
            camel.addComponent("plc", component);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // the inspection stands in for vision: NG for part 77
                    from("plc:m4")
                            .routeId("m4")
                            .process(e -> e.getIn()
                                    .setBody(TestEvents.event(
                                            "m4",
                                            e.getIn().getHeader(PlcConstants.PART_ID, String.class),
                                            InspectionEvent.Verdict.NG)))
                            .to("plc:m4")
                            .to("mock:done");
                }
            });
            camel.start();
            try {
                MockEndpoint done = camel.getEndpoint("mock:done", MockEndpoint.class);
                done.expectedMessageCount(1);
                done.expectedHeaderReceived(PlcConstants.OUTCOME, "CONFIRMED");
                done.expectedHeaderReceived(PlcConstants.PART_ID, "77");
                plc.trigger("m4", 77);
                done.assertIsSatisfied(10_000);
                assertThat(plc.resultPartId("m4")).isEqualTo(77);
                assertThat(plc.resultCode("m4")).isEqualTo((short) 2);
                assertThat(plc.coil("m4", ModbusPlcSimulator.RESULT_READY)).isTrue();
                assertThat(failSafes).isEmpty();
            } finally {
                camel.stop();
            }
            assertThat(component.getHandshakes())
                    .as("closed with the component")
                    .isNull();
        }
    }

    @Test
    void badAddressMapIsRefusedAtStartNamingTheKey() {
        PlcProperties props = PlcProperties.defaults().withEndpointUrl("modbus-tcp://127.0.0.1:1");
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("modbus")
                .withTrigger("holding-register:1")
                .withPartId("holding-register:2:UDINT")
                .withReject("coil:3");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.trigger")
                .hasMessageContaining("is a bit");
        n = n.withTrigger("coil:1");
        assertThat(refusal(props.withStation("bad", n.withReject("discrete-input:3"))))
                .hasMessageContaining("visionhub.plc.stations.bad.reject")
                .hasMessageContaining("read-only");
        assertThat(refusal(props.withStation("bad", n.withPartId("register-of-doom:7"))))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("not a Modbus address");
        assertThat(refusal(props.withStation("bad", n.withPartId("")))).hasMessageContaining("part-id");
        assertThat(refusal(props.withEndpointUrl("opc.tcp://127.0.0.1:4840").withStation("bad", n)))
                .hasMessageContaining("modbus-tcp://");
        PlcProperties.StationNodes opcua = PlcProperties.StationNodes.defaults().withReject("ns=2;s=x");
        assertThat(refusal(props.withStation("bad", n).withStation("other", opcua)))
                .hasMessageContaining("one PLC, one protocol");
        assertThat(refusal(props.withStation("bad", n.withProtocol("profibus"))))
                .hasMessageContaining("'profibus' is not known");
    }
}
