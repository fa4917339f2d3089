package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** Health "opcua": the bound endpoint and the open sessions while the server runs, DOWN once it stopped. */
class OpcUaHealthIndicatorTest {

    @TempDir
    Path dir;

    @Test
    void runningServerShowsItsEndpointAndSessionsAndAStoppedOneIsDown() throws Exception {
        OpcUaServerProperties props = OpcUaServerProperties.defaults()
                .withListen("127.0.0.1", 0)
                .withAllowSecurityNone(true)
                .withAllowAnonymous(true)
                .withPkiDir(dir.resolve("pki").toString());
        HubOpcUaServer server = new HubOpcUaServer(props, "site-a");
        OpcUaHealthIndicator health = new OpcUaHealthIndicator(server);
        server.start();
        try {
            Health idle = health.health();
            assertThat(idle.getStatus()).isEqualTo(Status.UP);
            assertThat(idle.getDetails())
                    .containsEntry("endpointUrl", server.endpointUrl())
                    .containsEntry("sessions", 0L);
            assertThat((List<?>) idle.getDetails().get("boundEndpoints"))
                    .isNotEmpty()
                    .anySatisfy(e -> assertThat(e.toString()).contains(":" + server.port()));

            OpcUaClient client = OpcUaClient.create(
                    server.endpointUrl(),
                    endpoints -> endpoints.stream()
                            .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri()))
                            .findFirst(),
                    transport -> {},
                    config -> config.setIdentityProvider(new AnonymousProvider()));
            client.connect();
            try {
                assertThat(health.health().getDetails()).containsEntry("sessions", 1L);
            } finally {
                client.disconnect();
            }
        } finally {
            server.stop();
        }
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }
}
