package io.visionhub.outputs.opcua;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad server configuration stops the start with a message naming the key to fix. */
class OpcUaServerConfigErrorsTest {

    @TempDir
    Path dir;

    private OpcUaServerProperties props() {
        OpcUaServerProperties props = new OpcUaServerProperties();
        props.setPort(0);
        props.setBindAddress("127.0.0.1");
        props.setPkiDir(dir.toString());
        props.setAllowAnonymous(true);
        return props;
    }

    @Test
    void unknownSecurityPolicyIsNamed() {
        OpcUaServerProperties props = props();
        props.setSecurityPolicies(List.of("Basic128Rsa15"));
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start())
                .hasMessageContaining("unknown OPC UA security policy 'Basic128Rsa15'");
    }

    @Test
    void noneInThePolicyListPointsToTheExplicitSwitch() {
        OpcUaServerProperties props = props();
        props.setSecurityPolicies(List.of("None"));
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start())
                .hasMessageContaining("visionhub.opcua.allow-security-none");
    }

    @Test
    void aServerNobodyCanLogInToIsRefused() {
        OpcUaServerProperties props = props();
        props.setAllowAnonymous(false);
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start()).hasMessageContaining("nobody could log in");
    }

    @Test
    void takenPortMovesToTheNextFreeOne() throws Exception {
        try (java.net.ServerSocket holder = new java.net.ServerSocket()) {
            holder.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0));
            OpcUaServerProperties props = props();
            props.setAllowSecurityNone(true);
            props.setPort(holder.getLocalPort());
            HubOpcUaServer server = new HubOpcUaServer(props, "s");
            try {
                server.start();
                org.assertj.core.api.Assertions.assertThat(server.port()).isGreaterThan(holder.getLocalPort());
                org.assertj.core.api.Assertions.assertThat(server.endpointUrl()).endsWith(":" + server.port() + "/visionhub");
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void noEndpointAtAllIsRefused() {
        OpcUaServerProperties props = props();
        props.setSecurityPolicies(List.of());
        assertThatThrownBy(() -> new HubOpcUaServer(props, "s").start()).hasMessageContaining("no endpoint to offer");
    }
}
