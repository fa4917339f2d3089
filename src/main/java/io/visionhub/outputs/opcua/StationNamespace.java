package io.visionhub.outputs.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.visionhub.event.Defect;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.outputs.EventJsonMemo;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.objects.BaseEventTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.variables.PropertyTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNodeContext;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's address space: Objects/VisionHub/Stations/&lt;station&gt; with the station's state, production context,
 * counters and last result (names after OPC 40100-1 where they fit, see docs/opcua.md), and an event per result.
 * Node ids are strings: {@code ns=<urn:visionhub:stations>;s=Stations/<station>/LastResult/PartId}.
 */
public class StationNamespace extends SubscribedNamespace {

    public static final String NAMESPACE_URI = "urn:visionhub:stations";
    private static final Logger LOG = LoggerFactory.getLogger(StationNamespace.class);
    /** one defect as JSON for LastResult/Defects (a writer bound to the type: no serializer look-up per defect) */
    private static final ObjectWriter DEFECT_WRITER = EventJson.mapper().writerFor(Defect.class);

    private final MachineVisionTypes types;
    private final Map<String, StationNodes> stations = new ConcurrentHashMap<>();
    private volatile UaFolderNode stationsFolder;
    private volatile UaFolderNode hubFolder;
    private final Supplier<LedgerResultSource> ledger;
    private final Supplier<RecipeBook> recipeBook;
    private final Map<String, List<String>> userRoles;

    public StationNamespace(OpcUaServer server, MachineVisionTypes types) {
        this(server, types, () -> null);
    }

    /** With ResultManagement answering from the ledger ({@code ledger} gives null when there is none). */
    public StationNamespace(OpcUaServer server, MachineVisionTypes types, Supplier<LedgerResultSource> ledger) {
        this(server, types, ledger, () -> null, Map.of());
    }

    /**
     * @param recipeBook the recipes and their product links (null: RecipeManagement lists the models in use only)
     * @param userRoles  roles of the user-name logins, for the recipe methods
     */
    public StationNamespace(
            OpcUaServer server,
            MachineVisionTypes types,
            Supplier<LedgerResultSource> ledger,
            Supplier<RecipeBook> recipeBook,
            Map<String, List<String>> userRoles) {
        super(server, NAMESPACE_URI);
        this.types = types;
        this.ledger = ledger;
        this.recipeBook = recipeBook;
        this.userRoles = Map.copyOf(userRoles);
        getLifecycleManager().addStartupTask(this::createRoot);
    }

