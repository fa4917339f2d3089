package io.visionhub.outputs.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.Arrays;
import java.util.List;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaDataTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableTypeNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.StructureType;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.core.types.structured.EnumField;
import org.eclipse.milo.opcua.stack.core.types.structured.StructureDefinition;
import org.eclipse.milo.opcua.stack.core.types.structured.StructureField;

/**
 * The part of the OPC UA Machine Vision companion specification (OPC 40100-1, namespace
 * http://opcfoundation.org/UA/MachineVision, NodeSet 1.0.0) the hub serves, under the specification's numeric node
 * ids (Opc.Ua.MachineVision.NodeIds.csv, a copy in src/main/resources/opcua/): the object and event types its
 * station objects and result events are typed with, ResultManagementType with its methods, ResultType, the result
 * data types with their DataTypeDefinition and "Default Binary" encoding nodes (so a generic client such as
 * node-opcua decodes a ResultDataType without generated code), VisionStateMachineType with its states and
 * transitions, and RecipeManagementType. Milo has no NodeSet loader, so the nodes are built here; docs/opcua.md
 * lists what is covered.
 */
public class MachineVisionTypes extends ManagedNamespaceWithLifecycle {

    public static final String NAMESPACE_URI = "http://opcfoundation.org/UA/MachineVision";
    /** Node ids of OPC 40100-1 (Opc.Ua.MachineVision.NodeIds.csv). */
    public static final long RECIPE_TYPE = 1002;

    public static final long VISION_SYSTEM_TYPE = 1003;
    public static final long RECIPE_MANAGEMENT_TYPE = 1004;
    public static final long RESULT_MANAGEMENT_TYPE = 1007;
    public static final long VISION_EVENT_TYPE = 1015;
    public static final long VISION_STATE_MACHINE_TYPE = 1017;
    public static final long RESULT_READY_EVENT_TYPE = 1024;
    public static final long RESULT_TYPE = 2002;
    public static final long RECIPE_ID_EXTERNAL_DATA_TYPE = 3002;
    public static final long PRODUCT_ID_DATA_TYPE = 3003;
    public static final long PART_ID_DATA_TYPE = 3004;
    public static final long PROCESSING_TIMES_DATA_TYPE = 3005;
    public static final long RESULT_DATA_TYPE = 3006;
    public static final long CONFIGURATION_ID_DATA_TYPE = 3008;
    public static final long RESULT_STATE_DATA_TYPE = 3009;
    public static final long RECIPE_ID_INTERNAL_DATA_TYPE = 3013;
    public static final long MEAS_ID_DATA_TYPE = 3015;
    public static final long JOB_ID_DATA_TYPE = 3016;
    public static final long TRIMMED_STRING = 3017;
    public static final long HANDLE = 3018;
    public static final long BINARY_ID_BASE_DATA_TYPE = 3019;
    public static final long RESULT_ID_DATA_TYPE = 3021;
    public static final long SYSTEM_STATE_DATA_TYPE = 3023;
    public static final long SYSTEM_STATE_DESCRIPTION_DATA_TYPE = 3024;
    /** "Default Binary" encoding node ids of the structures. */
    public static final long RECIPE_ID_EXTERNAL_BINARY = 5002;

    public static final long MEAS_ID_BINARY = 5006;
    public static final long JOB_ID_BINARY = 5008;
    public static final long PART_ID_BINARY = 5013;
    public static final long PROCESSING_TIMES_BINARY = 5016;
    public static final long RESULT_DATA_TYPE_BINARY = 5018;
    public static final long BINARY_ID_BASE_BINARY = 5027;
    public static final long CONFIGURATION_ID_BINARY = 5090;
    public static final long PRODUCT_ID_BINARY = 5224;
    public static final long RECIPE_ID_INTERNAL_BINARY = 5268;
    public static final long RESULT_ID_BINARY = 5274;
    public static final long SYSTEM_STATE_DESCRIPTION_BINARY = 5278;
    /** VisionStateMachineType's states (StateType objects; their node ids are what CurrentState/Id points at). */
    public static final long STATE_PREOPERATIONAL = 5028;

    public static final long STATE_HALTED = 5029;
    public static final long STATE_ERROR = 5030;
    public static final long STATE_OPERATIONAL = 5031;
    /** ResultManagementType's methods. */
    public static final long GET_RESULT_BY_ID = 7026;

