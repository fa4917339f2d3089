package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad server configuration stops the start with a message naming the key to fix. */
class OpcUaServerConfigErrorsTest {

    @TempDir
    Path dir;

    private OpcUaServerProperties props() {
        return OpcUaServerProperties.defaults()
                .withListen("127.0.0.1", 0)
                .withPkiDir(dir.toString())
                .withAllowAnonymous(true);
    }

    @Test
    void unknownSecurityPolicyIsNamed() {
        OpcUaServerProperties props = props().withSecurityPolicies(List.of("Basic128Rsa15"));
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start())
                .hasMessageContaining("unknown OPC UA security policy 'Basic128Rsa15'");
    }

    @Test
    void noneInThePolicyListPointsToTheExplicitSwitch() {
        OpcUaServerProperties props = props().withSecurityPolicies(List.of("None"));
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start())
                .hasMessageContaining("visionhub.opcua.allow-security-none");
    }

    @Test
    void unknownUserRoleIsNamed() {
        OpcUaServerProperties props =
                props().withUsers(List.of(new OpcUaServerProperties.User("quality", "secret", List.of("QUALTY"))));
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start())
                .hasMessageContaining("user 'quality' has unknown role 'QUALTY'")
                .hasMessageContaining("QUALITY");
    }

    @Test
    void aServerNobodyCanLogInToIsRefused() {
        OpcUaServerProperties props = props().withAllowAnonymous(false);
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start()).hasMessageContaining("nobody could log in");
    }

    @Test
    void takenPortMovesToTheNextFreeOne() throws Exception {
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            OpcUaServerProperties props = props().withAllowSecurityNone(true).withPort(holder.getLocalPort());
            HubOpcUaServer server = new HubOpcUaServer(props, "s");
            try {
                server.start();
                Assertions.assertThat(server.port()).isGreaterThan(holder.getLocalPort());
                Assertions.assertThat(server.endpointUrl()).endsWith(":" + server.port() + "/visionhub");
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void noEndpointAtAllIsRefused() {
        OpcUaServerProperties props = props().withSecurityPolicies(List.of());
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start()).hasMessageContaining("no endpoint to offer");
    }

    @Test
    void portOutOfRangeIsNamed() {
        assertThatThrownBy(() -> OpcUaServerProperties.defaults().withPort(70000))
                .hasMessageContaining("visionhub.opcua.port")
                .hasMessageContaining("70000");
    }
}
