package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo set-up (security None, anonymous): an independent Milo client reads what the publisher wrote. */
class OpcUaServerNoneSecurityTest {

    @TempDir
    static Path dir;

    static HubOpcUaServer server;
    static OpcUaClient client;
    static int ns;

    @BeforeAll
    static void start() throws Exception {
        OpcUaServerProperties props = OpcUaTestClients.demoServer(dir.resolve("pki"), "station-1");
        server = new HubOpcUaServer(props, "site-a");
        server.start();
        client = OpcUaTestClients.connectAnonymous(server.endpointUrl());
        ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
    }

    @AfterAll
    static void stop() throws Exception {
        OpcUaTestClients.stop(client, server);
    }

    private static DataValue read(String station, String path) throws Exception {
        return client.readValue(0, TimestampsToReturn.Both, new NodeId(ns, "Stations/" + station + "/" + path));
    }

    @Test
    void clientReadsTheLastResultAfterPublish() throws Exception {
        OpcUaResultPublisher publisher = new OpcUaResultPublisher(server);
        InspectionEvent event = TestEvents.event("station-1", "PART-42", InspectionEvent.Verdict.NG);

        assertThat(publisher.publish(event)).isSameAs(event);

        assertThat(read("station-1", "LastResult/ResultId").getValue().getValue())
                .isEqualTo(event.id());
        assertThat(read("station-1", "LastResult/PartId").getValue().getValue()).isEqualTo("PART-42");
        assertThat(read("station-1", "LastResult/Verdict").getValue().getValue())
                .isEqualTo("NG");
        assertThat(read("station-1", "LastResult/DefectCount").getValue().getValue())
                .isEqualTo(1);
        assertThat((String[]) read("station-1", "LastResult/Defects").getValue().getValue())
                .singleElement()
                .asString()
                .contains("scratch");
        assertThat(read("station-1", "ProductionContext/ProductionOrder")
                        .getValue()
                        .getValue())
                .isEqualTo("PO-1001");
        assertThat(((ULong) read("station-1", "Counters/NG").getValue().getValue()).longValue())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void unknownStationGetsItsNodesWithItsFirstResult() throws Exception {
        OpcUaResultPublisher publisher = new OpcUaResultPublisher(server);
        publisher.publish(TestEvents.event("station-new", "P-1", InspectionEvent.Verdict.OK));
        assertThat(read("station-new", "LastResult/Verdict").getValue().getValue())
                .isEqualTo("OK");
        assertThat(read("station-never", "LastResult/Verdict").getStatusCode().isBad())
                .isTrue();
    }

    @Test
    void clientWritesToResultNodesAreRefused() throws Exception {
        List<StatusCode> codes = client.writeValues(
                List.of(new NodeId(ns, "Stations/station-1/LastResult/Verdict")),
                List.of(DataValue.valueOnly(new Variant("OK"))));
        assertThat(codes.get(0).isBad()).isTrue();
    }

    @Test
    void badEventsAreRefusedWithClearMessages() {
        OpcUaResultPublisher publisher = new OpcUaResultPublisher(server);
        assertThatThrownBy(() -> publisher.publish(null)).hasMessageContaining("needs an InspectionEvent body");
        assertThatThrownBy(() -> publisher.publish(TestEvents.event("", "P", InspectionEvent.Verdict.OK)))
                .hasMessageContaining("has no station");
    }
}
