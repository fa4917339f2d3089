package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.api.HubHttpClient;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.cli.LedgerCommandRunner;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole hub on a ledger database from which one record was deleted below the append-only triggers (issue 13):
 * the hub starts (it did not), its health names the problem, {@code GET /api/ledger/verify} and the ledger command
 * name the missing record, and an inspection through the demo route is refused by the ledger and kept in
 * {@code visionhub.failed-dir}, never published or lost.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("isolated")
@DirtiesContext
class LedgerReadOnlyHubTest {

    private static final Path DIR = tempDir();
    private static final String DB_URL = "jdbc:h2:file:" + DIR.resolve("db/visionhub")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
    private static final int RECORDS = 12;

    @DynamicPropertySource
    static void damagedLedger(DynamicPropertyRegistry r) {
        LedgerProperties props = LedgerTestSupport.props(DIR);
        writeAndDamage(props);
        r.add("spring.datasource.url", () -> DB_URL);
        r.add("visionhub.ledger.heads.keystore", () -> props.heads().keystore());
        r.add("visionhub.ledger.heads.keystore-password", () -> props.heads().keystorePassword());
        r.add("visionhub.ledger.heads.file", () -> props.heads().file());
        r.add("visionhub.routes.dir", () -> "routes");
        r.add("visionhub.failed-dir", () -> DIR.resolve("failed").toString());
    }

    /** A ledger of 12 inspections, signed, then record 5 deleted by someone who disabled the triggers. */
    static void writeAndDamage(LedgerProperties props) {
        try (HikariDataSource ds = LedgerTestSupport.dataSource(DB_URL, "sa", "", null)) {
            JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
            for (int i = 0; i < RECORDS; i++) {
                ledger.append(LedgerTestSupport.event(), List.of());
            }
            ledger.signNow();
            ledger.close();
            LedgerTestSupport.removeProtection(ds);
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            String id = jdbc.queryForObject("SELECT id FROM inspection WHERE ledger_seq = 5", String.class);
            jdbc.update("DELETE FROM inspection_defect WHERE inspection_id = ?", id);
            jdbc.update("DELETE FROM inspection WHERE id = ?", id);
            jdbc.update("DELETE FROM ledger_leaf WHERE seq = 5");
        }
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("visionhub-readonly-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    DataSource dataSource;

    final HubHttpClient hub = new HubHttpClient(() -> port);

    @Test
    void theHubStartsReadOnlyNamesTheDeletedRecordAndKeepsRefusedInspections() throws Exception {
        // health: the ledger is DOWN (503), read-only, with the sequence number and what to do (details for a
        // logged-in caller only)
        HttpResponse<String> health = hub.sendAs("GET", "/actuator/health", null, "operator");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
        JsonNode ledger =
                EventJson.mapper().readTree(health.body()).path("components").path("ledger");
        assertThat(ledger.path("status").asText()).as(health.body()).isEqualTo("DOWN");
        assertThat(ledger.path("details").path("mode").asText()).isEqualTo("read-only");
        assertThat(ledger.path("details").path("problem").asText()).isEqualTo("DELETED");
        assertThat(ledger.path("details").path("seq").asLong()).isEqualTo(5);
        assertThat(ledger.path("details").path("reason").asText()).contains("no record 5");
        assertThat(ledger.path("details").path("action").asText()).contains("/api/ledger/verify", "backup");

        // verification through the REST API names the missing record
        HttpResponse<String> verify = hub.sendAs("GET", "/api/ledger/verify", null, "auditor");
        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
        JsonNode report = EventJson.mapper().readTree(verify.body());
        assertThat(report.path("ok").asBoolean()).isFalse();
        assertThat(report.path("findings").get(0).path("kind").asText()).isEqualTo("DELETED");
        assertThat(report.path("findings").get(0).path("seq").asLong()).isEqualTo(5);

        // an inspection through the route: refused by the ledger, kept as JSON in the failed folder, not recorded
        InspectionEvent event = LedgerTestSupport.event();
        producer.sendBody("direct:inspection", event);
        Path kept = DIR.resolve("failed").resolve(event.id() + ".json");
        assertThat(kept).exists();
        assertThat(EventJson.mapper().readTree(kept.toFile()).path("id").asText())
                .isEqualTo(event.id());
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject("SELECT COUNT(*) FROM inspection WHERE id = ?", Long.class, event.id()))
                .isZero();

        // a signature cannot be recorded either: 503 naming the read-only ledger
        String target = new JdbcTemplate(dataSource)
                .queryForObject("SELECT id FROM inspection WHERE ledger_seq = 3", String.class);
        String sign = "{\"targetType\":\"INSPECTION\",\"targetId\":\"" + target + "\",\"disposition\":\"REJECT\","
                + "\"reason\":\"crack\",\"meaning\":\"APPROVED\","
                + "\"password\":\"quality-demo\"}";
        HttpResponse<String> signed = hub.sendAs("POST", "/api/ledger/dispositions", sign, "quality");
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(503);
        assertThat(signed.body()).contains("read-only", "DELETED seq 5");

        // the ledger command names it too
        LedgerCommandRunner.Run run = LedgerCommandRunner.run(
                "verify",
                "--db",
                DB_URL,
                "--keystore",
                DIR.resolve("keys/ledger.p12").toString(),
                "--keystore-password",
                "test-password",
                "--heads-file",
                DIR.resolve("heads.jsonl").toString());
        assertThat(run.code()).as(run.all()).isEqualTo(1);
        assertThat(run.out()).contains("LEDGER FAILED VERIFICATION", "DELETED seq 5");
    }
}