    private void createRoot() {
        UaFolderNode hub = new UaFolderNode(
                getNodeContext(),
                newNodeId("VisionHub"),
                newQualifiedName("VisionHub"),
                LocalizedText.english("VisionHub"));
        getNodeManager().addNode(hub);
        hub.addReference(new Reference(hub.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
        hubFolder = hub;
        UaFolderNode folder = new UaFolderNode(
                getNodeContext(),
                newNodeId("Stations"),
                newQualifiedName("Stations"),
                LocalizedText.english("Stations"));
        getNodeManager().addNode(folder);
        hub.addOrganizes(folder);
        stationsFolder = folder;
    }

    /** The nodes of a station, created on first use. */
    public StationNodes station(String station) {
        if (station == null || station.isBlank()) {
            throw new IllegalArgumentException("an OPC UA station object needs a station id");
        }
        return stations.computeIfAbsent(station, this::createStation);
    }

    public boolean hasStation(String station) {
        return stations.containsKey(station);
    }

    UaNodeContext context() {
        return getNodeContext();
    }

    NodeId id(String path) {
        return newNodeId(path);
    }

    /** The VisionHub folder under Objects (set once the namespace has started). */
    UaFolderNode hubFolder() {
        return hubFolder;
    }

    void addNode(UaNode node) {
        getNodeManager().addNode(node);
    }

    /** The object node of a station (created on first use). */
    UaObjectNode stationObject(String station) {
        return station(station).object;
    }

    QualifiedName qualified(String name) {
        return newQualifiedName(name);
    }

    /** Shows the models (recipes) the station's camera routes run under its RecipeManagement/Recipes. */
    void setRecipes(String station, Collection<RecipeNodes.Recipe> recipes) {
        station(station).recipes.show(recipes);
    }

    /** Node id of a station variable, e.g. nodeId("station-1", "LastResult/PartId"). */
    public NodeId nodeId(String station, String path) {
        return newNodeId("Stations/" + station + "/" + path);
    }

    /** Writes the result into the station's nodes and fires its result event. */
    public void publish(InspectionEvent event) {
        StationNodes nodes = station(event.station());
        nodes.update(event);
        nodes.stateMachine.resultArrived();
        nodes.showSystemState();
        fireResultEvent(nodes, event);
    }

    /** Moves the station's VisionStateMachine to the state derived from its camera (see {@link VisionState#of}). */
    public void setState(String station, VisionState state) {
        StationNodes nodes = station(station);
        nodes.stateMachine.moveTo(state);
        nodes.showSystemState();
    }

    /** The station's current VisionStateMachine state. */
    public VisionState state(String station) {
        return station(station).stateMachine.current();
    }

    private StationNodes createStation(String station) {
        String base = "Stations/" + station;
        UaObjectNode object = UaObjectNode.builder(getNodeContext())
                .setNodeId(newNodeId(base))
                .setBrowseName(newQualifiedName(station))
                .setDisplayName(LocalizedText.english(station))
                .setTypeDefinition(types.visionSystemType())
                .setEventNotifier(ubyte(1))
                .build();
        getNodeManager().addNode(object);
        stationsFolder.addOrganizes(object);
        object.addReference(new Reference(
                object.getNodeId(),
                NodeIds.HasNotifier,
                stationsFolder.getNodeId().expanded(),
                false));
        StationNodes nodes = new StationNodes(station, object);
        nodes.systemState = variable(object, base, "SystemState", NodeIds.String, new Variant("SBY"));
        nodes.types = types;
        nodes.systemStateDescription = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId(base + "/SystemStateDescription"))
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .setBrowseName(types.name("SystemState"))
                .setDisplayName(LocalizedText.english("SystemState"))
                .setDataType(types.id(MachineVisionTypes.SYSTEM_STATE_DESCRIPTION_DATA_TYPE))
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .build();
        getNodeManager().addNode(nodes.systemStateDescription);
        object.addReference(new Reference(
                object.getNodeId(),
                NodeIds.HasComponent,
                nodes.systemStateDescription.getNodeId().expanded(),
                true));
        nodes.stateMachine = new VisionStateMachineNodes(this, types, object, base);
        nodes.showSystemState();
        nodes.currentState = nodes.stateMachine.currentState();
        createResultManagement(object, base, nodes);
        nodes.recipes = new RecipeNodes(
                this,
                types,
                object,
                base,
                station,
                recipeBook,
                new RecipeMethods(station, types, recipeBook, userRoles));
        nodes.stationId = variable(object, base, "StationId", NodeIds.String, new Variant(station));
        UaFolderNode context = folder(object, base, "ProductionContext");
        nodes.line = changing(context, base, "ProductionContext/Line", NodeIds.String, Variant.NULL_VALUE);
        nodes.productionOrder =
                changing(context, base, "ProductionContext/ProductionOrder", NodeIds.String, Variant.NULL_VALUE);
        nodes.product = changing(context, base, "ProductionContext/ProductId", NodeIds.String, Variant.NULL_VALUE);
        nodes.batch = changing(context, base, "ProductionContext/Batch", NodeIds.String, Variant.NULL_VALUE);
        nodes.shift = changing(context, base, "ProductionContext/Shift", NodeIds.String, Variant.NULL_VALUE);
        nodes.contextStatus =
                changing(context, base, "ProductionContext/ContextStatus", NodeIds.String, Variant.NULL_VALUE);
        UaFolderNode counters = folder(object, base, "Counters");
        nodes.inspected = changing(counters, base, "Counters/Inspected", NodeIds.UInt64, new Variant(ulong(0)));
        nodes.ok = changing(counters, base, "Counters/OK", NodeIds.UInt64, new Variant(ulong(0)));
        nodes.ng = changing(counters, base, "Counters/NG", NodeIds.UInt64, new Variant(ulong(0)));
        nodes.uncertain = changing(counters, base, "Counters/Uncertain", NodeIds.UInt64, new Variant(ulong(0)));
        UaFolderNode result = folder(object, base, "LastResult");
        nodes.resultId = changing(result, base, "LastResult/ResultId", NodeIds.String, Variant.NULL_VALUE);
        nodes.partId = changing(result, base, "LastResult/PartId", NodeIds.String, Variant.NULL_VALUE);
        nodes.verdict = changing(result, base, "LastResult/Verdict", NodeIds.String, Variant.NULL_VALUE);
        nodes.resultState = changing(result, base, "LastResult/ResultState", NodeIds.Int32, new Variant(0));
        nodes.creationTime = changing(result, base, "LastResult/CreationTime", NodeIds.DateTime, Variant.NULL_VALUE);
        nodes.anomalyScore = changing(result, base, "LastResult/AnomalyScore", NodeIds.Double, Variant.NULL_VALUE);
        nodes.defectCount = changing(result, base, "LastResult/DefectCount", NodeIds.Int32, new Variant(0));
        nodes.defects = new ChangingValueNode(variableArray(result, base, "LastResult/Defects", NodeIds.String));
        nodes.recipeId = changing(result, base, "LastResult/InternalRecipeId", NodeIds.String, Variant.NULL_VALUE);
        nodes.json = changing(result, base, "LastResult/Json", NodeIds.String, Variant.NULL_VALUE);
        LOG.info("OPC UA: station {} published as ns={};s={}", station, getNamespaceIndex(), base);
        return nodes;
    }

    /** OPC 40100-1 ResultManagement: GetResultById, GetResultListFiltered, ReleaseResultHandle and Results. */
    private void createResultManagement(UaObjectNode station, String base, StationNodes nodes) {
        String rm = base + "/ResultManagement";
        UaObjectNode management = UaObjectNode.builder(getNodeContext())
                .setNodeId(newNodeId(rm))
                .setBrowseName(types.name("ResultManagement"))
                .setDisplayName(LocalizedText.english("ResultManagement"))
                .setTypeDefinition(types.id(MachineVisionTypes.RESULT_MANAGEMENT_TYPE))
                .build();
        getNodeManager().addNode(management);
        station.addReference(new Reference(
                station.getNodeId(),
                NodeIds.HasComponent,
                management.getNodeId().expanded(),
                true));
        ResultManagementMethods methods = new ResultManagementMethods(nodes.station, types, ledger);
        method(
                management,
                rm + "/GetResultById",
                "GetResultById",
                ResultManagementMethods.getResultByIdInputs(types),
                ResultManagementMethods.getResultByIdOutputs(types),
                methods.getResultById());
        method(
                management,
                rm + "/GetResultListFiltered",
                "GetResultListFiltered",
                ResultManagementMethods.getResultListFilteredInputs(types),
                ResultManagementMethods.getResultListFilteredOutputs(types),
                methods.getResultListFiltered());
        method(
                management,
                rm + "/ReleaseResultHandle",
                "ReleaseResultHandle",
                ResultManagementMethods.releaseResultHandleInputs(types),
                ResultManagementMethods.releaseResultHandleOutputs(types),
                methods.releaseResultHandle());
        UaFolderNode results = new UaFolderNode(
                getNodeContext(), newNodeId(rm + "/Results"), types.name("Results"), LocalizedText.english("Results"));
        getNodeManager().addNode(results);
        management.addReference(new Reference(
                management.getNodeId(),
                NodeIds.HasComponent,
                results.getNodeId().expanded(),
                true));
        UaVariableNode last = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId(rm + "/Results/LastResult"))
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .setBrowseName(newQualifiedName("LastResult"))
                .setDisplayName(LocalizedText.english("LastResult"))
                .setDataType(types.id(MachineVisionTypes.RESULT_DATA_TYPE))
                .setTypeDefinition(types.id(MachineVisionTypes.RESULT_TYPE))
                .build();
        last.setValue(new DataValue(Variant.NULL_VALUE));
        getNodeManager().addNode(last);
        results.addReference(new Reference(
                results.getNodeId(), NodeIds.HasComponent, last.getNodeId().expanded(), true));
        nodes.resultData = last;
        nodes.resultComponents = resultComponents(last, rm + "/Results/LastResult");
        nodes.types = types;
    }

