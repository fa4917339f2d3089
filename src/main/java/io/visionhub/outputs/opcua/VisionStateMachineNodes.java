package io.visionhub.outputs.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A station's VisionStateMachine (OPC 40100-1 VisionStateMachineType, a FiniteStateMachineType): CurrentState with
 * its Id (the NodeSet's state node) and Number, LastTransition with its Id. Starts Preoperational; moves to the
 * state derived from the station's camera route ({@link VisionState#of}) and to Operational on its first result.
 * Where the specification has no direct transition (Halted/Error → Operational) it passes through Preoperational.
 */
final class VisionStateMachineNodes {

    private static final Logger LOG = LoggerFactory.getLogger(VisionStateMachineNodes.class);
    private final StationNamespace ns;
    private final MachineVisionTypes types;
    private final String station;
    private final UaVariableNode currentState;
    private final UaVariableNode currentStateId;
    private final UaVariableNode currentStateNumber;
    private final UaVariableNode lastTransition;
    private final UaVariableNode lastTransitionId;
    private VisionState current = VisionState.PREOPERATIONAL;

    VisionStateMachineNodes(StationNamespace ns, MachineVisionTypes types, UaObjectNode stationObject, String base) {
        this.ns = ns;
        this.types = types;
        this.station = stationObject.getBrowseName().name();
        String sm = base + "/VisionStateMachine";
        UaObjectNode machine = UaObjectNode.builder(ns.context())
                .setNodeId(ns.id(sm))
                .setBrowseName(types.name("VisionStateMachine"))
                .setDisplayName(LocalizedText.english("VisionStateMachine"))
                .setTypeDefinition(types.id(MachineVisionTypes.VISION_STATE_MACHINE_TYPE))
                .build();
        ns.context().getNodeManager().addNode(machine);
        stationObject.addReference(new Reference(
                stationObject.getNodeId(),
                NodeIds.HasComponent,
                machine.getNodeId().expanded(),
                true));
        currentState = variable(
                machine,
                sm + "/CurrentState",
                "CurrentState",
                NodeIds.LocalizedText,
                NodeIds.FiniteStateVariableType,
                NodeIds.HasComponent);
        currentStateId = variable(
                currentState, sm + "/CurrentState/Id", "Id", NodeIds.NodeId, NodeIds.PropertyType, NodeIds.HasProperty);
        currentStateNumber = variable(
                currentState,
                sm + "/CurrentState/Number",
                "Number",
                NodeIds.UInt32,
                NodeIds.PropertyType,
                NodeIds.HasProperty);
        lastTransition = variable(
                machine,
                sm + "/LastTransition",
                "LastTransition",
                NodeIds.LocalizedText,
                NodeIds.FiniteTransitionVariableType,
                NodeIds.HasComponent);
        lastTransitionId = variable(
                lastTransition,
                sm + "/LastTransition/Id",
                "Id",
                NodeIds.NodeId,
                NodeIds.PropertyType,
                NodeIds.HasProperty);
        show(current, null);
    }

    UaVariableNode currentState() {
        return currentState;
    }

    synchronized VisionState current() {
        return current;
    }

    /** A result arrived: the station inspects, so a station still Preoperational becomes Operational. */
    synchronized void resultArrived() {
        if (current == VisionState.PREOPERATIONAL) {
            moveTo(VisionState.OPERATIONAL);
        }
    }

    synchronized void moveTo(VisionState target) {
        if (target == null || target == current) {
            return;
        }
        VisionState.Transition t = VisionState.Transition.between(current, target);
        if (t == null) {
            moveTo(VisionState.PREOPERATIONAL);
            t = VisionState.Transition.between(current, target);
        }
        LOG.info("OPC UA station {}: VisionStateMachine {} -> {}", station, current.browseName(), target.browseName());
        current = target;
        show(target, t);
    }

    private void show(VisionState state, VisionState.Transition t) {
        DateTime now = DateTime.now();
        set(currentState, new Variant(LocalizedText.english(state.browseName())), now);
        set(currentStateId, new Variant(types.id(state.nodeNumber())), now);
        set(currentStateNumber, new Variant(uint(state.stateNumber())), now);
        if (t != null) {
            set(lastTransition, new Variant(LocalizedText.english(t.name())), now);
            set(lastTransitionId, new Variant(types.id(t.nodeNumber())), now);
        }
    }

    private static void set(UaVariableNode node, Variant v, DateTime time) {
        node.setValue(new DataValue(v, StatusCode.GOOD, time, time));
    }

    private UaVariableNode variable(
            UaNode parent, String id, String name, NodeId dataType, NodeId typeDefinition, NodeId reference) {
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(ns.context())
                .setNodeId(ns.id(id))
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .setBrowseName(new QualifiedName(0, name))
                .setDisplayName(LocalizedText.english(name))
                .setDataType(dataType)
                .setTypeDefinition(typeDefinition)
                .build();
        node.setValue(new DataValue(Variant.NULL_VALUE));
        ns.context().getNodeManager().addNode(node);
        parent.addReference(
                new Reference(parent.getNodeId(), reference, node.getNodeId().expanded(), true));
        return node;
    }
}
