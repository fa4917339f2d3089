package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The ledger on an H2 file whose disk fills up (a 16 MiB tmpfs mounted by the test; root only): appends are refused
 * while the disk is full, nothing acknowledged before is lost, and once space is back the same ledger, pool and
 * hub process record again, without a restart (H2 closed the database; {@link H2ClosedDatabaseEviction} lets the
 * pool open it again).
 */
class LedgerDiskFullTest {

    @TempDir
    Path tmp;

    Path disk;
    boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root: disk-full test skipped");
        disk = Files.createDirectories(tmp.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "mount -t tmpfs failed (" + out.strip() + "): disk-full test skipped");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    @Test
    void ledgerRefusesWhileTheDiskIsFullAndRecordsAgainOnceSpaceIsBackWithoutRestart() throws Exception {
        HikariDataSource ds = LedgerTestSupport.h2AsShipped(disk); // the pool as config/ledger.yaml sets it
        try (LedgerFixture f = new LedgerFixture(disk, ds)) {
            List<InspectionEvent> before = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                InspectionEvent e = LedgerTestSupport.event();
                f.ledger.append(e, List.of());
                before.add(e);
            }
            Path filler = disk.resolve("filler");
            fill(filler);

            // a full disk: H2 fails its write and closes the database; the append is refused, not acknowledged
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 50; i++) { // H2 may still fit a commit or two in its last page
                            f.ledger.append(LedgerTestSupport.event(), List.of());
                        }
                    })
                    .isInstanceOf(LedgerException.class);
            LedgerHealthIndicator health = new LedgerHealthIndicator(f.ledger);
            Health full = health.health();
            assertThat(full.getStatus()).isEqualTo(Status.DOWN);
            assertThat(full.getDetails())
                    .containsEntry("mode", "write-failing")
                    .containsEntry("problem", "STORAGE")
                    .containsKey("action");
            assertThat(String.valueOf(full.getDetails().get("reason"))).contains("closed");

            Files.delete(filler);
            // space is back: the same ledger records again (the first append may meet a connection H2 had closed)
            InspectionEvent after = LedgerTestSupport.event();
            LedgerReceipt r = appendWithinAFewTries(f, after);
            assertThat(r.sequence()).isGreaterThanOrEqualTo(before.size());
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            for (InspectionEvent e : before) {
                assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inspection WHERE id = ?", Integer.class, e.id()))
                        .as("acknowledged before the disk filled: " + e.id())
                        .isEqualTo(1);
            }
            assertThat(f.service.verify().ok()).isTrue();
        }
    }

    private static LedgerReceipt appendWithinAFewTries(LedgerFixture f, InspectionEvent e) throws Exception {
        LedgerException last = null;
        for (int i = 0; i < 5; i++) {
            try {
                return f.ledger.append(e, List.of());
            } catch (LedgerException refused) {
                last = refused;
                Thread.sleep(200);
            }
        }
        throw last;
    }

    private static void fill(Path filler) {
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] mb = new byte[1 << 16];
            while (true) {
                out.write(mb);
            }
        } catch (IOException full) {
            // No space left on device: the disk is full to the last block
        }
    }
}
