package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes of other components riding in the ledger writer's transactions ({@link LedgerCommits}, {@link SharedCommits}):
 * alone, with records, a rider that fails, a records' transaction that fails, and PostgreSQL (no sharing).
 */
class SharedCommitsTest {

    @TempDir
    Path dir;

    HikariDataSource ds;
    JdbcInspectionLedger ledger;
    JdbcTemplate jdbc;

    @BeforeEach
    void open() {
        ds = LedgerTestSupport.h2(dir);
        ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir));
        jdbc = new JdbcTemplate(ds);
        jdbc.execute("CREATE TABLE rider_note (id INT PRIMARY KEY, note VARCHAR(40))");
    }

    @AfterEach
    void close() {
        ledger.close();
        ds.close();
    }

    static LedgerCommits.Work<Integer> note(int id, String note) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rider_note (id, note) VALUES (?, ?)")) {
                ps.setInt(1, id);
                ps.setString(2, note);
                return ps.executeUpdate();
            }
        };
    }

    static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    /** Holds the writer thread inside a rider (a transaction of riders only) until released. */
    CountDownLatch holdTheWriter() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ledger.inNextCommit(c -> {
            inside.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        assertThat(inside.await(20, TimeUnit.SECONDS))
                .as("the writer runs the holding rider")
                .isTrue();
        return release;
    }

    @Test
    void onAnH2FileWritesShareTheLedgersCommitsAndARiderAloneCommitsAtOnceOnTheWriterThread() throws Exception {
        assertThat(ledger.sharesCommits()).isTrue();

        String thread = done(ledger.inNextCommit(c -> {
            note(1, "alone").run(c);
            return Thread.currentThread().getName();
        }));

        assertThat(thread).isEqualTo("ledger-writer");
        assertThat(jdbc.queryForObject("SELECT note FROM rider_note WHERE id = 1", String.class))
                .isEqualTo("alone");
    }

    @Test
    void aRiderRunsInTheTransactionOfTheRecordsWaitingWithIt() throws Exception {
        CountDownLatch release = holdTheWriter();
        InspectionEvent e = LedgerTestSupport.event();
        CompletableFuture<LedgerReceipt> record = ledger.submit(e, List.of());
        // inside its transaction the rider sees the record before anyone else can: the same transaction
        CompletableFuture<Integer> seen = ledger.inNextCommit(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM inspection WHERE id = ?")) {
                ps.setString(1, e.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
        release.countDown();

        assertThat(done(seen))
                .as("the record, uncommitted, seen from the rider's transaction")
                .isEqualTo(1);
        assertThat(done(record).sequence()).isZero();
    }

    @Test
    void aRiderThatFailsFailsAloneWhileTheRecordsAndTheOtherRidersOfItsTransactionCommit() throws Exception {
        CountDownLatch release = holdTheWriter();
        InspectionEvent e = LedgerTestSupport.event();
        CompletableFuture<LedgerReceipt> record = ledger.submit(e, List.of());
        CompletableFuture<Integer> before = ledger.inNextCommit(note(1, "before"));
        CompletableFuture<Integer> bad = ledger.inNextCommit(c -> {
            note(2, "rolled back to its savepoint").run(c);
            return note(3, "x".repeat(41)).run(c); // longer than the column: refused
        });
        CompletableFuture<Integer> after = ledger.inNextCommit(note(4, "after"));
        release.countDown();

        assertThatThrownBy(() -> done(bad))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("Value too long for column \"note");
        assertThat(done(before)).isEqualTo(1);
        assertThat(done(after)).isEqualTo(1);
        assertThat(done(record).sequence()).isZero();
        assertThat(jdbc.queryForList("SELECT id FROM rider_note ORDER BY id", Integer.class))
                .as("the failing rider's first insert went with its savepoint")
                .containsExactly(1, 4);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inspection WHERE id = ?", Integer.class, e.id()))
                .isEqualTo(1);
    }

    @Test
    void ridersRunAgainOnTheirOwnWhenTheTransactionTheyRodeInRollsBack() throws Exception {
        SharedCommits riders = new SharedCommits();
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Integer> first = riders.ride(c -> {
            runs.incrementAndGet();
            return note(1, "first").run(c);
        });
        CompletableFuture<Integer> second = riders.ride(note(2, "second"));
        List<SharedCommits.Ride<?>> rides = riders.take();
        assertThat(riders.isEmpty()).isTrue();

        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            SharedCommits.runIn(c, rides);
            c.rollback(); // as when a record of the batch was refused at the commit
            assertThat(first).as("not answered by a rolled-back transaction").isNotDone();
            SharedCommits.commitAlone(c, rides);
        }

        assertThat(done(first)).isEqualTo(1);
        assertThat(done(second)).isEqualTo(1);
        assertThat(runs).hasValue(2);
        assertThat(jdbc.queryForList("SELECT note FROM rider_note ORDER BY id", String.class))
                .containsExactly("first", "second");
    }

    @Test
    void onPostgreSqlNothingRides() {
        assumeTrue(LedgerTestSupport.postgresAvailable(), "no PostgreSQL at " + LedgerTestSupport.PG_URL);
        String schema = LedgerTestSupport.uniqueSchema();
        try (HikariDataSource pg = LedgerTestSupport.postgres(schema)) {
            JdbcInspectionLedger onPostgres = LedgerTestSupport.ledger(pg, LedgerTestSupport.props(dir.resolve("pg")));
            try {
                assertThat(onPostgres.sharesCommits()).isFalse();
            } finally {
                onPostgres.close();
                LedgerTestSupport.dropSchema(pg, schema);
            }
        }
    }
}
