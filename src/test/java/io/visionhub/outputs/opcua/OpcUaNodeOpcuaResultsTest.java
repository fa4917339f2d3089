package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An independent client from another stack (node-opcua, src/test/node/opcua-results.js) finds ResultManagement by
 * the OPC 40100-1 browse names, builds a ResultIdDataType from the server's DataTypeDefinition, calls GetResultById
 * for a part recorded in the ledger and decodes the ResultDataType from the DataTypeDefinitions alone; its fields
 * match the ledger's record.
 */
class OpcUaNodeOpcuaResultsTest {

    @TempDir
    Path dir;

    HubOpcUaServer server;
    LedgerFixture ledger;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        if (ledger != null) {
            ledger.close();
        }
    }

    @Test
    void nodeOpcuaClientGetsTheLedgersRecordByGetResultById() throws Exception {
        OpcUaTestClients.assumeNodeOpcuaInstalled();
        ledger = new LedgerFixture(dir.resolve("ledger"));
        InspectionEvent event = TestEvents.event("station-1", "PART-NODE-7", InspectionEvent.Verdict.NG);
        ledger.ledger.append(event, List.of());
        // the record as the ledger holds it, read back from the table
        JsonNode stored = EventJson.mapper()
                .readTree(new JdbcTemplate(ledger.ds)
                        .queryForObject(
                                "SELECT event_json FROM inspection_event WHERE part_id = ?",
                                String.class,
                                "PART-NODE-7"));
        String id = stored.get("id").asText();

        OpcUaServerProperties props = OpcUaTestClients.demoServer(dir.resolve("pki"), "station-1");
        server = new HubOpcUaServer(props, "site-n");
        LedgerResultSource source = new LedgerResultSource(ledger.ds);
        server.setResultSource(() -> source);
        server.start();
        // the same record as the station's last published result (ResultManagement/Results/LastResult)
        new OpcUaResultPublisher(server).publish(EventJson.fromJson(stored.toString()));

        List<String> lines = runNodeClient(id);
        lines.forEach(l -> System.out.println("node-opcua: " + l));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("BROWSE")
                        .contains("GetResultById")
                        .contains("GetResultListFiltered")
                        .contains("ReleaseResultHandle")
                        .contains("Results"));
        assertThat(lines).contains("ERROR 0");
        // LastResult's ResultType components as node-opcua decodes them: ResultIdDataType, PartIdDataType, Int32
        JsonNode last = EventJson.mapper()
                .readTree(lines.stream()
                        .filter(l -> l.startsWith("LASTRESULT "))
                        .findFirst()
                        .orElseThrow()
                        .substring("LASTRESULT ".length()));
        assertThat(last.at("/0/id").asText()).isEqualTo(id);
        assertThat(last.at("/1/id").asText()).isEqualTo("PART-NODE-7");
        assertThat(last.at("/2").asInt()).isEqualTo(MachineVisionResult.COMPLETED);
        String json = lines.stream()
                .filter(l -> l.startsWith("RESULT "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line from node-opcua: " + lines))
                .substring(7);
        JsonNode r = EventJson.mapper().readTree(json);
        assertThat(r.at("/resultId/id").asText()).isEqualTo(id);
        assertThat(r.at("/measId/id").asText()).isEqualTo(id);
        assertThat(r.at("/jobId/id").asText()).isEqualTo(id);
        assertThat(r.at("/partId/id").asText()).isEqualTo(stored.get("partId").asText());
        assertThat(r.at("/productId/id").asText())
                .isEqualTo(stored.at("/context/product").asText());
        assertThat(r.at("/resultState").asInt()).isEqualTo(1);
        assertThat(r.at("/isPartial").asBoolean()).isFalse();
        assertThat(r.at("/isSimulated").asBoolean()).isFalse();
        assertThat(r.at("/internalRecipeId/id").asText())
                .isEqualTo(stored.at("/model/name").asText());
        assertThat(r.at("/internalRecipeId/version").asText())
                .isEqualTo(stored.at("/model/version").asText());
        assertThat(r.at("/internalRecipeId/hashAlgorithm").asText()).isEqualTo("SHA-256");
        assertThat(r.at("/internalConfigurationId/id").asText()).isEqualTo("station-1");
        assertThat(millisBetween(
                        r.at("/creationTime").asText(),
                        stored.get("inferenceTime").asText()))
                .isLessThan(1);
        assertThat(millisBetween(
                        r.at("/processingTimes/startTime").asText(),
                        stored.get("captureTime").asText()))
                .isLessThan(1);
        assertThat(r.at("/processingTimes/processingDuration").asDouble())
                .isEqualTo(stored.at("/latency/totalMs").asDouble());
        // SystemState as SystemStateDescriptionDataType: PRD (a station without a camera route is Operational with
        // its first result, the one published above)
        String state = lines.stream()
                .filter(l -> l.startsWith("SYSTEMSTATE "))
                .findFirst()
                .orElseThrow()
                .substring(12);
        assertThat(EventJson.mapper().readTree(state).at("/state").asInt()).isEqualTo(SystemStateCode.PRD.value());
        JsonNode content = r.at("/resultContent");
        assertThat(content.toString()).contains("NG");
        assertThat(content.toString()).contains(id);
    }

    private static long millisBetween(String a, String b) {
        return Math.abs(Duration.between(Instant.parse(a), Instant.parse(b)).toMillis());
    }

    private List<String> runNodeClient(String resultId) throws Exception {
        return OpcUaTestClients.runNodeClient(null, "opcua-results.js", server.endpointUrl(), "station-1", resultId);
    }
}
