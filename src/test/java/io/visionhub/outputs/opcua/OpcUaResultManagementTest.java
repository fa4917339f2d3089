package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ModelRef;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.StructureDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPC 40100-1 ResultManagement and VisionStateMachine seen by an independent Milo client: results recorded in the
 * ledger (H2) are fetched by id and by filter, the ResultDataType decodes to the ledger's record, and the state
 * machine follows the station's state.
 */
class OpcUaResultManagementTest {

    @TempDir
    static Path dir;

    static LedgerFixture ledger;
    static HubOpcUaServer server;
    static OpcUaClient client;
    static int ns;
    static int mv;
    static final List<InspectionEvent> recorded = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ledger = new LedgerFixture(dir.resolve("ledger"));
        for (int i = 0; i < 5; i++) {
            InspectionEvent e = TestEvents.event(
                    "station-1",
                    i < 3 ? "PART-A" : "PART-" + i,
                    i == 1 ? InspectionEvent.Verdict.NG : InspectionEvent.Verdict.OK);
            ledger.ledger.append(e, List.of());
            recorded.add(e);
        }
        InspectionEvent other = TestEvents.event("station-2", "PART-A", InspectionEvent.Verdict.OK);
        ledger.ledger.append(other, List.of());
        recorded.add(other);

        OpcUaServerProperties props = OpcUaTestClients.demoServer(dir.resolve("pki"), "station-1", "station-2");
        server = new HubOpcUaServer(props, "site-rm");
        LedgerResultSource source = new LedgerResultSource(ledger.ds);
        server.setResultSource(() -> source);
        server.start();
        client = OpcUaTestClients.connectAnonymous(server.endpointUrl());
        ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
        mv = OpcUaTestClients.namespaceIndex(client, MachineVisionTypes.NAMESPACE_URI);
    }

    @AfterAll
    static void stop() throws Exception {
        OpcUaTestClients.stop(client, server);
        if (ledger != null) {
            ledger.close();
        }
    }

    private static CallMethodResult call(String station, String method, Variant... in) throws Exception {
        NodeId object = new NodeId(ns, "Stations/" + station + "/ResultManagement");
        NodeId methodId = new NodeId(ns, "Stations/" + station + "/ResultManagement/" + method);
        return client.call(List.of(new CallMethodRequest(object, methodId, in))).getResults()[0];
    }

    private static NodeId mvId(long number) {
        return new NodeId(mv, uint(number));
    }

    private static Variant resultId(String id) {
        return new Variant(ResultDataTypeCodec.idStructure(id, mvId(MachineVisionTypes.RESULT_ID_BINARY), false));
    }

    @Test
    void getResultByIdAnswersTheLedgersRecord() throws Exception {
        InspectionEvent e = recorded.get(1);
        CallMethodResult r = call("station-1", "GetResultById", resultId(e.id()), new Variant(1000));

        assertThat(r.getStatusCode().isGood()).isTrue();
        Variant[] out = r.getOutputArguments();
        assertThat(out[2].getValue()).isEqualTo(0);
        ExtensionObject xo = (ExtensionObject) out[1].getValue();
        assertThat(xo.getEncodingOrTypeId()).isEqualTo(mvId(MachineVisionTypes.RESULT_DATA_TYPE_BINARY));
        MachineVisionResult result = ResultDataTypeCodec.decode(xo);
        assertThat(result.resultId()).isEqualTo(e.id());
        assertThat(result.measId()).isEqualTo(e.id());
        assertThat(result.jobId()).isEqualTo(e.id());
        assertThat(result.partId()).isEqualTo("PART-A");
        assertThat(result.productId()).isEqualTo(e.context().product());
        assertThat(result.resultState()).isEqualTo(MachineVisionResult.COMPLETED);
        assertThat(result.isSimulated()).isFalse();
        assertThat(result.recipeId()).isEqualTo(e.model().name());
        assertThat(result.recipeVersion()).isEqualTo(e.model().version());
        assertThat(result.configurationId()).isEqualTo("station-1");
        // OPC UA DateTime has 100 ns ticks
        assertThat(result.creationTime()).isCloseTo(e.inferenceTime(), Assertions.within(1, ChronoUnit.MICROS));
        assertThat(result.startTime()).isCloseTo(e.captureTime(), Assertions.within(1, ChronoUnit.MICROS));
        assertThat(result.processingMs()).isEqualTo(e.latency().totalMs());
        assertThat(result.content().get(0)).isEqualTo("NG");
        assertThat(EventJson.fromJson(result.content().get(1))).isEqualTo(e);
        // a plain String id is taken too
        CallMethodResult plain = call("station-1", "GetResultById", new Variant(e.id()), new Variant(0));
        assertThat(ResultDataTypeCodec.decode((ExtensionObject) plain.getOutputArguments()[1].getValue())
                        .resultId())
                .isEqualTo(e.id());
    }

    @Test
    void getResultByIdOfAnUnknownOrOtherStationsResultAnswersNotFound() throws Exception {
        CallMethodResult unknown = call("station-1", "GetResultById", resultId("no-such-id"), new Variant(0));
        assertThat(unknown.getStatusCode().isGood()).isTrue();
        assertThat(unknown.getOutputArguments()[2].getValue()).isEqualTo(ResultManagementMethods.ERROR_NOT_FOUND);
        CallMethodResult other =
                call("station-1", "GetResultById", resultId(recorded.get(5).id()), new Variant(0));
        assertThat(other.getOutputArguments()[2].getValue()).isEqualTo(ResultManagementMethods.ERROR_NOT_FOUND);
    }

    @Test
    void malformedArgumentsAreRefused() throws Exception {
        assertThat(call("station-1", "GetResultById", new Variant(""), new Variant(0))
                        .getStatusCode()
                        .getValue())
                .isEqualTo(StatusCodes.Bad_InvalidArgument);
        assertThat(call("station-1", "GetResultById", new Variant(42), new Variant(0))
                        .getStatusCode()
                        .getValue())
                .isEqualTo(StatusCodes.Bad_InvalidArgument);
        assertThat(call("station-1", "GetResultById", resultId("x"))
                        .getStatusCode()
                        .getValue())
                .isEqualTo(StatusCodes.Bad_ArgumentsMissing);
    }

    private static Variant[] filter(Integer state, String partId, String productId, long max, long start) {
        Variant[] in = new Variant[12];
        Arrays.fill(in, Variant.NULL_VALUE);
        in[0] = state == null ? Variant.NULL_VALUE : new Variant(state);
        if (partId != null) {
            in[2] = new Variant(ResultDataTypeCodec.idStructure(partId, mvId(MachineVisionTypes.PART_ID_BINARY), true));
        }
        if (productId != null) {
            in[7] = new Variant(
                    ResultDataTypeCodec.idStructure(productId, mvId(MachineVisionTypes.PRODUCT_ID_BINARY), true));
        }
        in[9] = new Variant(uint(max));
        in[10] = new Variant(uint(start));
        in[11] = new Variant(1000);
        return in;
    }

    private static List<String> ids(CallMethodResult r) {
        Object list = r.getOutputArguments()[3].getValue();
        return Arrays.stream((ExtensionObject[]) list)
                .map(x -> ResultDataTypeCodec.decode(x).resultId())
                .toList();
    }

    @Test
    void getResultListFilteredFiltersByPartAndStateAndPages() throws Exception {
        CallMethodResult all = call("station-1", "GetResultListFiltered", filter(null, "PART-A", null, 10, 0));
        assertThat(all.getStatusCode().isGood()).isTrue();
        assertThat(all.getOutputArguments()[0].getValue()).isEqualTo(true);
        assertThat(((UInteger) all.getOutputArguments()[1].getValue()).intValue())
                .isEqualTo(3);
        assertThat(ids(all))
                .containsExactlyInAnyOrder(
                        recorded.get(0).id(),
                        recorded.get(1).id(),
                        recorded.get(2).id());

        CallMethodResult first = call("station-1", "GetResultListFiltered", filter(1, "PART-A", null, 2, 0));
        assertThat(first.getOutputArguments()[0].getValue()).isEqualTo(false);
        assertThat(ids(first)).hasSize(2);
        CallMethodResult second = call("station-1", "GetResultListFiltered", filter(1, "PART-A", null, 2, 2));
        assertThat(second.getOutputArguments()[0].getValue()).isEqualTo(true);
        assertThat(ids(second)).hasSize(1).doesNotContainAnyElementsOf(ids(first));

        // only Completed results are in the ledger
        assertThat(ids(call("station-1", "GetResultListFiltered", filter(2, null, null, 10, 0))))
                .isEmpty();
        assertThat(ids(call("station-1", "GetResultListFiltered", filter(null, null, "WIDGET-A", 100, 0))))
                .hasSize(5);
        assertThat(ids(call("station-1", "GetResultListFiltered", filter(null, null, "OTHER", 100, 0))))
                .isEmpty();
        assertThat(ids(call("station-2", "GetResultListFiltered", filter(null, null, null, 0, 0))))
                .containsExactly(recorded.get(5).id());
    }

    @Test
    void releaseResultHandleKnowsItsHandles() throws Exception {
        CallMethodResult r =
                call("station-1", "GetResultById", resultId(recorded.get(0).id()), new Variant(0));
        UInteger handle = (UInteger) r.getOutputArguments()[0].getValue();
        assertThat(call("station-1", "ReleaseResultHandle", new Variant(handle))
                        .getOutputArguments()[0]
                        .getValue())
                .isEqualTo(0);
        assertThat(call("station-1", "ReleaseResultHandle", new Variant(handle))
                        .getOutputArguments()[0]
                        .getValue())
                .isEqualTo(ResultManagementMethods.ERROR_UNKNOWN_HANDLE);
    }

    @Test
    void resultDataTypeHasTheSpecificationsIdsAndDefinition() throws Exception {
        NodeId type = mvId(MachineVisionTypes.RESULT_DATA_TYPE);
        Object def = client.read(
                        0,
                        TimestampsToReturn.Neither,
                        List.of(new org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId(
                                type, AttributeId.DataTypeDefinition.uid(), null, QualifiedName.NULL_VALUE)))
                .getResults()[0]
                .getValue()
                .getValue();
        ExtensionObject xo = (ExtensionObject) def;
        StructureDefinition sd = (StructureDefinition) xo.decode(client.getStaticEncodingContext());
        assertThat(Arrays.stream(sd.getFields()).map(f -> f.getName()))
                .containsSequence(
                        "ResultId",
                        "HasTransferableDataOnFile",
                        "IsPartial",
                        "IsSimulated",
                        "ResultState",
                        "MeasId",
                        "PartId");
        assertThat(sd.getDefaultEncodingId()).isEqualTo(mvId(MachineVisionTypes.RESULT_DATA_TYPE_BINARY));
        // the method's declared output is the specification's ResultDataType
        NodeId outputs = client.getAddressSpace()
                .getObjectNode(new NodeId(ns, "Stations/station-1/ResultManagement"))
                .getNodeId();
        assertThat(outputs).isNotNull();
    }

    @Test
    void visionStateMachineFollowsTheStation() throws Exception {
        NodeId current = new NodeId(ns, "Stations/station-2/VisionStateMachine/CurrentState");
        NodeId id = new NodeId(ns, "Stations/station-2/VisionStateMachine/CurrentState/Id");
        NodeId last = new NodeId(ns, "Stations/station-2/VisionStateMachine/LastTransition/Id");
        assertThat(((LocalizedText) client.readValue(0, TimestampsToReturn.Neither, current)
                                .getValue()
                                .getValue())
                        .text())
                .isEqualTo("Preoperational");
        assertThat(client.readValue(0, TimestampsToReturn.Neither, id)
                        .getValue()
                        .getValue())
                .isEqualTo(mvId(MachineVisionTypes.STATE_PREOPERATIONAL));

        server.namespace().publish(TestEvents.event("station-2", "P-9", InspectionEvent.Verdict.OK));
        assertThat(client.readValue(0, TimestampsToReturn.Neither, id)
                        .getValue()
                        .getValue())
                .isEqualTo(mvId(MachineVisionTypes.STATE_OPERATIONAL));
        assertThat(client.readValue(0, TimestampsToReturn.Neither, last)
                        .getValue()
                        .getValue())
                .isEqualTo(mvId(VisionState.Transition.PreoperationalToOperational.nodeNumber()));

        NodeId systemState = new NodeId(ns, "Stations/station-2/SystemState");
        NodeId description = new NodeId(ns, "Stations/station-2/SystemStateDescription");
        assertThat(client.readValue(0, TimestampsToReturn.Neither, systemState)
                        .getValue()
                        .getValue())
                .isEqualTo("PRD");
        server.namespace().setState("station-2", VisionState.of(true, false, true)); // camera lost
        assertThat(server.namespace().state("station-2")).isEqualTo(VisionState.ERROR);
        assertThat(client.readValue(0, TimestampsToReturn.Neither, systemState)
                        .getValue()
                        .getValue())
                .isEqualTo("UDT");
        ExtensionObject sd = (ExtensionObject) client.readValue(0, TimestampsToReturn.Neither, description)
                .getValue()
                .getValue();
        assertThat(sd.getEncodingOrTypeId()).isEqualTo(mvId(MachineVisionTypes.SYSTEM_STATE_DESCRIPTION_BINARY));
        byte[] body = ((ByteString) sd.getBody()).bytesOrEmpty();
        assertThat(ByteBuffer.wrap(body, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo(SystemStateCode.UDT.value());
        server.namespace().setState("station-2", VisionState.of(false, false, true)); // route stopped
        assertThat(client.readValue(0, TimestampsToReturn.Neither, systemState)
                        .getValue()
                        .getValue())
                .isEqualTo("SDT");
        assertThat(client.readValue(0, TimestampsToReturn.Neither, id)
                        .getValue()
                        .getValue())
                .isEqualTo(mvId(MachineVisionTypes.STATE_HALTED));
        server.namespace().setState("station-2", VisionState.of(true, true, true)); // restarted, connected
        assertThat(((LocalizedText) client.readValue(0, TimestampsToReturn.Neither, current)
                                .getValue()
                                .getValue())
                        .text())
                .isEqualTo("Operational");
        assertThat(client.readValue(0, TimestampsToReturn.Neither, last)
                        .getValue()
                        .getValue())
                .isEqualTo(mvId(VisionState.Transition.PreoperationalToOperational.nodeNumber()));
        // the type is the specification's, with its states
        NodeId typeDef = client.getAddressSpace()
                .getObjectNode(new NodeId(ns, "Stations/station-2/VisionStateMachine"))
                .getTypeDefinition()
                .getNodeId();
        assertThat(typeDef).isEqualTo(mvId(MachineVisionTypes.VISION_STATE_MACHINE_TYPE));
    }

    @Test
    void recipeManagementListsTheModelsTheStationRuns() throws Exception {
        ModelRef a = new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly");
        ModelRef b = new ModelRef("scratch-detect", "2.1", "cd".repeat(32), "detect");
        server.namespace().setRecipes("station-1", List.of(new RecipeNodes.Recipe(a, "models/demo-anomaly")));
        String base = "Stations/station-1/RecipeManagement/Recipes/";
        assertThat(client.readValue(0, TimestampsToReturn.Neither, new NodeId(ns, base + "demo-anomaly/Version"))
                        .getValue()
                        .getValue())
                .isEqualTo("1.0");
        assertThat(client.readValue(0, TimestampsToReturn.Neither, new NodeId(ns, base + "demo-anomaly/Hash"))
                        .getValue()
                        .getValue())
                .isEqualTo("ab".repeat(32));
        NodeId type = client.getAddressSpace()
                .getObjectNode(new NodeId(ns, "Stations/station-1/RecipeManagement"))
                .getTypeDefinition()
                .getNodeId();
        assertThat(type).isEqualTo(mvId(MachineVisionTypes.RECIPE_MANAGEMENT_TYPE));

        server.namespace().setRecipes("station-1", List.of(new RecipeNodes.Recipe(b, "models/scratch")));
        assertThat(client.readValue(0, TimestampsToReturn.Neither, new NodeId(ns, base + "scratch-detect/Kind"))
                        .getValue()
                        .getValue())
                .isEqualTo("detect");
        assertThat(client.readValue(0, TimestampsToReturn.Neither, new NodeId(ns, base + "demo-anomaly/Version"))
                        .getStatusCode()
                        .isBad())
                .isTrue();
        assertThat(client.getAddressSpace().browseNodes(new NodeId(ns, "Stations/station-1/RecipeManagement/Recipes")))
                .extracting(n -> n.getBrowseName().name())
                .containsExactly("scratch-detect");
    }
}
