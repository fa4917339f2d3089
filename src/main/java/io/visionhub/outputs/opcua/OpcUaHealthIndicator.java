package io.visionhub.outputs.opcua;

import java.util.List;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health "opcua" (/actuator/health): UP while the hub's OPC UA server runs, with its endpoint URL, the
 * bound address and port, the endpoints offered (URL and security) and the open client sessions; DOWN when it
 * is not running (stopped, or failed to start). Not present when visionhub.opcua.enabled=false.
 */
public class OpcUaHealthIndicator extends AbstractHealthIndicator {

    private final HubOpcUaServer hub;

    public OpcUaHealthIndicator(HubOpcUaServer hub) {
        super("OPC UA health check failed");
        this.hub = hub;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        OpcUaServer server = hub.server();
        if (server == null) {
            builder.down()
                    .withDetail(
                            "problem",
                            "the OPC UA server is not running; see the start-up log " + "(visionhub.opcua.*)");
            return;
        }
        List<String> endpoints = server.getBoundEndpoints().stream()
                .map(OpcUaHealthIndicator::describe)
                .distinct()
                .toList();
        builder.up()
                .withDetail("endpointUrl", hub.endpointUrl())
                .withDetail("port", hub.port())
                .withDetail("boundEndpoints", endpoints)
                .withDetail(
                        "sessions",
                        server.getSessionManager().getCurrentSessionCount().longValue());
    }

    private static String describe(EndpointConfig e) {
        return e.getEndpointUrl() + " (bound " + e.getBindAddress() + ":" + e.getBindPort() + ", "
                + e.getSecurityPolicy().name() + " " + e.getSecurityMode() + ")";
    }
}
