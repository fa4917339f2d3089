package io.visionhub.outputs.opcua.station;

import io.visionhub.outputs.opcua.HubOpcUaServer;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code opcua-station:} component: writes inspection results into a station's nodes on the hub's own OPC UA
 * server ({@link HubOpcUaServer}, Eclipse Milo SDK). Not camel-milo's {@code milo-server:}, whose server has no
 * security per endpoint, no trust list and no typed nodes (docs/opcua.md).
 */
@Component("opcua-station")
public class OpcUaStationComponent extends DefaultComponent {

    @Metadata(
            description = "The hub's OPC UA server; looked up in the registry by type when not set. Without one "
                    + "(visionhub.opcua.enabled=false) the endpoints pass events through",
            autowired = true)
    private HubOpcUaServer server;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("opcua-station endpoint " + uri + " needs a station id: "
                    + "opcua-station:<station> (a route shared by stations: toD opcua-station:${body.station})");
        }
        OpcUaStationEndpoint endpoint = new OpcUaStationEndpoint(uri, this);
        endpoint.setStation(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (server == null) {
            // the Spring bean is made (and the counters seeded from the ledger) before Camel starts routes
            server = getCamelContext().getRegistry().findSingleByType(HubOpcUaServer.class);
        }
    }

    public HubOpcUaServer getServer() {
        return server;
    }

    public void setServer(HubOpcUaServer server) {
        this.server = server;
    }
}
