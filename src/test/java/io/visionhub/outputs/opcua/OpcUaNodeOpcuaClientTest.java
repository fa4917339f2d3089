package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent client from another stack (node-opcua, src/test/node) browses, reads and receives a result event
 * over Basic256Sha256 SignAndEncrypt with a username; its certificate is first refused, found in rejected/certs and
 * trusted, as an operator would.
 */
class OpcUaNodeOpcuaClientTest {

    @TempDir
    Path dir;

    HubOpcUaServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void nodeOpcuaClientBrowsesReadsAndReceivesTheResultEventWithSecurityOn() throws Exception {
        OpcUaTestClients.assumeNodeOpcuaInstalled();
        OpcUaServerProperties props = OpcUaTestClients.secureServer(dir.resolve("pki"), "pw-node");
        server = new HubOpcUaServer(props, "site-n");
        server.start();

        List<String> first = runNodeClient(null);
        assertThat(first).anyMatch(l -> l.startsWith("REJECTED"));
        Path rejected = server.pkiDir().resolve("rejected").resolve("certs");
        Path trusted =
                Files.createDirectories(server.pkiDir().resolve("trusted").resolve("certs"));
        try (Stream<Path> files = Files.list(rejected)) {
            for (Path f : files.toList()) {
                Files.move(f, trusted.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }

        InspectionEvent event = TestEvents.event("station-1", "PART-NODE", InspectionEvent.Verdict.NG);
        List<String> lines = runNodeClient(() -> new OpcUaResultPublisher(server).publish(event));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("BROWSE")
                        .contains("LastResult")
                        .contains("Counters"));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).startsWith("EVENT station-1").contains("part=PART-NODE"));
        assertThat(lines).contains("READ PART-NODE");
    }

    /** Runs the node client; when it says READY, runs the action. Returns its output lines. */
    private List<String> runNodeClient(Runnable onReady) throws Exception {
        return OpcUaTestClients.runNodeClient(
                onReady,
                "opcua-client.js",
                server.endpointUrl(),
                "scada",
                "pw-node",
                dir.resolve("node-pki").toAbsolutePath().toString(),
                "station-1");
    }
}
