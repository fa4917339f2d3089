package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The handshake over EtherNet/IP (PLC4X's eip driver) against the EtherNet/IP PLC simulator started here
 * ({@link EipPlcSimulator}): the shared scenarios of {@link AbstractPlcHandshakeTest} (same semantics as over Modbus
 * TCP), 100 parts in a row; here also a bad address map refused at start. Each scenario also checks that the driver
 * sent nothing the simulator does not know.
 */
class EipPlcHandshakeTest extends AbstractPlcHandshakeTest {

    /** Whether the simulated controller offers a connection manager (connected explicit messaging); here not. */
    boolean connectionManager() {
        return false;
    }

    @Override
    SimulatedPlc open(List<String> stations) throws Exception {
        return new EipPlcSimulator(stations, connectionManager());
    }

    @Override
    String station(int n) {
        return "m" + n;
    }

    @Override
    long partsBudgetMs() {
        return 2000;
    }

    @Override
    long outageBudgetMs() {
        // each poll is four CIP requests in a row (one per tag): a budget that a loaded test machine keeps
        return 1000;
    }

    @Override
    List<String> partIdsThatDoNotFit() {
        // a DINT holds up to 2,147,483,647; and no text
        return List.of("4294967296", "A-7");
    }

    @Test
    void badAddressMapIsRefusedAtStartNamingTheKey() {
        PlcProperties props = PlcProperties.defaults().withEndpointUrl("eip://127.0.0.1:1");
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("eip")
                .withTrigger("%st_Trigger:DINT")
                .withPartId("%st_PartId:DINT")
                .withReject("%st_Reject:BOOL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.trigger")
                .hasMessageContaining("is a bit");
        n = n.withTrigger("%st_Trigger:BOOL");
        assertThat(refusal(props.withStation("bad", n.withPartId("%st_PartId"))))
                .as("a tag without its type cannot be written")
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("with its type");
        assertThat(refusal(props.withStation("bad", n.withPartId("%st_PartId:REAL"))))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("is a number");
        assertThat(refusal(props.withStation("bad", n.withResultCode("%st_Code:DINT:4"))))
                .hasMessageContaining("visionhub.plc.stations.bad.result-code")
                .hasMessageContaining("not an array");
        assertThat(refusal(props.withStation("bad", n.withPartId("")))).hasMessageContaining("part-id");
        assertThat(refusal(props.withEndpointUrl("modbus-tcp://127.0.0.1:502").withStation("bad", n)))
                .hasMessageContaining("eip://");
    }
}
