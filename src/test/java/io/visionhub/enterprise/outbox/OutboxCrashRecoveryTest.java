package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.enterprise.TestEvents;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * kill -9 of the delivering JVM while SAP holds the answer to a create it already made; after a restart every
 * row is delivered and SAP holds exactly one notification per row.
 */
class OutboxCrashRecoveryTest {

    @TempDir
    Path tmp;

    private EnterpriseSimulators sims;
    private Process child;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (sims != null) {
            sims.close();
        }
    }

    private Process startChild(String dbUrl, int run) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                OutboxChildProcess.class.getName(),
                dbUrl,
                sims.sap().baseUrl(),
                Path.of("mappings").toAbsolutePath().toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("child-" + run + ".log").toFile());
        return pb.start();
    }

    @Test
    void killMinus9MidDeliveryThenRestartDeliversEachRowOnce() throws Exception {
        sims = EnterpriseSimulators.onFreePorts();
        String dbUrl = tenSapRowsOnFile(null);
        SimulatedDocuments docs = sims.sap().qualityNotifications();
        sims.sap().faults().timeoutAfterCreate(1, Duration.ofSeconds(30));

        child = startChild(dbUrl, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> docs.count() >= 1);
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, the held delivery is never recorded
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        sims.sap().faults().clear();
        int beforeRestart = docs.count();

        OutboxTestDb after = restartUntilAllDelivered(dbUrl);
        try {
            assertDeliveredOnce(after, docs, beforeRestart);
        } finally {
            new JdbcTemplate(after.dataSource()).execute("SHUTDOWN");
        }
    }

    @Test
    void killMinus9MidRunOfAnOrderingGroupThenRestartDeliversEachRowOnceInOrder() throws Exception {
        sims = EnterpriseSimulators.onFreePorts();
        // one ordering group: the first row alone (the poll's head), then the other nine as one run
        String dbUrl = tenSapRowsOnFile("NCR|kill|sap-qm");
        SimulatedDocuments docs = sims.sap().qualityNotifications();
        sims.sap().faults().slowAnswers(Duration.ofMillis(300)); // the run is still sending when it is killed

        child = startChild(dbUrl, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> docs.count() >= 4);
        child.destroyForcibly(); // SIGKILL mid-run: rows of the run went out, their marks never committed
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        sims.sap().faults().clear();
        int beforeRestart = docs.count();
        assertThat(beforeRestart).as("killed before the run ended").isLessThan(10);

        OutboxTestDb after = restartUntilAllDelivered(dbUrl);
        try {
            assertDeliveredOnce(after, docs, beforeRestart);
            List<String> byRow = new OutboxRepository(after.dataSource())
                    .list("DELIVERED", 100).stream()
                            .sorted(java.util.Comparator.comparingLong(OutboxRow::id))
                            .map(OutboxRow::documentNumber)
                            .toList();
            assertThat(byRow)
                    .as("the group's documents were created in the order of its rows")
                    .containsExactlyElementsOf(docs.all().stream()
                            .map(SimulatedDocuments.Document::number)
                            .toList());
        } finally {
            new JdbcTemplate(after.dataSource()).execute("SHUTDOWN");
        }
    }

    /**
     * Ten SAP QM rows in an H2 file (in ordering group orderingKey, or none), closed for a child to open; its URL.
     * As the hub opens it (config/ledger.yaml): commits written through at once, and the database kept open for the
     * life of each process (the hub holds a pool; opening and closing the file per statement is not what the hub
     * does, and two CI runs saw a reopened file read an older state after many such cycles).
     */
    private String tenSapRowsOnFile(String orderingKey) {
        String dbUrl = "jdbc:h2:file:" + tmp.resolve("hub").toAbsolutePath()
                + ";MODE=PostgreSQL;WRITE_DELAY=0;DB_CLOSE_DELAY=-1";
        OutboxTestDb db = OutboxTestDb.at(dbUrl);
        for (int i = 0; i < 10; i++) {
            var e = TestEvents.ng("station-1", "crack");
            db.record(e, "sap-qm", "QUALITY_NOTIFICATION", e.id());
        }
        if (orderingKey != null) {
            new JdbcTemplate(db.dataSource()).update("UPDATE outbox SET ordering_key = ?", orderingKey);
        }
        // one process at a time holds the file (H2's file lock): close this JVM's copy before a child opens it
        new JdbcTemplate(db.dataSource()).execute("SHUTDOWN");
        return dbUrl;
    }

    /** Restarts the deliverer, which exits by itself once nothing is left to deliver; then opens the file here. */
    private OutboxTestDb restartUntilAllDelivered(String dbUrl) throws Exception {
        child = startChild(dbUrl, 2);
        assertThat(child.waitFor(120, TimeUnit.SECONDS))
                .as("restarted deliverer finished")
                .isTrue();
        assertThat(child.exitValue()).isZero();
        return OutboxTestDb.at(dbUrl);
    }

    private static void assertDeliveredOnce(OutboxTestDb after, SimulatedDocuments docs, int beforeRestart) {
        assertThat(after.count("DELIVERED")).isEqualTo(10);
        assertThat(beforeRestart).isBetween(1, 10);
        assertThat(docs.count()).isEqualTo(10);
        List<Object> refs = docs.all().stream()
                .map(d -> d.fields().get("QltyNotifExternalReference"))
                .toList();
        assertThat(refs).doesNotHaveDuplicates();
        OutboxRepository repo = new OutboxRepository(after.dataSource());
        List<OutboxRow> delivered = repo.list("DELIVERED", 100);
        assertThat(delivered.stream().map(OutboxRow::documentNumber).collect(Collectors.toSet()))
                .as("document numbers of the DELIVERED rows %s (rows by status %s)", delivered, repo.countsByStatus())
                .containsExactlyInAnyOrderElementsOf(docs.all().stream()
                        .map(SimulatedDocuments.Document::number)
                        .toList());
    }
}
