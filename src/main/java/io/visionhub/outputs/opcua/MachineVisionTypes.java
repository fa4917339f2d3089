package io.visionhub.outputs.opcua;

import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectTypeNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;

import java.util.List;

/**
 * The part of the OPC UA Machine Vision companion specification (OPC 40100-1, namespace
 * http://opcfoundation.org/UA/MachineVision, NodeSet 1.0.0) the hub mirrors: the object and event types its
 * station objects and result events are typed with, under the specification's numeric node ids.
 * The full NodeSet (methods, state machines, data types) is not loaded; docs/opcua.md lists what is covered.
 */
public class MachineVisionTypes extends ManagedNamespaceWithLifecycle {

    public static final String NAMESPACE_URI = "http://opcfoundation.org/UA/MachineVision";
    /** Node ids of OPC 40100-1 (Opc.Ua.MachineVision.NodeIds.csv). */
    public static final long VISION_SYSTEM_TYPE = 1003;
    public static final long VISION_EVENT_TYPE = 1015;
    public static final long RESULT_READY_EVENT_TYPE = 1024;

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

    private void createTypes() {
        objectType(VISION_SYSTEM_TYPE, "VisionSystemType", NodeIds.BaseObjectType, false);
        objectType(VISION_EVENT_TYPE, "VisionEventType", NodeIds.BaseEventType, true);
        objectType(RESULT_READY_EVENT_TYPE, "ResultReadyEventType", newNodeId(VISION_EVENT_TYPE), false);
    }

    private void objectType(long id, String name, NodeId superType, boolean isAbstract) {
        UaObjectTypeNode node = UaObjectTypeNode.builder(getNodeContext())
                .setNodeId(newNodeId(id))
                .setBrowseName(new QualifiedName(getNamespaceIndex(), name))
                .setDisplayName(LocalizedText.english(name))
                .setIsAbstract(isAbstract)
                .build();
        node.addReference(new Reference(node.getNodeId(), NodeIds.HasSubtype, superType.expanded(), false));
        getNodeManager().addNode(node);
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
    }
}
