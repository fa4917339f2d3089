package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.enterprise.outbox.OutboxTestDb;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Path;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** A restart does not zero the station counters: they start from the ledger's inspection counts. */
class OpcUaLedgerCountersTest {

    @TempDir
    Path dir;

    @Test
    void countersStartFromTheLedgerAndKeepCounting() throws Exception {
        OutboxTestDb db = OutboxTestDb.inMemory();
        JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
        String[][] rows = {
            {"station-1", "OK"},
            {"station-1", "OK"},
            {"station-1", "OK"},
            {"station-1", "NG"},
            {"station-1", "UNCERTAIN"},
            {"station-2", "NG"}
        };
        long seq = 1;
        for (String[] r : rows) {
            jdbc.update(
                    "INSERT INTO inspection (id, ledger_seq, station, line, result, event_json) VALUES (?,?,?,?,?,?)",
                    java.util.UUID.randomUUID().toString(),
                    seq++,
                    r[0],
                    "line-1",
                    r[1],
                    "{}");
        }
        OpcUaServerProperties props = OpcUaServerProperties.defaults()
                .withListen("127.0.0.1", 0)
                .withAllowSecurityNone(true)
                .withAllowAnonymous(true)
                .withPkiDir(dir.resolve("pki").toString());
        HubOpcUaServer server = new HubOpcUaServer(props, "site-a");
        server.start();
        try {
            assertThat(new OpcUaLedgerCounters(server, jdbc).seed()).isEqualTo(2);
            StationNamespace.StationNodes s1 = server.namespace().station("station-1");
            assertThat(value(s1.inspected)).isEqualTo(5);
            assertThat(value(s1.ok)).isEqualTo(3);
            assertThat(value(s1.ng)).isEqualTo(1);
            assertThat(value(s1.uncertain)).isEqualTo(1);
            assertThat(value(server.namespace().station("station-2").ng)).isEqualTo(1);

            new OpcUaResultPublisher(server).publish(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK));
            assertThat(value(s1.inspected)).isEqualTo(6);
            assertThat(value(s1.ok)).isEqualTo(4);
        } finally {
            server.stop();
        }
    }

    private static long value(ChangingValueNode counter) {
        return ((ULong) counter.node.getValue().getValue().getValue()).longValue();
    }
}