    public static final long GET_RESULT_LIST_FILTERED = 7089;
    public static final long RELEASE_RESULT_HANDLE = 7090;
    /** RecipeManagementType's and RecipeType's methods the hub serves. */
    public static final long RECIPE_MANAGEMENT_PREPARE_RECIPE = 7015;

    public static final long RECIPE_MANAGEMENT_PREPARE_PRODUCT = 7060;
    public static final long RECIPE_MANAGEMENT_UNLINK_PRODUCT = 7061;
    public static final long RECIPE_LINK_PRODUCT = 7062;
    public static final long RECIPE_UNLINK_PRODUCT = 7063;

    public MachineVisionTypes(OpcUaServer server) {
        super(server, NAMESPACE_URI);
        getLifecycleManager().addStartupTask(this::createTypes);
    }

    public NodeId visionSystemType() {
        return newNodeId(VISION_SYSTEM_TYPE);
    }

    public NodeId resultReadyEventType() {
        return newNodeId(RESULT_READY_EVENT_TYPE);
    }

    /** A node id of this namespace by its number in the specification. */
    public NodeId id(long number) {
        return newNodeId(number);
    }

    /** A browse name in the Machine Vision namespace (the specification's names of components and methods). */
    public QualifiedName name(String name) {
        return new QualifiedName(getNamespaceIndex(), name);
    }

    private void createTypes() {
        objectType(VISION_SYSTEM_TYPE, "VisionSystemType", NodeIds.BaseObjectType, false);
        objectType(VISION_EVENT_TYPE, "VisionEventType", NodeIds.BaseEventType, true);
        objectType(RESULT_READY_EVENT_TYPE, "ResultReadyEventType", newNodeId(VISION_EVENT_TYPE), false);
        createDataTypes();
        UaObjectTypeNode results =
                objectType(RESULT_MANAGEMENT_TYPE, "ResultManagementType", NodeIds.BaseObjectType, false);
        typeMethod(
                results,
                GET_RESULT_BY_ID,
                "GetResultById",
                ResultManagementMethods.getResultByIdInputs(this),
                ResultManagementMethods.getResultByIdOutputs(this));
        typeMethod(
                results,
                GET_RESULT_LIST_FILTERED,
                "GetResultListFiltered",
                ResultManagementMethods.getResultListFilteredInputs(this),
                ResultManagementMethods.getResultListFilteredOutputs(this));
        typeMethod(
                results,
                RELEASE_RESULT_HANDLE,
                "ReleaseResultHandle",
                ResultManagementMethods.releaseResultHandleInputs(this),
                ResultManagementMethods.releaseResultHandleOutputs(this));
        UaObjectTypeNode recipes =
                objectType(RECIPE_MANAGEMENT_TYPE, "RecipeManagementType", NodeIds.BaseObjectType, false);
        typeMethod(
                recipes,
                RECIPE_MANAGEMENT_PREPARE_RECIPE,
                "PrepareRecipe",
                RecipeMethods.prepareRecipeInputs(this),
                RecipeMethods.prepareRecipeOutputs(this));
        typeMethod(
                recipes,
                RECIPE_MANAGEMENT_PREPARE_PRODUCT,
                "PrepareProduct",
                RecipeMethods.linkProductInputs(this),
                RecipeMethods.prepareProductOutputs(this));
        typeMethod(
                recipes,
                RECIPE_MANAGEMENT_UNLINK_PRODUCT,
                "UnlinkProduct",
                RecipeMethods.unlinkProductInputs(this),
                RecipeMethods.errorOutput());
        UaObjectTypeNode recipe = objectType(RECIPE_TYPE, "RecipeType", NodeIds.BaseObjectType, false);
        typeMethod(
                recipe,
                RECIPE_LINK_PRODUCT,
                "LinkProduct",
                RecipeMethods.linkProductInputs(this),
                RecipeMethods.errorOutput());
        typeMethod(
                recipe,
                RECIPE_UNLINK_PRODUCT,
                "UnlinkProduct",
                RecipeMethods.linkProductInputs(this),
                RecipeMethods.errorOutput());
        UaVariableTypeNode resultType = UaVariableTypeNode.builder(getNodeContext())
                .setNodeId(newNodeId(RESULT_TYPE))
                .setBrowseName(name("ResultType"))
                .setDisplayName(LocalizedText.english("ResultType"))
                .setDataType(newNodeId(RESULT_DATA_TYPE))
                .setValueRank(-1)
                .build();
        resultType.addReference(new Reference(
                resultType.getNodeId(), NodeIds.HasSubtype, NodeIds.BaseDataVariableType.expanded(), false));
        getNodeManager().addNode(resultType);
        createVisionStateMachineType();
    }

