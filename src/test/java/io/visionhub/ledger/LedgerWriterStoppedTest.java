package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The ledger writer thread meets a JVM {@link Error} (here: a class gone from under the running hub, as when a build
 * rewrites target/classes; out of memory does the same): appends are refused at once with the cause and what to do,
 * not each after the append timeout while the hub looks alive; health says so; a restart records again and nothing
 * acknowledged before is lost.
 */
class LedgerWriterStoppedTest {

    @TempDir
    Path dir;

    @Test
    void aSyncerEndingOnAnErrorStopsTheLedgerAsTheWriterDoes() throws Exception {
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            LedgerProperties props = LedgerTestSupport.props(dir);
            assertThat(props.h2SyncEachCommit()).isTrue(); // the syncers run
            JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
            try {
                InspectionEvent before = LedgerTestSupport.event();
                ledger.append(before, List.of());
                // what H2FileSync reports when one of its threads ends on an Error (H2FileSyncTest), on that thread
                Thread syncer = new Thread(
                        () -> ledger.syncerStopped(new OutOfMemoryError("simulated: Java heap space")),
                        "ledger-h2-sync-1");
                syncer.start();
                syncer.join();

                InspectionEvent after = LedgerTestSupport.event();
                assertThatThrownBy(() -> ledger.append(after, List.of()))
                        .isInstanceOf(LedgerException.class)
                        .hasMessageContaining(after.id() + " not recorded: the ledger stopped writing")
                        .hasMessageContaining("ledger-h2-sync-1 stopped on java.lang.OutOfMemoryError")
                        .hasMessageContaining("restart the hub");
                Health down = new LedgerHealthIndicator(ledger).health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails()).containsEntry("mode", "writer-stopped");
                assertThat(String.valueOf(down.getDetails().get("reason"))).contains("ledger-h2-sync-1");
                assertThat(new JdbcTemplate(ds).queryForList("SELECT id FROM inspection", String.class))
                        .containsExactly(before.id());
            } finally {
                ledger.close();
            }
        }
    }

    @Test
    void anErrorInTheWriterRefusesEveryAppendAtOnceAndShowsInHealthUntilARestart() {
        AtomicBoolean broken = new AtomicBoolean();
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            DelegatingDataSource failing = new DelegatingDataSource(ds) {
                @Override
                public Connection getConnection() throws SQLException {
                    if (broken.get()) {
                        throw new NoClassDefFoundError("io/visionhub/Gone (simulated: removed under the running hub)");
                    }
                    return super.getConnection();
                }
            };
            LedgerProperties props = LedgerTestSupport.props(dir);
            InspectionEvent before = LedgerTestSupport.event();
            JdbcInspectionLedger ledger = LedgerTestSupport.ledger(failing, props);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ledger.bindMetrics(meters);
            LedgerHealthIndicator health = new LedgerHealthIndicator(ledger);
            try {
                ledger.append(before, List.of());
                assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                assertThat(meters.get("visionhub.ledger.writer_stopped").gauge().value())
                        .isZero();

                broken.set(true);
                InspectionEvent during = LedgerTestSupport.event();
                // refused in hand: the error struck before its commit here, but the writer cannot know that in general
                assertThatThrownBy(() -> ledger.append(during, List.of()))
                        .isInstanceOf(LedgerException.class)
                        .hasMessageContaining(during.id() + " may not be recorded: the ledger stopped writing")
                        .hasMessageContaining("NoClassDefFoundError")
                        .hasMessageContaining("restart the hub");

                broken.set(false); // the cause is gone, but the writer's state may not match the database: it stays off
                InspectionEvent after = LedgerTestSupport.event();
                assertThatThrownBy(() -> ledger.append(after, List.of()))
                        .isInstanceOf(LedgerException.class)
                        .hasMessageContaining(after.id() + " not recorded: the ledger stopped writing");
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails())
                        .containsEntry("mode", "writer-stopped")
                        .containsEntry("problem", "WRITER")
                        .containsKey("since")
                        .containsKey("action");
                assertThat(String.valueOf(down.getDetails().get("reason"))).contains("NoClassDefFoundError");
                assertThat(meters.get("visionhub.ledger.writer_stopped").gauge().value())
                        .isEqualTo(1.0);
            } finally {
                ledger.close();
            }

            JdbcTemplate jdbc = new JdbcTemplate(ds);
            assertThat(jdbc.queryForList("SELECT id FROM inspection", String.class))
                    .containsExactly(before.id()); // acknowledged before: kept; refused ones: not written
            JdbcInspectionLedger restarted = LedgerTestSupport.ledger(ds, props);
            try {
                InspectionEvent again = LedgerTestSupport.event();
                assertThat(restarted.append(again, List.of()).sequence()).isEqualTo(1);
                assertThat(new LedgerHealthIndicator(restarted).health().getStatus())
                        .isEqualTo(Status.UP);
            } finally {
                restarted.close();
            }
        }
    }
}
