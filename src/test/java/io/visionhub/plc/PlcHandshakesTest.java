package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A line with two PLCs: each station's result goes to its own PLC, over one OPC UA client per PLC. */
class PlcHandshakesTest {

    @Test
    void eachStationsResultReachesItsOwnPlc() throws Exception {
        try (PlcSimulator plcA = new PlcSimulator(List.of("st1", "st2"));
                PlcSimulator plcB = new PlcSimulator(List.of("st3"))) {
            PlcProperties props = PlcProperties.defaults()
                    .withEnabled(true)
                    .withEndpointUrl(plcA.endpointUrl())
                    .withCycleBudgetMs(5000);
            Map<String, PlcProperties.StationNodes> stations = new LinkedHashMap<>();
            stations.put("st1", PlcHandshakeTest.mapping(plcA, "st1", "ResultCode"));
            stations.put("st2", PlcHandshakeTest.mapping(plcA, "st2", "ResultCode"));
            PlcProperties.StationNodes st3 =
                    PlcHandshakeTest.mapping(plcB, "st3", "ResultCode").withEndpointUrl(plcB.endpointUrl());
            stations.put("st3", st3);
            props = props.withStations(stations);

            try (PlcHandshakes handshakes = new PlcHandshakes(props, new SimpleMeterRegistry(), t -> {})) {
                handshakes.start();
                assertThat(handshakes.all()).hasSize(2);
                assertThat(handshakes.forStation("st1")).isSameAs(handshakes.forStation("st2"));
                assertThat(handshakes.forStation("st3")).isNotSameAs(handshakes.forStation("st1"));
                assertThat(handshakes.forStation("st9")).isNull();

                assertThat(handshakes
                                .forStation("st1")
                                .writeResult(TestEvents.event("st1", "A-1", InspectionEvent.Verdict.NG)))
                        .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
                assertThat(handshakes
                                .forStation("st3")
                                .writeResult(TestEvents.event("st3", "B-1", InspectionEvent.Verdict.OK)))
                        .isEqualTo(PlcHandshake.Outcome.CONFIRMED);

                assertThat(plcA.value("st1", "ResultPartId")).isEqualTo("A-1");
                assertThat(plcA.value("st1", "Reject")).isEqualTo(true);
                assertThat(plcB.value("st3", "ResultPartId")).isEqualTo("B-1");
                assertThat(plcB.value("st3", "ResultCode")).isEqualTo((short) 1);
                assertThat(plcB.value("st3", "Reject")).isEqualTo(false);
            }
        }
    }

    @Test
    void groupsKeepEverySettingAndOnlyTheirStations() {
        PlcProperties props = PlcProperties.defaults().withEndpointUrl("opc.tcp://plc-a:4840");
        props = props.withCycleBudgetMs(80).withSecurityPolicy("Basic256Sha256").withResultCodeFailSafe(7);
        PlcProperties.StationNodes own = PlcProperties.StationNodes.defaults().withEndpointUrl("opc.tcp://plc-b:4840");
        Map<String, PlcProperties.StationNodes> stations = new LinkedHashMap<>();
        stations.put("st1", PlcProperties.StationNodes.defaults());
        stations.put("st2", own);
        props = props.withStations(stations);

        List<PlcProperties> groups = props.perEndpoint();
        assertThat(groups)
                .extracting(PlcProperties::endpointUrl)
                .containsExactly("opc.tcp://plc-a:4840", "opc.tcp://plc-b:4840");
        assertThat(groups.get(0).stations()).containsOnlyKeys("st1");
        assertThat(groups.get(1).stations()).containsOnlyKeys("st2");
        assertThat(groups).allSatisfy(g -> {
            assertThat(g.cycleBudgetMs()).isEqualTo(80);
            assertThat(g.securityPolicy()).isEqualTo("Basic256Sha256");
            assertThat(g.resultCodeFailSafe()).isEqualTo(7);
        });
    }

    @Test
    void aStationWithNoEndpointAnywhereIsNamed() {
        PlcProperties props = PlcProperties.defaults();
        PlcProperties.StationNodes st7 = PlcProperties.StationNodes.defaults().withReject("ns=3;s=St7.Reject");
        props = props.withStations(Map.of("st7", st7));
        PlcHandshakes handshakes = new PlcHandshakes(props, new SimpleMeterRegistry(), t -> {});
        assertThatThrownBy(handshakes::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("visionhub.plc.endpoint-url is empty")
                .hasMessageContaining("st7");
    }
}