    private void createDataTypes() {
        NodeId trimmed = newNodeId(TRIMMED_STRING);
        dataType(TRIMMED_STRING, "TrimmedString", NodeIds.String, null, null);
        dataType(RESULT_STATE_DATA_TYPE, "ResultStateDataType", NodeIds.Int32, null, null);
        dataType(HANDLE, "Handle", NodeIds.UInt32, null, null);
        for (Object[] t : new Object[][] {
            {RESULT_ID_DATA_TYPE, "ResultIdDataType", RESULT_ID_BINARY, false},
            {MEAS_ID_DATA_TYPE, "MeasIdDataType", MEAS_ID_BINARY, true},
            {PART_ID_DATA_TYPE, "PartIdDataType", PART_ID_BINARY, true},
            {JOB_ID_DATA_TYPE, "JobIdDataType", JOB_ID_BINARY, false},
            {PRODUCT_ID_DATA_TYPE, "ProductIdDataType", PRODUCT_ID_BINARY, true}
        }) {
            long id = (Long) t[0];
            long enc = (Long) t[2];
            boolean described = (Boolean) t[3];
            dataType(
                    id,
                    (String) t[1],
                    NodeIds.Structure,
                    described
                            ? structure(
                                    id,
                                    enc,
                                    NodeIds.Structure,
                                    StructureType.StructureWithOptionalFields,
                                    List.of(
                                            field("Id", trimmed, false),
                                            field("Description", NodeIds.LocalizedText, true)))
                            : structure(
                                    id,
                                    enc,
                                    NodeIds.Structure,
                                    StructureType.Structure,
                                    List.of(field("Id", trimmed, false))),
                    enc);
        }
        // the BinaryIdBaseDataType fields; the NodeSet's subtypes add none. Their definitions list all fields
        // with Structure as base, as OPC 10000-3 8.48 asks (the definition is complete in itself)
        List<StructureField> binaryId = List.of(
                field("Id", trimmed, false),
                field("Version", trimmed, true),
                field("Hash", NodeIds.ByteString, true),
                field("HashAlgorithm", NodeIds.String, true),
                field("Description", NodeIds.LocalizedText, true));
        dataType(
                        BINARY_ID_BASE_DATA_TYPE,
                        "BinaryIdBaseDataType",
                        NodeIds.Structure,
                        structure(
                                BINARY_ID_BASE_DATA_TYPE,
                                BINARY_ID_BASE_BINARY,
                                NodeIds.Structure,
                                StructureType.StructureWithOptionalFields,
                                binaryId),
                        BINARY_ID_BASE_BINARY)
                .setIsAbstract(true);
        for (Object[] t : new Object[][] {
            {RECIPE_ID_INTERNAL_DATA_TYPE, "RecipeIdInternalDataType", RECIPE_ID_INTERNAL_BINARY},
            {RECIPE_ID_EXTERNAL_DATA_TYPE, "RecipeIdExternalDataType", RECIPE_ID_EXTERNAL_BINARY},
            {CONFIGURATION_ID_DATA_TYPE, "ConfigurationIdDataType", CONFIGURATION_ID_BINARY}
        }) {
            long id = (Long) t[0];
            long enc = (Long) t[2];
            dataType(
                    id,
                    (String) t[1],
                    newNodeId(BINARY_ID_BASE_DATA_TYPE),
                    structure(id, enc, NodeIds.Structure, StructureType.StructureWithOptionalFields, binaryId),
                    enc);
        }
        UaDataTypeNode systemState = new UaDataTypeNode(
                getNodeContext(),
                newNodeId(SYSTEM_STATE_DATA_TYPE),
                name("SystemStateDataType"),
                LocalizedText.english("SystemStateDataType"),
                LocalizedText.NULL_VALUE,
                uint(0),
                uint(0),
                null,
                null,
                null,
                false,
                new org.eclipse.milo.opcua.stack.core.types.structured.EnumDefinition(
                        Arrays.stream(SystemStateCode.values())
                                .map(c -> new org.eclipse.milo.opcua.stack.core.types.structured.EnumField(
                                        (long) c.value(),
                                        LocalizedText.english(c.name()),
                                        LocalizedText.NULL_VALUE,
                                        c.name() + "_" + c.value()))
                                .toArray(EnumField[]::new)));
        systemState.addReference(
                new Reference(systemState.getNodeId(), NodeIds.HasSubtype, NodeIds.Enumeration.expanded(), false));
        getNodeManager().addNode(systemState);
        dataType(
                SYSTEM_STATE_DESCRIPTION_DATA_TYPE,
                "SystemStateDescriptionDataType",
                NodeIds.Structure,
                structure(
                        SYSTEM_STATE_DESCRIPTION_DATA_TYPE,
                        SYSTEM_STATE_DESCRIPTION_BINARY,
                        NodeIds.Structure,
                        StructureType.StructureWithOptionalFields,
                        List.of(
                                field("State", newNodeId(SYSTEM_STATE_DATA_TYPE), false),
                                field("StateDescription", trimmed, true))),
                SYSTEM_STATE_DESCRIPTION_BINARY);
        dataType(
                PROCESSING_TIMES_DATA_TYPE,
                "ProcessingTimesDataType",
                NodeIds.Structure,
                structure(
                        PROCESSING_TIMES_DATA_TYPE,
                        PROCESSING_TIMES_BINARY,
                        NodeIds.Structure,
                        StructureType.StructureWithOptionalFields,
                        List.of(
                                field("StartTime", NodeIds.UtcTime, false),
                                field("EndTime", NodeIds.UtcTime, false),
                                field("AcquisitionDuration", NodeIds.Duration, true),
                                field("ProcessingDuration", NodeIds.Duration, true))),
                PROCESSING_TIMES_BINARY);
        StructureField content = new StructureField(
                "ResultContent",
                LocalizedText.NULL_VALUE,
                NodeIds.BaseDataType,
                1,
                new UInteger[] {uint(0)},
                uint(0),
                true);
        dataType(
                RESULT_DATA_TYPE,
                "ResultDataType",
                NodeIds.Structure,
                structure(
                        RESULT_DATA_TYPE,
                        RESULT_DATA_TYPE_BINARY,
                        NodeIds.Structure,
                        StructureType.StructureWithOptionalFields,
                        List.of(
                                field("ResultId", newNodeId(RESULT_ID_DATA_TYPE), false),
                                field("HasTransferableDataOnFile", NodeIds.Boolean, true),
                                field("IsPartial", NodeIds.Boolean, false),
                                field("IsSimulated", NodeIds.Boolean, true),
                                field("ResultState", newNodeId(RESULT_STATE_DATA_TYPE), false),
                                field("MeasId", newNodeId(MEAS_ID_DATA_TYPE), true),
                                field("PartId", newNodeId(PART_ID_DATA_TYPE), true),
                                field("ExternalRecipeId", newNodeId(RECIPE_ID_EXTERNAL_DATA_TYPE), true),
                                field("InternalRecipeId", newNodeId(RECIPE_ID_INTERNAL_DATA_TYPE), false),
                                field("ProductId", newNodeId(PRODUCT_ID_DATA_TYPE), true),
                                field("ExternalConfigurationId", newNodeId(CONFIGURATION_ID_DATA_TYPE), true),
                                field("InternalConfigurationId", newNodeId(CONFIGURATION_ID_DATA_TYPE), false),
                                field("JobId", newNodeId(JOB_ID_DATA_TYPE), false),
                                field("CreationTime", NodeIds.UtcTime, false),
                                field("ProcessingTimes", newNodeId(PROCESSING_TIMES_DATA_TYPE), true),
                                content)),
                RESULT_DATA_TYPE_BINARY);
    }