    /**
     * The component variables of a ResultType variable (OPC 40100-1 9.1; {@link ResultDataTypeCodec#components}): its
     * mandatory ones and the optional ones the hub fills, under the Machine Vision browse names, read-only.
     */
    private Map<String, ChangingValueNode> resultComponents(UaVariableNode result, String path) {
        Map<String, NodeId> dataTypes = new LinkedHashMap<>();
        dataTypes.put("ResultId", types.id(MachineVisionTypes.RESULT_ID_DATA_TYPE));
        dataTypes.put("CreationTime", NodeIds.UtcTime);
        dataTypes.put("IsPartial", NodeIds.Boolean);
        dataTypes.put("IsSimulated", NodeIds.Boolean);
        dataTypes.put("ResultState", types.id(MachineVisionTypes.RESULT_STATE_DATA_TYPE));
        dataTypes.put("JobId", types.id(MachineVisionTypes.JOB_ID_DATA_TYPE));
        dataTypes.put("InternalRecipeId", types.id(MachineVisionTypes.RECIPE_ID_INTERNAL_DATA_TYPE));
        dataTypes.put("InternalConfigurationId", types.id(MachineVisionTypes.CONFIGURATION_ID_DATA_TYPE));
        dataTypes.put("MeasId", types.id(MachineVisionTypes.MEAS_ID_DATA_TYPE));
        dataTypes.put("PartId", types.id(MachineVisionTypes.PART_ID_DATA_TYPE));
        dataTypes.put("ProductId", types.id(MachineVisionTypes.PRODUCT_ID_DATA_TYPE));
        dataTypes.put("ProcessingTimes", types.id(MachineVisionTypes.PROCESSING_TIMES_DATA_TYPE));
        Map<String, ChangingValueNode> components = new LinkedHashMap<>();
        for (Map.Entry<String, NodeId> e : dataTypes.entrySet()) {
            UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(newNodeId(path + "/" + e.getKey()))
                    .setAccessLevel(AccessLevel.READ_ONLY)
                    .setUserAccessLevel(AccessLevel.READ_ONLY)
                    .setBrowseName(types.name(e.getKey()))
                    .setDisplayName(LocalizedText.english(e.getKey()))
                    .setDataType(e.getValue())
                    .setTypeDefinition(NodeIds.BaseDataVariableType)
                    .build();
            node.setValue(new DataValue(Variant.NULL_VALUE));
            getNodeManager().addNode(node);
            result.addReference(new Reference(
                    result.getNodeId(), NodeIds.HasComponent, node.getNodeId().expanded(), true));
            components.put(e.getKey(), new ChangingValueNode(node));
        }
        return components;
    }

