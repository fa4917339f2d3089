package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The H2 syncers meet a JVM {@link Error} (here thrown by the acknowledgement of one commit; out of memory would do
 * the same): each says so through its stop callback instead of ending silently, a syncer still running forces and
 * acknowledges later commits, and {@link H2FileSync#abandon} hands back the commits no syncer will acknowledge.
 */
class H2FileSyncTest {

    @TempDir
    Path dir;

    record Stop(String thread, Error error) {}

    @Test
    void aSyncerEndingOnAnErrorSaysSoAndWhatNoSyncerAcknowledgesIsHandedBack() throws Exception {
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            new JdbcTemplate(ds).execute("CREATE TABLE t (x INT)"); // the database file exists
            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            List<Stop> stops = new CopyOnWriteArrayList<>();
            H2FileSync<String> sync = H2FileSync.start(
                    ds,
                    commit -> {
                        if (commit.startsWith("poison")) {
                            throw new NoClassDefFoundError("simulated: " + commit);
                        }
                        acknowledged.add(commit);
                    },
                    e -> stops.add(new Stop(Thread.currentThread().getName(), e)));
            try {
                sync.handOver(0, "poison-1");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stops.size() == 1);
                assertThat(stops.get(0).thread()).startsWith("ledger-h2-sync-");
                assertThat(stops.get(0).error()).hasMessageContaining("poison-1");

                sync.handOver(1, "after"); // the other syncer still runs
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.contains("after"));

                sync.handOver(2, "poison-2"); // the second syncer ends too
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stops.size() == 2);
                assertThat(stops).extracting(Stop::thread).doesNotHaveDuplicates();

                sync.handOver(3, "orphan"); // no syncer left to force it
                assertThat(sync.abandon()).containsExactly("orphan");
                assertThat(sync.abandon()).isEmpty();
                assertThat(acknowledged).containsExactly("after");
            } finally {
                sync.close(Duration.ofSeconds(5));
            }
        }
    }
}
