package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
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
        EipPlcSimulator plc = new EipPlcSimulator(stations, connectionManager());
        return new SimulatedPlc() {
            public int port() {
                return plc.port();
            }

            public String endpointUrl() {
                return plc.endpointUrl();
            }

            public String endpointUrl(int port) {
                return EipPlcSimulator.endpointUrl(port);
            }

            public PlcProperties.StationNodes mapping(String station) {
                return plc.mapping(station);
            }

            public void trigger(String station, long partId) {
                plc.trigger(station, Math.toIntExact(partId));
            }

            public void setTrigger(String station, boolean raised) {
                plc.setBit(station, "Trigger", raised);
            }

            public boolean triggerAck(String station) {
                return plc.bit(station, "TriggerAck");
            }

            public boolean reject(String station) {
                return plc.bit(station, "Reject");
            }

            public boolean resultReady(String station) {
                return plc.bit(station, "ResultReady");
            }

            public long resultPartId(String station) {
                return plc.resultPartId(station);
            }

            public short resultCode(String station) {
                return plc.resultCode(station);
            }

            public void onResultReady(Consumer<String> listener) {
                plc.onWrite((station, tag) -> {
                    if (tag.equals("ResultReady") && plc.bit(station, tag)) {
                        listener.accept(station);
                    }
                });
            }

            public void assertNothingUnknown() {
                assertThat(plc.unknown())
                        .as("requests the simulator does not know")
                        .isEmpty();
                if (connectionManager()) {
                    assertThat(plc.forwardOpens()).as("connections opened").isPositive();
                    assertThat(plc.connectedRequests())
                            .as("requests over the connection")
                            .isPositive();
                } else {
                    assertThat(plc.connectedRequests())
                            .as("requests over a connection")
                            .isZero();
                }
            }

            public void close() throws Exception {
                plc.close();
            }
        };
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