    private void method(
            UaObjectNode parent,
            String id,
            String name,
            Argument[] in,
            Argument[] out,
            MethodInvocationHandler handler) {
        UaMethodNode node = UaMethodNode.builder(getNodeContext())
                .setNodeId(newNodeId(id))
                .setBrowseName(types.name(name))
                .setDisplayName(LocalizedText.english(name))
                .build();
        node.setInputArguments(in);
        node.setOutputArguments(out);
        node.setInvocationHandler(handler);
        getNodeManager().addNode(node);
        parent.addReference(new Reference(
                parent.getNodeId(), NodeIds.HasComponent, node.getNodeId().expanded(), true));
    }

    UaFolderNode folder(UaNode parent, String base, String name) {
        UaFolderNode folder = new UaFolderNode(
                getNodeContext(), newNodeId(base + "/" + name), newQualifiedName(name), LocalizedText.english(name));
        getNodeManager().addNode(folder);
        parent.addReference(new Reference(
                parent.getNodeId(), NodeIds.Organizes, folder.getNodeId().expanded(), true));
        return folder;
    }

    UaVariableNode variable(UaNode parent, String base, String path, NodeId type, Variant initial) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                .setNodeId(newNodeId(base + "/" + path))
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .setBrowseName(newQualifiedName(name))
                .setDisplayName(LocalizedText.english(name))
                .setDataType(type)
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .build();
        node.setValue(new DataValue(initial));
        getNodeManager().addNode(node);
        parent.addReference(new Reference(
                parent.getNodeId(), NodeIds.HasComponent, node.getNodeId().expanded(), true));
        return node;
    }

    private ChangingValueNode changing(UaNode parent, String base, String path, NodeId type, Variant initial) {
        return new ChangingValueNode(variable(parent, base, path, type, initial));
    }

    private UaVariableNode variableArray(UaNode parent, String base, String path, NodeId type) {
        UaVariableNode node = variable(parent, base, path, type, new Variant(new String[0]));
        node.setValueRank(1);
        node.setArrayDimensions(new UInteger[] {UInteger.valueOf(0)});
        return node;
    }

    /**
     * Fires the station's ResultReady event. Milo builds an event node as a whole node tree, which cost more CPU
     * than the rest of the OPC UA output together (bench/README-shopfloor.md); the notifier reads the node's fields
     * synchronously in fire(), so each station keeps one event node and fills it anew for every result, under the
     * station's lock.
     */
    private void fireResultEvent(StationNodes nodes, InspectionEvent event) {
        try {
            synchronized (nodes) {
                if (nodes.resultEvent == null) {
                    nodes.resultEvent = new ResultEvent(getServer()
                            .getEventFactory()
                            .createEvent(
                                    newNodeId("Stations/" + nodes.station + "/ResultReadyEvent"),
                                    NodeIds.BaseEventType));
                    BaseEventTypeNode e = nodes.resultEvent.node;
                    e.setBrowseName(newQualifiedName("ResultReady"));
                    e.setDisplayName(LocalizedText.english("ResultReady"));
                    e.setEventType(types.resultReadyEventType());
                    e.setSourceNode(nodes.object.getNodeId());
                    e.setSourceName(nodes.station);
                    e.setReceiveTime(DateTime.NULL_VALUE);
                }
                ResultEvent e = nodes.resultEvent;
                UUID id = uuidOrRandom(event.id());
                set(
                        e.eventId,
                        ByteString.of(ByteBuffer.allocate(16)
                                .putLong(id.getMostSignificantBits())
                                .putLong(id.getLeastSignificantBits())
                                .array()));
                set(e.time, DateTime.now());
                set(e.message, LocalizedText.english(resultMessage(event)));
                set(e.severity, ushort(event.result() == InspectionEvent.Verdict.OK ? 100 : 500));
                getServer().getEventNotifier().fire(e.node);
            }
        } catch (Exception ex) {
            LOG.warn(
                    "OPC UA result event for inspection {} at station {} not fired: {}",
                    event.id(),
                    event.station(),
                    ex.getMessage());
        }
    }

    /**
     * Fires a quality alarm event (BaseEventType) from the station's object: SourceNode the station, SourceName the
     * station id, Severity 800/500/300 for HIGH/MEDIUM/LOW (100 for a clear), Message as
     * {@link #alarmMessage}. Alarms are rare: one event node per station, filled anew under the station's lock.
     */
    public void fireAlarmEvent(
            String station, String alarmId, boolean raised, String severity, String rule, String message)
            throws UaException {
        StationNodes nodes = station(station);
        synchronized (nodes) {
            if (nodes.alarmEvent == null) {
                BaseEventTypeNode node = getServer()
                        .getEventFactory()
                        .createEvent(newNodeId("Stations/" + station + "/QualityAlarmEvent"), NodeIds.BaseEventType);
                node.setBrowseName(newQualifiedName("QualityAlarm"));
                node.setDisplayName(LocalizedText.english("QualityAlarm"));
                node.setEventType(NodeIds.BaseEventType);
                node.setSourceNode(nodes.object.getNodeId());
                node.setSourceName(station);
                node.setReceiveTime(DateTime.NULL_VALUE);
                nodes.alarmEvent = new ResultEvent(node);
            }
            ResultEvent e = nodes.alarmEvent;
            UUID id = uuidOrRandom(alarmId);
            // a raise and the clear of one alarm are two events: the clear's id differs in its last bit
            set(
                    e.eventId,
                    ByteString.of(ByteBuffer.allocate(16)
                            .putLong(id.getMostSignificantBits())
                            .putLong(id.getLeastSignificantBits() ^ (raised ? 0 : 1))
                            .array()));
            set(e.time, DateTime.now());
            set(e.message, LocalizedText.english(alarmMessage(raised, rule, alarmId, message)));
            set(e.severity, ushort(raised ? alarmSeverity(severity) : 100));
            getServer().getEventNotifier().fire(e.node);
        }
    }

    /** "QualityAlarm RAISED rule=NELSON_1 id=...: <text>" (or CLEARED). */
    static String alarmMessage(boolean raised, String rule, String alarmId, String text) {
        return "QualityAlarm " + (raised ? "RAISED" : "CLEARED") + " rule=" + rule + " id=" + alarmId + ": " + text;
    }

    private static int alarmSeverity(String severity) {
        return switch (severity == null ? "" : severity) {
            case "HIGH" -> 800;
            case "MEDIUM" -> 500;
            default -> 300;
        };
    }

    private static void set(PropertyTypeNode property, Object value) {
        property.setValue(new DataValue(new Variant(value)));
    }

    /**
     * A station's reused event node and the property nodes filled per result, looked up once: Milo's setters
     * (setTime, setMessage ...) search the node's references with streams on every call, which made up 15 % of
     * all the bytes the shop-floor path allocated per result (JFR, bench/README-shopfloor.md).
     */
    static final class ResultEvent {
        final BaseEventTypeNode node;
        final PropertyTypeNode eventId;
        final PropertyTypeNode time;
        final PropertyTypeNode message;
        final PropertyTypeNode severity;

        ResultEvent(BaseEventTypeNode node) {
            this.node = node;
            this.eventId = required(node.getEventIdNode(), "EventId");
            this.time = required(node.getTimeNode(), "Time");
            this.message = required(node.getMessageNode(), "Message");
            this.severity = required(node.getSeverityNode(), "Severity");
        }

        private static PropertyTypeNode required(PropertyTypeNode p, String name) {
            if (p == null) {
                throw new IllegalStateException("BaseEventType node has no " + name + " property");
            }
            return p;
        }
    }

    /** Event message: "ResultReady station=... part=... result=NG defects=2 id=...". */
    static String resultMessage(InspectionEvent event) {
        return "ResultReady station=" + event.station() + " part=" + (event.partId() == null ? "-" : event.partId())
                + " result=" + event.result() + " defects=" + event.defects().size() + " id=" + event.id();
    }

    private static UUID uuidOrRandom(String id) {
        try {
            return UUID.fromString(id);
        } catch (RuntimeException e) {
            return UUID.randomUUID();
        }
    }

    /** The variable nodes of one station. */
    public static final class StationNodes {
        final String station;
        final UaObjectNode object;
        /** the station's ResultReady event node, filled anew for each result (guarded by this) */
        ResultEvent resultEvent;
        /** the station's quality alarm event node, filled anew for each raise and clear (guarded by this) */
        ResultEvent alarmEvent;

        VisionStateMachineNodes stateMachine;
        RecipeNodes recipes;
        /** 1:SystemState, a SystemStateDescriptionDataType (the String SystemState stays for existing clients) */
        UaVariableNode systemStateDescription;
        /** ResultManagement/Results/LastResult: the last result as a ResultDataType */
        UaVariableNode resultData;
        /** LastResult's ResultType components (ResultId, CreationTime ...), by browse name */
        Map<String, ChangingValueNode> resultComponents = Map.of();

        MachineVisionTypes types;
        UaVariableNode systemState;
        UaVariableNode currentState;
        UaVariableNode stationId;
        ChangingValueNode line;
        ChangingValueNode productionOrder;
        ChangingValueNode product;
        ChangingValueNode batch;
        ChangingValueNode shift;
        ChangingValueNode contextStatus;
        ChangingValueNode inspected;
        ChangingValueNode ok;
        ChangingValueNode ng;
        ChangingValueNode uncertain;
        ChangingValueNode resultId;
        ChangingValueNode partId;
        ChangingValueNode verdict;
        ChangingValueNode resultState;
        ChangingValueNode creationTime;
        ChangingValueNode anomalyScore;
        ChangingValueNode defectCount;
        ChangingValueNode defects;
        ChangingValueNode recipeId;
        ChangingValueNode json;
        private long inspectedCount;
        private long okCount;
        private long ngCount;
        private long uncertainCount;
        /** the SystemState last shown (both nodes are written only when it changes); null before the first */
        private SystemStateCode shownCode;

        private VisionState shownState;

        StationNodes(String station, UaObjectNode object) {
            this.station = station;
            this.object = object;
        }

        /** SystemState (String code and the 40100 structure) from the state machine and whether results came. */
        synchronized void showSystemState() {
            VisionState state = stateMachine.current();
            SystemStateCode code = SystemStateCode.of(state, inspectedCount > 0);
            if (code == shownCode && state == shownState) {
                return;
            }
            shownCode = code;
            shownState = state;
            DateTime now = DateTime.now();
            set(systemState, new Variant(code.name()), now);
            set(
                    systemStateDescription,
                    new Variant(code.describe("VisionStateMachine " + state.browseName(), types)),
                    now);
        }

        /**
         * Writes the result into the station's nodes; a node whose value did not change is not written again
         * ({@link ChangingValueNode}): per result the ResultId, counters, Json and LastResult structure change, the
         * production context, recipe and most result components mostly do not.
         */
        synchronized void update(InspectionEvent event) {
            DateTime now = DateTime.now();
            inspectedCount++;
            switch (event.result() == null ? InspectionEvent.Verdict.UNCERTAIN : event.result()) {
                case OK -> okCount++;
                case NG -> ngCount++;
                default -> uncertainCount++;
            }
            ProductionContext ctx = event.context();
            line.setText(event.line(), now);
            productionOrder.setText(ctx == null ? null : ctx.productionOrder(), now);
            product.setText(ctx == null ? null : ctx.product(), now);
            batch.setText(ctx == null ? null : ctx.batch(), now);
            shift.setText(ctx == null ? null : ctx.shift(), now);
            contextStatus.setText(
                    event.contextStatus() == null ? null : event.contextStatus().name(), now);
            resultId.setText(event.id(), now);
            partId.setText(event.partId(), now);
            verdict.setText(event.result() == null ? null : event.result().name(), now);
            if (resultState.changes(MachineVisionResult.COMPLETED)) {
                resultState.write(new Variant(MachineVisionResult.COMPLETED), now); // OPC 40100-1 1 = Completed
            }
            Instant created = event.inferenceTime() != null
                    ? event.inferenceTime()
                    : event.captureTime() != null ? event.captureTime() : Instant.now();
            if (creationTime.changes(created)) {
                creationTime.write(new Variant(new DateTime(created)), now);
            }
            Double score = event.anomalyScore();
            if (anomalyScore.changes(score)) {
                anomalyScore.write(score == null ? Variant.NULL_VALUE : new Variant(score), now);
            }
            List<Defect> found = event.defects();
            if (defectCount.changes(found.size())) {
                defectCount.write(new Variant(found.size()), now);
            }
            if (defects.changes(found)) {
                defects.write(new Variant(defectJson(found)), now);
            }
            ModelRef model = event.model();
            if (recipeId.changes(model)) {
                recipeId.write(text(model == null ? null : model.name() + ":" + model.version()), now);
            }
            String eventJson = EventJsonMemo.text(event);
            json.setText(eventJson, now);
            if (resultData != null) {
                MachineVisionResult result = MachineVisionResult.of(event, eventJson, false);
                set(resultData, new Variant(ResultDataTypeCodec.encode(result, types)), now);
                showComponents(result, model, now);
            }
            inspected.set(inspectedCount, new Variant(ulong(inspectedCount)), now);
            ok.set(okCount, new Variant(ulong(okCount)), now);
            ng.set(ngCount, new Variant(ulong(ngCount)), now);
            uncertain.set(uncertainCount, new Variant(ulong(uncertainCount)), now);
        }

        /** The LastResult components, each encoded and written only when what it is made from changed. */
        private void showComponents(MachineVisionResult r, ModelRef model, DateTime now) {
            component("ResultId", r.resultId(), r, now);
            component("CreationTime", r.creationTime(), r, now);
            component("IsPartial", Boolean.FALSE, r, now);
            component("IsSimulated", r.isSimulated(), r, now);
            component("ResultState", r.resultState(), r, now);
            component("JobId", r.jobId(), r, now);
            // recipe id, version and hash all come from the model
            component("InternalRecipeId", model, r, now);
            component("InternalConfigurationId", r.configurationId(), r, now);
            component("MeasId", r.measId(), r, now);
            component("PartId", r.partId(), r, now);
            component("ProductId", r.productId(), r, now);
            component(
                    "ProcessingTimes",
                    Arrays.asList(r.startTime(), r.endTime(), r.acquisitionMs(), r.processingMs()),
                    r,
                    now);
        }

        private void component(String name, Object key, MachineVisionResult r, DateTime now) {
            ChangingValueNode node = resultComponents.get(name);
            if (node != null && node.changes(key)) {
                node.write(ResultDataTypeCodec.component(name, r, types), now);
            }
        }

        private static String[] defectJson(List<Defect> found) {
            String[] json = new String[found.size()];
            for (int i = 0; i < json.length; i++) {
                Defect d = found.get(i);
                try {
                    json[i] = DEFECT_WRITER.writeValueAsString(d);
                } catch (Exception e) {
                    json[i] = d.defectClass();
                }
            }
            return json;
        }

        private static Variant text(String s) {
            return s == null ? Variant.NULL_VALUE : new Variant(s);
        }

        private static void set(UaVariableNode node, Variant v, DateTime time) {
            node.setValue(new DataValue(v, StatusCode.GOOD, time, time));
        }

        public long inspected() {
            return inspectedCount;
        }

        /** Sets the counters to what the ledger holds for the station (at start, so a restart does not zero them). */
        synchronized void seedCounters(long okSeed, long ngSeed, long uncertainSeed) {
            DateTime now = DateTime.now();
            okCount = okSeed;
            ngCount = ngSeed;
            uncertainCount = uncertainSeed;
            inspectedCount = okSeed + ngSeed + uncertainSeed;
            inspected.set(inspectedCount, new Variant(ulong(inspectedCount)), now);
            ok.set(okCount, new Variant(ulong(okCount)), now);
            ng.set(ngCount, new Variant(ulong(ngCount)), now);
            uncertain.set(uncertainCount, new Variant(ulong(uncertainCount)), now);
        }
    }
}