    private StructureDefinition structure(
            long typeId, long encodingId, NodeId base, StructureType kind, List<StructureField> fields) {
        return new StructureDefinition(newNodeId(encodingId), base, kind, fields.toArray(StructureField[]::new));
    }

    private static StructureField field(String name, NodeId type, boolean optional) {
        return new StructureField(name, LocalizedText.NULL_VALUE, type, -1, null, uint(0), optional);
    }

    private UaDataTypeNode dataType(
            long id, String browseName, NodeId superType, StructureDefinition definition, Long binaryEncoding) {
        UaDataTypeNode node = new UaDataTypeNode(
                getNodeContext(),
                newNodeId(id),
                name(browseName),
                LocalizedText.english(browseName),
                LocalizedText.NULL_VALUE,
                uint(0),
                uint(0),
                null,
                null,
                null,
                false,
                definition);
        node.addReference(new Reference(node.getNodeId(), NodeIds.HasSubtype, superType.expanded(), false));
        getNodeManager().addNode(node);
        if (binaryEncoding != null) {
            UaObjectNode encoding = UaObjectNode.builder(getNodeContext())
                    .setNodeId(newNodeId(binaryEncoding))
                    .setBrowseName(new QualifiedName(0, "Default Binary"))
                    .setDisplayName(LocalizedText.english("Default Binary"))
                    .setTypeDefinition(NodeIds.DataTypeEncodingType)
                    .build();
            getNodeManager().addNode(encoding);
            node.addReference(new Reference(
                    node.getNodeId(), NodeIds.HasEncoding, encoding.getNodeId().expanded(), true));
        }
        return node;
    }

