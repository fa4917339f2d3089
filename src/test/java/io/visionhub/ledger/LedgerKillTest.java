package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** kill -9 of a JVM in the middle of a burst of appends loses no acknowledged record and leaves a verifiable log. */
class LedgerKillTest {

    private static final int ACKS_BEFORE_KILL = 1500;

    @TempDir
    Path dir;

    @Test
    void killMinus9DuringABurstLosesNoAcknowledgedRecordOnH2() throws Exception {
        LedgerTestSupport.h2(dir).close();
        Map<String, Long> acked = runAndKill(List.of(dir.toString()));
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            check(ds, acked);
        }
    }

    @Test
    void killMinus9DuringABurstLosesNoAcknowledgedRecordOnPostgres() throws Exception {
        Assumptions.assumeTrue(
                LedgerTestSupport.postgresAvailable(),
                "no PostgreSQL on " + LedgerTestSupport.PG_URL + ": PostgreSQL kill test skipped");
        String schema = LedgerTestSupport.uniqueSchema();
        LedgerTestSupport.postgres(schema).close();
        Map<String, Long> acked = runAndKill(List.of(dir.toString(), LedgerTestSupport.PG_URL, schema));
        HikariDataSource ds = LedgerTestSupport.postgres(schema);
        try {
            check(ds, acked);
        } finally {
            LedgerTestSupport.dropSchema(ds, schema);
            ds.close();
        }
    }

    private Map<String, Long> runAndKill(List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), LedgerCrashChild.class.getName()));
        cmd.addAll(args);
        Process child = new ProcessBuilder(cmd)
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        Map<String, Long> acked = new HashMap<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    String[] p = line.split(" ");
                    acked.put(p[2], Long.parseLong(p[1]));
                    if (acked.size() == ACKS_BEFORE_KILL) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acked).as("child stderr in %s", dir.resolve("child.err")).hasSize(ACKS_BEFORE_KILL);
        return acked;
    }

    private void check(HikariDataSource ds, Map<String, Long> acked) {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        Map<String, Long> stored = new HashMap<>();
        jdbc.query("SELECT id, ledger_seq FROM inspection", rs -> {
            stored.put(rs.getString(1), rs.getLong(2));
        });
        for (Map.Entry<String, Long> a : acked.entrySet()) {
            assertThat(stored.get(a.getKey()))
                    .as("acknowledged inspection %s", a.getKey())
                    .isEqualTo(a.getValue());
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Long.class))
                .isEqualTo(stored.size());
        LedgerProperties props = LedgerTestSupport.props(dir);
        VerificationReport r = new LedgerVerifier(
                        new JdbcLedgerReader(ds),
                        LedgerTestSupport.signer(props).publicKey(),
                        () -> HeadsFile.read(Path.of(props.heads().file())),
                        null,
                        Clock.systemUTC())
                .verify();
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.records()).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        // the reopened ledger continues the log
        JdbcInspectionLedger again = LedgerTestSupport.ledger(ds, props);
        try {
            assertThat(again.append(LedgerTestSupport.event(), List.of()).sequence())
                    .isEqualTo(r.records());
        } finally {
            again.close();
        }
    }
}
