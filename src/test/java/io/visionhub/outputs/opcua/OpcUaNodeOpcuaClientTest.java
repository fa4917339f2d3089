package io.visionhub.outputs.opcua;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An independent client from another stack (node-opcua, src/test/node) browses, reads and receives a result event
 * over Basic256Sha256 SignAndEncrypt with a username; its certificate is first refused, found in rejected/certs and
 * trusted, as an operator would.
 */
class OpcUaNodeOpcuaClientTest {

    static final Path NODE_DIR = Path.of("src/test/node");

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
        Assumptions.assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/node-opcua")),
                "node-opcua not installed: run `npm install` in src/test/node (CI does)");
        OpcUaServerProperties props = new OpcUaServerProperties();
        props.setPort(0);
        props.setBindAddress("127.0.0.1");
        OpcUaServerProperties.User user = new OpcUaServerProperties.User();
        user.setUsername("scada");
        user.setPassword("pw-node");
        props.setUsers(List.of(user));
        props.setPkiDir(dir.resolve("pki").toString());
        props.setStations(List.of("station-1"));
        server = new HubOpcUaServer(props, "site-n");
        server.start();

        List<String> first = runNodeClient(null);
        assertThat(first).anyMatch(l -> l.startsWith("REJECTED"));
        Path rejected = server.pkiDir().resolve("rejected").resolve("certs");
        Path trusted = Files.createDirectories(server.pkiDir().resolve("trusted").resolve("certs"));
        try (Stream<Path> files = Files.list(rejected)) {
            for (Path f : files.toList()) {
                Files.move(f, trusted.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }

        InspectionEvent event = TestEvents.event("station-1", "PART-NODE", InspectionEvent.Verdict.NG);
        List<String> lines = runNodeClient(() -> new OpcUaResultPublisher(server).publish(event));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("BROWSE").contains("LastResult").contains("Counters"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("EVENT station-1").contains("part=PART-NODE"));
        assertThat(lines).contains("READ PART-NODE");
    }

    /** Runs the node client; when it says READY, runs the action. Returns its output lines. */
    private List<String> runNodeClient(Runnable onReady) throws Exception {
        Process p = new ProcessBuilder("node", "opcua-client.js", server.endpointUrl(), "scada", "pw-node",
                dir.resolve("node-pki").toAbsolutePath().toString(), "station-1")
                .directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if ("READY".equals(line) && onReady != null) {
                    onReady.run();
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return lines;
    }
}