    private void createVisionStateMachineType() {
        UaObjectTypeNode type =
                objectType(VISION_STATE_MACHINE_TYPE, "VisionStateMachineType", NodeIds.FiniteStateMachineType, false);
        for (VisionState s : VisionState.values()) {
            UaObjectNode state = UaObjectNode.builder(getNodeContext())
                    .setNodeId(newNodeId(s.nodeNumber()))
                    .setBrowseName(name(s.browseName()))
                    .setDisplayName(LocalizedText.english(s.browseName()))
                    .setTypeDefinition(NodeIds.StateType)
                    .build();
            getNodeManager().addNode(state);
            type.addReference(new Reference(
                    type.getNodeId(), NodeIds.HasComponent, state.getNodeId().expanded(), true));
            property(
                    state,
                    s.browseName() + "_StateNumber",
                    "StateNumber",
                    NodeIds.UInt32,
                    new Variant(uint(s.stateNumber())));
        }
        for (VisionState.Transition t : VisionState.Transition.values()) {
            UaObjectNode transition = UaObjectNode.builder(getNodeContext())
                    .setNodeId(newNodeId(t.nodeNumber()))
                    .setBrowseName(name(t.name()))
                    .setDisplayName(LocalizedText.english(t.name()))
                    .setTypeDefinition(NodeIds.TransitionType)
                    .build();
            getNodeManager().addNode(transition);
            type.addReference(new Reference(
                    type.getNodeId(),
                    NodeIds.HasComponent,
                    transition.getNodeId().expanded(),
                    true));
            transition.addReference(new Reference(
                    transition.getNodeId(),
                    NodeIds.FromState,
                    newNodeId(t.from().nodeNumber()).expanded(),
                    true));
            transition.addReference(new Reference(
                    transition.getNodeId(),
                    NodeIds.ToState,
                    newNodeId(t.to().nodeNumber()).expanded(),
                    true));
        }
    }

    private UaVariableNode property(
            UaObjectNode parent, String idSuffix, String browseName, NodeId type, Variant value) {
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId("Types/" + idSuffix))
                .setBrowseName(new QualifiedName(0, browseName))
                .setDisplayName(LocalizedText.english(browseName))
                .setDataType(type)
                .setTypeDefinition(NodeIds.PropertyType)
                .build();
        node.setValue(new DataValue(value));
        getNodeManager().addNode(node);
        parent.addReference(new Reference(
                parent.getNodeId(), NodeIds.HasProperty, node.getNodeId().expanded(), true));
        return node;
    }

    private void typeMethod(UaObjectTypeNode type, long id, String browseName, Argument[] in, Argument[] out) {
        UaMethodNode method = UaMethodNode.builder(getNodeContext())
                .setNodeId(newNodeId(id))
                .setBrowseName(name(browseName))
                .setDisplayName(LocalizedText.english(browseName))
                .setExecutable(false)
                .setUserExecutable(false)
                .build();
        method.setInputArguments(in);
        method.setOutputArguments(out);
        getNodeManager().addNode(method);
        type.addReference(new Reference(
                type.getNodeId(), NodeIds.HasComponent, method.getNodeId().expanded(), true));
    }

    private UaObjectTypeNode objectType(long id, String name, NodeId superType, boolean isAbstract) {
        UaObjectTypeNode node = UaObjectTypeNode.builder(getNodeContext())
                .setNodeId(newNodeId(id))
                .setBrowseName(new QualifiedName(getNamespaceIndex(), name))
                .setDisplayName(LocalizedText.english(name))
                .setIsAbstract(isAbstract)
                .build();
        node.addReference(new Reference(node.getNodeId(), NodeIds.HasSubtype, superType.expanded(), false));
        getNodeManager().addNode(node);
        return node;
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {}

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {}

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {}

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {}
}
