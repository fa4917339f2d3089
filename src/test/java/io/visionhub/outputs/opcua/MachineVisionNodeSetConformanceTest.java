package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.StructureDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The hub's Machine Vision nodes against the OPC 40100-1 NodeSet shipped in src/main/resources/opcua/: node ids
 * and browse names of types, states, transitions and methods, the fields of every result structure (name, order,
 * optional) as a client reads them from DataTypeDefinition, and the method arguments.
 */
class MachineVisionNodeSetConformanceTest {

    static final Path SHARED = Path.of("../shared/fixtures/opcua");

    @TempDir
    static Path dir;

    static HubOpcUaServer server;
    static OpcUaClient client;
    static int mv;
    static Map<String, Long> csv;
    static Document nodeSet;

    @BeforeAll
    static void start() throws Exception {
        try (InputStream in = MachineVisionTypes.class.getResourceAsStream("/opcua/Opc.Ua.MachineVision.NodeIds.csv")) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(l -> l.split(","))
                    .filter(f -> f.length == 3)
                    .collect(Collectors.toMap(f -> f[0], f -> Long.parseLong(f[1].strip()), (a, b) -> a));
        }
        try (InputStream in =
                MachineVisionTypes.class.getResourceAsStream("/opcua/Opc.Ua.MachineVision.NodeSet2.xml")) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            nodeSet = f.newDocumentBuilder().parse(in);
        }
        OpcUaServerProperties props = OpcUaTestClients.demoServer(dir.resolve("pki"), "station-1");
        server = new HubOpcUaServer(props, "site-ns");
        server.start();
        client = OpcUaTestClients.connectAnonymous(server.endpointUrl());
        mv = OpcUaTestClients.namespaceIndex(client, MachineVisionTypes.NAMESPACE_URI);
    }

    @AfterAll
    static void stop() throws Exception {
        OpcUaTestClients.stop(client, server);
    }

    private static DataValue read(NodeId node, AttributeId attribute) throws Exception {
        return client.read(
                        0,
                        TimestampsToReturn.Neither,
                        List.of(new ReadValueId(node, attribute.uid(), null, QualifiedName.NULL_VALUE)))
                .getResults()[0];
    }

    @Test
    void shippedCopyIsTheSharedFixture() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(SHARED), "fixture " + SHARED + " absent (a fresh clone has no ../shared)");
        for (String name : List.of("Opc.Ua.MachineVision.NodeSet2.xml", "Opc.Ua.MachineVision.NodeIds.csv")) {
            try (InputStream in = MachineVisionTypes.class.getResourceAsStream("/opcua/" + name)) {
                assertThat(in.readAllBytes()).as(name).isEqualTo(Files.readAllBytes(SHARED.resolve(name)));
            }
        }
    }

    @Test
    void everyNodeTheHubServesUnderTheMachineVisionNamespaceHasTheNodeSetsIdAndName() throws Exception {
        Map<String, Long> ours = new LinkedHashMap<>();
        for (var f : MachineVisionTypes.class.getFields()) {
            if (f.getType() == long.class) {
                ours.put(f.getName(), f.getLong(null));
            }
        }
        assertThat(ours).hasSizeGreaterThan(30);
        for (Map.Entry<String, Long> e : ours.entrySet()) {
            NodeId id = new NodeId(mv, uint(e.getValue()));
            DataValue name = read(id, AttributeId.BrowseName);
            assertThat(name.getStatusCode().isGood())
                    .as(e.getKey() + " " + id + " is served")
                    .isTrue();
            String browseName = ((QualifiedName) name.getValue().getValue()).name();
            String csvName = csv.entrySet().stream()
                    .filter(c -> c.getValue().equals(e.getValue()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(e + " not in the NodeSet"));
            // the CSV names instance declarations by path (VisionStateMachineType_Preoperational); encodings
            // are "Default Binary"
            assertThat(csvName)
                    .as(e.getKey())
                    .satisfiesAnyOf(
                            n -> assertThat(n).isEqualTo(browseName),
                            n -> assertThat(n).endsWith("_" + browseName),
                            n -> assertThat(n)
                                    .endsWith("_Encoding_DefaultBinary")
                                    .satisfies(x -> assertThat(browseName).isEqualTo("Default Binary")));
        }
        for (VisionState.Transition t : VisionState.Transition.values()) {
            assertThat(csv).containsEntry("VisionStateMachineType_" + t.name(), t.nodeNumber());
        }
        for (VisionState s : VisionState.values()) {
            assertThat(csv).containsEntry("VisionStateMachineType_" + s.browseName(), s.nodeNumber());
        }
    }

    @Test
    void structureDefinitionsHaveTheNodeSetsFields() throws Exception {
        for (long type : new long[] {
            MachineVisionTypes.RESULT_DATA_TYPE,
            MachineVisionTypes.PROCESSING_TIMES_DATA_TYPE,
            MachineVisionTypes.RESULT_ID_DATA_TYPE,
            MachineVisionTypes.MEAS_ID_DATA_TYPE,
            MachineVisionTypes.PART_ID_DATA_TYPE,
            MachineVisionTypes.JOB_ID_DATA_TYPE,
            MachineVisionTypes.PRODUCT_ID_DATA_TYPE,
            MachineVisionTypes.RECIPE_ID_INTERNAL_DATA_TYPE,
            MachineVisionTypes.RECIPE_ID_EXTERNAL_DATA_TYPE,
            MachineVisionTypes.CONFIGURATION_ID_DATA_TYPE,
            MachineVisionTypes.BINARY_ID_BASE_DATA_TYPE,
            MachineVisionTypes.SYSTEM_STATE_DESCRIPTION_DATA_TYPE
        }) {
            ExtensionObject xo = (ExtensionObject) read(new NodeId(mv, uint(type)), AttributeId.DataTypeDefinition)
                    .getValue()
                    .getValue();
            StructureDefinition sd = (StructureDefinition) xo.decode(client.getStaticEncodingContext());
            List<String> served = Arrays.stream(sd.getFields())
                    .map(f -> f.getName() + (Boolean.TRUE.equals(f.getIsOptional()) ? "?" : ""))
                    .toList();
            assertThat(served).as("fields of ns=MV;i=" + type).isEqualTo(nodeSetFields(type));
        }
    }

    /** Fields of a structure in the NodeSet, with those of its Machine Vision base type first. */
    private static List<String> nodeSetFields(long type) {
        Element dt = dataType(type);
        List<String> fields = new ArrayList<>();
        NodeList refs = dt.getElementsByTagName("Reference");
        for (int i = 0; i < refs.getLength(); i++) {
            Element r = (Element) refs.item(i);
            if ("HasSubtype".equals(r.getAttribute("ReferenceType"))
                    && "false".equals(r.getAttribute("IsForward"))
                    && r.getTextContent().startsWith("ns=1;i=")) {
                fields.addAll(nodeSetFields(Long.parseLong(r.getTextContent().substring(7))));
            }
        }
        NodeList fs = dt.getElementsByTagName("Field");
        for (int i = 0; i < fs.getLength(); i++) {
            Element f = (Element) fs.item(i);
            fields.add(f.getAttribute("Name") + ("true".equals(f.getAttribute("IsOptional")) ? "?" : ""));
        }
        return fields;
    }

    private static Element dataType(long id) {
        NodeList types = nodeSet.getElementsByTagName("UADataType");
        for (int i = 0; i < types.getLength(); i++) {
            Element e = (Element) types.item(i);
            if (("ns=1;i=" + id).equals(e.getAttribute("NodeId"))) {
                return e;
            }
        }
        throw new AssertionError("ns=1;i=" + id + " is no UADataType of the NodeSet");
    }

    @Test
    void lastResultHasEveryMandatoryComponentOfTheResultTypeWithTheNodeSetsDataType() throws Exception {
        NodeId last = new NodeId(
                server.namespace().getNamespaceIndex(), "Stations/station-1/ResultManagement/Results/LastResult");
        Map<String, NodeId> served = new LinkedHashMap<>();
        for (var n : client.getAddressSpace().browseNodes(last)) {
            if (n.getBrowseName().namespaceIndex().intValue() == mv) {
                served.put(n.getBrowseName().name(), n.getNodeId());
            }
        }
        List<String> mandatory = new ArrayList<>();
        List<String> declared = new ArrayList<>();
        NodeList variables = nodeSet.getElementsByTagName("UAVariable");
        for (int i = 0; i < variables.getLength(); i++) {
            Element v = (Element) variables.item(i);
            if (!("ns=1;i=" + MachineVisionTypes.RESULT_TYPE).equals(v.getAttribute("ParentNodeId"))) {
                continue;
            }
            String name = v.getAttribute("BrowseName").substring("1:".length());
            declared.add(name);
            if (modellingRule(v).equals("i=78")) {
                mandatory.add(name);
            }
            if (served.containsKey(name)) {
                NodeId dataType = (NodeId)
                        read(served.get(name), AttributeId.DataType).getValue().getValue();
                assertThat(dataType).as("data type of " + name).isEqualTo(dataTypeId(v.getAttribute("DataType")));
            }
        }
        // OPC 40100-1 9.1 (ModellingRule Mandatory in the NodeSet)
        assertThat(mandatory)
                .containsExactlyInAnyOrder(
                        "ResultId",
                        "CreationTime",
                        "IsPartial",
                        "ResultState",
                        "JobId",
                        "InternalRecipeId",
                        "InternalConfigurationId");
        assertThat(served.keySet()).containsAll(mandatory);
        assertThat(declared).containsAll(served.keySet());
    }

    private static String modellingRule(Element variable) {
        NodeList refs = variable.getElementsByTagName("Reference");
        for (int i = 0; i < refs.getLength(); i++) {
            Element r = (Element) refs.item(i);
            if ("HasModellingRule".equals(r.getAttribute("ReferenceType"))) {
                return r.getTextContent().strip();
            }
        }
        return "";
    }

    /** A NodeSet DataType attribute: an alias (UtcTime, Boolean) of namespace 0, or a Machine Vision type by name. */
    private static NodeId dataTypeId(String name) {
        if (csv.containsKey(name)) {
            return new NodeId(mv, uint(csv.get(name)));
        }
        NodeList aliases = nodeSet.getElementsByTagName("Alias");
        for (int i = 0; i < aliases.getLength(); i++) {
            Element a = (Element) aliases.item(i);
            if (name.equals(a.getAttribute("Alias"))) {
                return NodeId.parse(a.getTextContent().strip());
            }
        }
        throw new AssertionError("data type " + name + " is neither an alias nor in the NodeSet");
    }

    @Test
    void lastResultsComponentsCarryThePublishedResultAndAbsentOptionalFieldsAreEmpty() throws Exception {
        InspectionEvent e = TestEvents.event("station-1", "PART-C", InspectionEvent.Verdict.NG);
        new OpcUaResultPublisher(server).publish(e);
        String base = "Stations/station-1/ResultManagement/Results/LastResult";
        assertThat(ResultDataTypeCodec.idOf(component(base, "ResultId"), false)).isEqualTo(e.id());
        assertThat(ResultDataTypeCodec.idOf(component(base, "JobId"), false)).isEqualTo(e.id());
        assertThat(ResultDataTypeCodec.idOf(component(base, "MeasId"), true)).isEqualTo(e.id());
        assertThat(ResultDataTypeCodec.idOf(component(base, "PartId"), true)).isEqualTo("PART-C");
        assertThat(ResultDataTypeCodec.idOf(component(base, "ProductId"), true))
                .isEqualTo(e.context().product());
        assertThat(ResultDataTypeCodec.binaryIdOf(component(base, "InternalRecipeId")))
                .isEqualTo(e.model().name());
        assertThat(ResultDataTypeCodec.binaryIdOf(component(base, "InternalConfigurationId")))
                .isEqualTo("station-1");
        assertThat(component(base, "IsPartial")).isEqualTo(false);
        assertThat(component(base, "IsSimulated")).isEqualTo(false);
        assertThat(component(base, "ResultState")).isEqualTo(MachineVisionResult.COMPLETED);
        assertThat(((DateTime) component(base, "CreationTime")).getJavaInstant())
                .isCloseTo(e.inferenceTime(), within(1, ChronoUnit.MICROS));
        assertThat(((ExtensionObject) component(base, "ProcessingTimes")).getEncodingOrTypeId())
                .isEqualTo(new NodeId(mv, uint(MachineVisionTypes.PROCESSING_TIMES_BINARY)));
        // the components and the variable's own value (the whole ResultDataType) say the same
        assertThat(ResultDataTypeCodec.decode((ExtensionObject)
                                read(new NodeId(server.namespace().getNamespaceIndex(), base), AttributeId.Value)
                                        .getValue()
                                        .getValue())
                        .resultId())
                .isEqualTo(e.id());

        // a result without a part id or production context: those optional components are empty, not stale
        InspectionEvent bare = TestEvents.event("station-1", "PART-D", InspectionEvent.Verdict.OK)
                .withPartId(null)
                .withContext(null);
        new OpcUaResultPublisher(server).publish(bare);
        assertThat(ResultDataTypeCodec.idOf(component(base, "ResultId"), false)).isEqualTo(bare.id());
        assertThat(component(base, "PartId")).isNull();
        assertThat(component(base, "ProductId")).isNull();
    }

    private static Object component(String base, String name) throws Exception {
        DataValue v = read(new NodeId(server.namespace().getNamespaceIndex(), base + "/" + name), AttributeId.Value);
        assertThat(v.getStatusCode().isGood()).as(name + " readable").isTrue();
        return v.getValue().getValue();
    }

    @Test
    void methodArgumentsAreTheNodeSets() throws Exception {
        NodeId station = new NodeId(server.namespace().getNamespaceIndex(), "Stations/station-1/ResultManagement/");
        for (String method : List.of("GetResultById", "GetResultListFiltered", "ReleaseResultHandle")) {
            long typeMethod = csv.get("ResultManagementType_" + method);
            NodeId methodId = new NodeId(station.getNamespaceIndex(), station.getIdentifier() + method);
            for (String kind : List.of("InputArguments", "OutputArguments")) {
                var property = client.getAddressSpace().browseNodes(methodId).stream()
                        .filter(n -> kind.equals(n.getBrowseName().name()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(method + " has no " + kind));
                Object value = client.readValue(0, TimestampsToReturn.Neither, property.getNodeId())
                        .getValue()
                        .getValue();
                Argument[] served = Arrays.stream((Object[]) value)
                        .map(o -> o instanceof Argument a
                                ? a
                                : (Argument) ((ExtensionObject) o).decode(client.getStaticEncodingContext()))
                        .toArray(Argument[]::new);
                assertThat(Arrays.stream(served)
                                .map(a -> a.getName() + ":" + typeName(a.getDataType()))
                                .toList())
                        .as(method + " " + kind)
                        .isEqualTo(nodeSetArguments(typeMethod, kind));
            }
        }
        NodeId recipes = new NodeId(server.namespace().getNamespaceIndex(), "Stations/station-1/RecipeManagement/");
        for (String method : List.of("PrepareRecipe", "PrepareProduct", "UnlinkProduct")) {
            assertArgumentsAreTheNodeSets(
                    method,
                    new NodeId(recipes.getNamespaceIndex(), recipes.getIdentifier() + method),
                    csv.get("RecipeManagementType_" + method));
        }
        // a recipe object's methods: those of the type node RecipeType (the instances carry the same arguments)
        for (String method : List.of("LinkProduct", "UnlinkProduct")) {
            long typeMethod = csv.get("RecipeType_" + method);
            assertArgumentsAreTheNodeSets(method, new NodeId(mv, uint(typeMethod)), typeMethod);
        }
    }

    private static void assertArgumentsAreTheNodeSets(String method, NodeId methodId, long typeMethod)
            throws Exception {
        for (String kind : List.of("InputArguments", "OutputArguments")) {
            var property = client.getAddressSpace().browseNodes(methodId).stream()
                    .filter(n -> kind.equals(n.getBrowseName().name()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(method + " has no " + kind));
            Object value = client.readValue(0, TimestampsToReturn.Neither, property.getNodeId())
                    .getValue()
                    .getValue();
            Argument[] served = Arrays.stream((Object[]) value)
                    .map(o -> o instanceof Argument a
                            ? a
                            : (Argument) ((ExtensionObject) o).decode(client.getStaticEncodingContext()))
                    .toArray(Argument[]::new);
            assertThat(Arrays.stream(served)
                            .map(a -> a.getName() + ":" + typeName(a.getDataType()))
                            .toList())
                    .as(method + " " + kind)
                    .isEqualTo(nodeSetArguments(typeMethod, kind));
        }
    }

    private static String typeName(NodeId id) {
        return (id.getNamespaceIndex().intValue() == mv ? "ns=1;i=" : "i=") + id.getIdentifier();
    }

    private static List<String> nodeSetArguments(long method, String kind) {
        NodeList vars = nodeSet.getElementsByTagName("UAVariable");
        for (int i = 0; i < vars.getLength(); i++) {
            Element v = (Element) vars.item(i);
            if (("ns=1;i=" + method).equals(v.getAttribute("ParentNodeId"))
                    && kind.equals(v.getAttribute("BrowseName"))) {
                List<String> out = new ArrayList<>();
                NodeList args = v.getElementsByTagName("uax:Argument");
                for (int a = 0; a < args.getLength(); a++) {
                    Element arg = (Element) args.item(a);
                    String name = arg.getElementsByTagName("uax:Name").item(0).getTextContent();
                    Element dataType =
                            (Element) arg.getElementsByTagName("uax:DataType").item(0);
                    String type = dataType.getElementsByTagName("uax:Identifier")
                            .item(0)
                            .getTextContent();
                    out.add(name + ":" + type);
                }
                return out;
            }
        }
        throw new AssertionError(kind + " of ns=1;i=" + method + " not in the NodeSet");
    }
}
