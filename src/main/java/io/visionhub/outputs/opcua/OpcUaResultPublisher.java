package io.visionhub.outputs.opcua;

import io.visionhub.event.InspectionEvent;
import org.apache.camel.Body;
import org.apache.camel.Handler;

/**
 * Writes each result (for Java callers such as the shop-floor bench; routes use {@code opcua-station:<station>}) into its station's nodes on the hub's OPC UA
 * server and fires a result event. Takes and returns the event.
 */
public class OpcUaResultPublisher {

    private final HubOpcUaServer server;

    public OpcUaResultPublisher(HubOpcUaServer server) {
        this.server = server;
    }

    @Handler
    public InspectionEvent publish(@Body InspectionEvent event) {
        if (server == null) {
            return event;
        }
        if (event == null) {
            throw new IllegalArgumentException("opcUaResultPublisher needs an InspectionEvent body, got none");
        }
        if (event.station() == null || event.station().isBlank()) {
            throw new IllegalArgumentException(
                    "inspection event " + event.id() + " has no station: no OPC UA node to update");
        }
        StationNamespace ns = server.namespace();
        if (ns != null) {
            ns.publish(event);
        }
        return event;
    }
}
