package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** In the application context, GetResultById answers from the hub's own ledger (its DataSource). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("isolated")
@DirtiesContext
class OpcUaResultManagementWiringTest {

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        Path dir = Files.createTempDirectory("opcua-results-wiring");
        registry.add("visionhub.site", () -> "results-site");
        registry.add("visionhub.routes.dir", () -> dir.resolve("routes").toString());
        registry.add("visionhub.simulators.enabled", () -> "false");
        registry.add("visionhub.vision.demo-model.enabled", () -> "false");
    }

    @Autowired
    HubOpcUaServer opcUaServer;

    @Autowired
    JdbcInspectionLedger ledger;

    @Test
    void getResultByIdReadsTheHubsLedger() throws Exception {
        InspectionEvent event = TestEvents.event("station-1", "PART-WIRED", InspectionEvent.Verdict.OK);
        ledger.append(event, List.of());
        OpcUaClient client = OpcUaTestClients.connectAnonymous(opcUaServer.endpointUrl());
        try {
            int ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
            CallMethodResult r = client.call(List.of(new CallMethodRequest(
                            new NodeId(ns, "Stations/station-1/ResultManagement"),
                            new NodeId(ns, "Stations/station-1/ResultManagement/GetResultById"),
                            new Variant[] {new Variant(event.id()), new Variant(0)})))
                    .getResults()[0];
            assertThat(r.getOutputArguments()[2].getValue()).isEqualTo(0);
            MachineVisionResult result =
                    ResultDataTypeCodec.decode((ExtensionObject) r.getOutputArguments()[1].getValue());
            assertThat(result.partId()).isEqualTo("PART-WIRED");
        } finally {
            client.disconnect();
        }
    }
}
