package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared handshake scenarios over EtherNet/IP connected explicit messaging (CIP class 3): the simulated
 * controller offers a connection manager, PLC4X's eip driver opens a connection with a Large Forward Open and sends
 * every read and write over it (SendUnitData); each scenario checks that it did, and that nothing went unconnected or
 * unknown. Here also: {@code force-unconnected-operation=true} in the endpoint URL keeps every read and write of the
 * hub on unconnected messages with such a controller, and the connection is closed (Forward Close) when the hub stops.
 */
class EipConnectedPlcHandshakeTest extends EipPlcHandshakeTest {

    @Override
    boolean connectionManager() {
        return true;
    }

    @Test
    void forceUnconnectedOperationInTheEndpointUrlSendsEveryRequestUnconnected() throws Exception {
        try (EipPlcSimulator plc = new EipPlcSimulator(List.of("u1"), true)) {
            start(plc.endpointUrl() + "&force-unconnected-operation=true", "u1", plc.mapping("u1"), 2000);
            firstWriteConfirmed("u1", "7");
            assertThat(plc.resultPartId("u1")).isEqualTo(7);
            // PLC4X 0.13.1 still opens the connection at connect (Forward Open) where the controller offers one, and
            // closes it at the end; the flag keeps every read and write off it
            assertThat(plc.connectedRequests()).as("requests over a connection").isZero();
            assertThat(plc.unknown()).isEmpty();
        }
    }

    @Test
    void theConnectionIsClosedWhenTheHubStops() throws Exception {
        try (EipPlcSimulator plc = new EipPlcSimulator(List.of("c1"), true)) {
            start(plc.endpointUrl(), "c1", plc.mapping("c1"), 2000);
            firstWriteConfirmed("c1", "8");
            assertThat(plc.openConnections()).isEqualTo(1);
            assertThat(handshake.writeResult(TestEvents.event("c1", "9", InspectionEvent.Verdict.NG)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            assertThat(plc.resultPartId("c1")).isEqualTo(9);
            handshake.close();
            handshake = null;
            await().atMost(10, TimeUnit.SECONDS).until(() -> plc.openConnections() == 0);
            assertThat(plc.unknown()).isEmpty();
        }
    }
}
