package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * The H2 file with small commits, as the ledger makes them (WRITE_DELAY=0, a few rows a commit, a time-ordered and a
 * random index): without compaction nearly every chunk keeps a live page and the file grows with every commit; with
 * it the emptiest chunks are rewritten and their space reused. RETENTION_TIME=0 lets H2 reuse a freed chunk at once
 * (the hub keeps H2's 45 s), so a test of seconds shows what hours show in the hub.
 */
class H2ChunkCompactionTest {

    static final LedgerProperties.H2Compaction SETTINGS = LedgerProperties.H2Compaction.defaults();

    static HikariDataSource database(Path dir) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(LedgerTestSupport.h2Url(dir) + ";RETENTION_TIME=0");
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaximumPoolSize(2);
        return ds;
    }

    /** 1,200 commits of 3 rows; compaction runs after every 50th when given. Returns the file's size. */
    static long smallCommits(HikariDataSource ds, H2ChunkCompaction compaction) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE part(id BIGINT PRIMARY KEY, station VARCHAR(20), taken TIMESTAMP, "
                    + "image VARCHAR(40), body VARCHAR(1000))");
            s.execute("CREATE INDEX part_station ON part(station, taken)");
            s.execute("CREATE INDEX part_image ON part(image)");
            c.setAutoCommit(false);
            Random random = new Random(7);
            String body = "x".repeat(600);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO part VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 3_600; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, "station-" + (i % 8));
                    insert.setTimestamp(3, new Timestamp(1_700_000_000_000L + i * 100L));
                    insert.setString(4, Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
                    insert.setString(5, body);
                    insert.executeUpdate();
                    if (i % 3 == 2) {
                        c.commit();
                        if (compaction != null && (i / 3) % 50 == 49) {
                            compaction.runOnce();
                        }
                    }
                }
            }
            return H2ChunkCompaction.fileStore(c).getFileStore().size();
        }
    }

    static int chunksFillRate(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return H2ChunkCompaction.fileStore(c).getFileStore().getChunksFillRate();
        }
    }

    @Test
    void rewritingTheEmptiestChunksKeepsTheFileFromGrowingWithEveryCommit(@TempDir Path without, @TempDir Path with)
            throws Exception {
        long grown;
        int grownFill;
        try (HikariDataSource ds = database(without)) {
            grown = smallCommits(ds, null);
            grownFill = chunksFillRate(ds);
        }
        long compacted;
        int compactedFill;
        try (HikariDataSource ds = database(with)) {
            H2ChunkCompaction compaction = H2ChunkCompaction.start(ds, SETTINGS);
            try {
                compacted = smallCommits(ds, compaction);
                compactedFill = chunksFillRate(ds);
                // what the gauges show: the last run's figures
                assertThat(compaction.fileBytes()).isPositive().isLessThanOrEqualTo(compacted);
                assertThat(compaction.chunksLivePercent()).isBetween(1.0, 100.0);
            } finally {
                compaction.close();
            }
        }
        // without: almost every chunk keeps a page alive (a few % live); with: most of that space is reused
        assertThat(grownFill).isLessThan(20);
        assertThat(compactedFill).isGreaterThan(grownFill * 2);
        assertThat(compacted).isLessThan(grown / 2);
    }

    @Test
    void offInMemoryAndWithAZeroInterval(@TempDir Path dir) throws Exception {
        try (HikariDataSource memory = LedgerTestSupport.dataSource(
                "jdbc:h2:mem:compaction-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", null)) {
            assertThat(H2ChunkCompaction.start(memory, SETTINGS)).isNull();
        }
        try (HikariDataSource file = database(dir)) {
            assertThat(H2ChunkCompaction.start(
                            file, new LedgerProperties.H2Compaction(Duration.ZERO, 50, DataSize.ofMegabytes(1))))
                    .isNull();
            try (Connection c = file.getConnection()) {
                MVStore store = H2ChunkCompaction.fileStore(c);
                assertThat(store).isNotNull();
                assertThat(store.getFileStore().getFileName()).endsWith("visionhub.mv.db");
            }
        }
    }

    @Test
    void theLedgerRunsItOnItsH2FileAndStopsItWhenItCloses(@TempDir Path dir) throws Exception {
        // (hub contexts cached by other tests of this JVM may run theirs: only the thread this ledger started counts)
        List<Thread> before = compactionThreads();
        List<Thread> started;
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(3);
            started = compactionThreads().stream()
                    .filter(t -> !before.contains(t))
                    .toList();
            assertThat(started).hasSize(1);
        }
        assertThat(started.get(0).isAlive()).isFalse();
        assertThat(Files.exists(dir.resolve("visionhub.mv.db"))).isTrue();
    }

    static List<Thread> compactionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ledger-h2-compaction") && t.isAlive())
                .toList();
    }
}
