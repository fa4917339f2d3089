package io.visionhub.plc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A line with two PLCs: each station's result goes to its own PLC, over one OPC UA client per PLC. */
class PlcHandshakesTest {

    @Test
    void eachStationsResultReachesItsOwnPlc() throws Exception {
        try (PlcSimulator plcA = new PlcSimulator(List.of("st1", "st2"));
             PlcSimulator plcB = new PlcSimulator(List.of("st3"))) {
            PlcProperties props = new PlcProperties();
            props.setEnabled(true);
            props.setEndpointUrl(plcA.endpointUrl());
            props.setCycleBudgetMs(5000);
            Map<String, PlcProperties.StationNodes> stations = new LinkedHashMap<>();
            stations.put("st1", PlcHandshakeTest.mapping(plcA, "st1", "ResultCode"));
            stations.put("st2", PlcHandshakeTest.mapping(plcA, "st2", "ResultCode"));
            PlcProperties.StationNodes st3 = PlcHandshakeTest.mapping(plcB, "st3", "ResultCode");
            st3.setEndpointUrl(plcB.endpointUrl());
            stations.put("st3", st3);
            props.setStations(stations);

            try (PlcHandshakes handshakes = new PlcHandshakes(props, new SimpleMeterRegistry(), t -> { })) {
                handshakes.start();
                assertThat(handshakes.all()).hasSize(2);
                assertThat(handshakes.forStation("st1")).isSameAs(handshakes.forStation("st2"));
                assertThat(handshakes.forStation("st3")).isNotSameAs(handshakes.forStation("st1"));
                assertThat(handshakes.forStation("st9")).isNull();

                PlcResultWriter writer = new PlcResultWriter(handshakes::forStation);
                writer.write(TestEvents.event("st1", "A-1", InspectionEvent.Verdict.NG));
                writer.write(TestEvents.event("st3", "B-1", InspectionEvent.Verdict.OK));
                InspectionEvent unmapped = TestEvents.event("st9", "C-1", InspectionEvent.Verdict.NG);
                assertThat(writer.write(unmapped)).as("a station without a PLC passes through").isSameAs(unmapped);

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
        PlcProperties props = new PlcProperties();
        props.setEndpointUrl("opc.tcp://plc-a:4840");
        props.setCycleBudgetMs(80);
        props.setSecurityPolicy("Basic256Sha256");
        props.setResultCodeFailSafe(7);
        PlcProperties.StationNodes own = new PlcProperties.StationNodes();
        own.setEndpointUrl("opc.tcp://plc-b:4840");
        Map<String, PlcProperties.StationNodes> stations = new LinkedHashMap<>();
        stations.put("st1", new PlcProperties.StationNodes());
        stations.put("st2", own);
        props.setStations(stations);

        List<PlcProperties> groups = props.perEndpoint();
        assertThat(groups).extracting(PlcProperties::getEndpointUrl)
                .containsExactly("opc.tcp://plc-a:4840", "opc.tcp://plc-b:4840");
        assertThat(groups.get(0).getStations()).containsOnlyKeys("st1");
        assertThat(groups.get(1).getStations()).containsOnlyKeys("st2");
        assertThat(groups).allSatisfy(g -> {
            assertThat(g.getCycleBudgetMs()).isEqualTo(80);
            assertThat(g.getSecurityPolicy()).isEqualTo("Basic256Sha256");
            assertThat(g.getResultCodeFailSafe()).isEqualTo(7);
        });
    }

    @Test
    void aStationWithNoEndpointAnywhereIsNamed() {
        PlcProperties props = new PlcProperties();
        PlcProperties.StationNodes st7 = new PlcProperties.StationNodes();
        st7.setReject("ns=3;s=St7.Reject");
        props.setStations(Map.of("st7", st7));
        PlcHandshakes handshakes = new PlcHandshakes(props, new SimpleMeterRegistry(), t -> { });
        assertThatThrownBy(handshakes::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("visionhub.plc.endpoint-url is empty").hasMessageContaining("st7");
    }
}
