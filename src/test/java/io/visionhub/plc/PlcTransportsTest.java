package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.plc.opcua.OpcUaPlcTransport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport of a PLC is picked by its stations' protocol; a protocol the hub does not speak stops the start. */
class PlcTransportsTest {

    static PlcProperties station(String protocol) {
        return PlcProperties.defaults()
                .withEnabled(true)
                .withEndpointUrl("opc.tcp://192.0.2.10:4840")
                .withStations(Map.of(
                        "st9",
                        PlcProperties.StationNodes.defaults()
                                .withProtocol(protocol)
                                .withTrigger("ns=3;s=Trigger")
                                .withPartId("ns=3;s=PartId")));
    }

    @Test
    void anUnknownProtocolIsRefusedNamingTheStationAndTheKnownOnes() {
        assertThatThrownBy(() -> PlcTransports.create(station("Profinet")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[st9]")
                .hasMessageContaining("protocol 'profinet' is not known")
                .hasMessageContaining("opcua, modbus, s7 or eip");
    }

    @Test
    void aBlankProtocolIsOpcUa() {
        assertThat(PlcProperties.StationNodes.defaults().withProtocol("  ").protocol())
                .isEqualTo("opcua");
        assertThat(PlcTransports.create(station(" "))).isInstanceOf(OpcUaPlcTransport.class);
    }
}
