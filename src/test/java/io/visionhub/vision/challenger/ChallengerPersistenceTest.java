package io.visionhub.vision.challenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.vision.Frame;
import io.visionhub.vision.model.ModelHandle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A challenger's figures survive a restart of the hub: counters, disagreements with their frames, and the outcomes
 * behind the confusion against dispositions are read back by the next run of the same challenger, which carries on
 * counting; a stopped challenger's figures are gone. On H2 (a file database reopened, as after a restart) and on
 * the test PostgreSQL when it answers.
 */
class ChallengerPersistenceTest {

    static final BufferedImage FRAME = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    static final Verdict[] SAID = {Verdict.NG, Verdict.NG, Verdict.OK, Verdict.UNCERTAIN, Verdict.OK};
    static final Map<String, String> DISPOSITIONS =
            Map.of("insp-0", "REJECT", "insp-1", "ACCEPT", "insp-2", "REWORK", "insp-3", "ACCEPT");

    @TempDir
    Path dir;

    @Test
    void aRestartOnH2KeepsCountersDisagreementsAndConfusion() {
        restartKeepsTheFigures(() -> LedgerTestSupport.h2(dir), null);
    }

    @Test
    void aRestartOnPostgresKeepsCountersDisagreementsAndConfusion() {
        assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL at 127.0.0.1:5432 (db test) not reachable");
        String schema = LedgerTestSupport.uniqueSchema();
        restartKeepsTheFigures(() -> LedgerTestSupport.postgres(schema), schema);
    }

    private void restartKeepsTheFigures(Supplier<HikariDataSource> database, String pgSchema) {
        ChallengerReport before;
        List<Outcome> outcomesBefore;
        try (HikariDataSource ds = database.get()) {
            ChallengerRun run = run(new JdbcChallengerStore(ds), 1000);
            List<InspectionEvent> champion = offer(run, 0, SAID);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> run.stats().compared() == SAID.length);
            before = ChallengerReport.of(run, ids -> DISPOSITIONS);
            outcomesBefore = run.outcomes();
            assertThat(before.run().disagreements().get(0).imageSha256())
                    .isEqualTo(champion.get(3).image().sha256());
            run.close(); // the hub stops
        }
        // the hub starts again: a new connection pool, a new run of the same challenger
        try (HikariDataSource ds = database.get()) {
            try {
                JdbcChallengerStore store = new JdbcChallengerStore(ds);
                ChallengerRun again = run(store, 1000);
                ChallengerReport after = ChallengerReport.of(again, ids -> DISPOSITIONS);
                assertThat(after.run().offered()).isEqualTo(5);
                assertThat(after.run().compared()).isEqualTo(5);
                assertThat(after.run().agreed()).isEqualTo(2);
                assertThat(after.run().agreement()).isEqualTo(0.4);
                assertThat(after.run().disagreements()).isEqualTo(before.run().disagreements());
                assertThat(after.run().disagreements())
                        .extracting(ChallengerRun.Disagreement::inspectionId)
                        .containsExactly("insp-3", "insp-1", "insp-0");
                assertThat(again.outcomes()).isEqualTo(outcomesBefore);
                assertThat(after.judgedByPeople()).isEqualTo(4);
                assertThat(after.confusion()).isEqualTo(before.confusion());

                // it carries on counting from there: two more frames, one disagreement more
                offer(again, 5, Verdict.NG, Verdict.OK);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> again.stats().compared() == 7);
                again.close();
                ChallengerRun third = run(store, 1000);
                assertThat(third.stats().compared()).isEqualTo(7);
                assertThat(third.stats().agreed()).isEqualTo(3);
                assertThat(third.stats().disagreements().get(0).inspectionId()).isEqualTo("insp-5");
                assertThat(third.outcomes()).hasSize(7);

                // a run that keeps fewer outcomes reads back only the latest ones
                ChallengerRun small = run(store, 3);
                assertThat(small.outcomes())
                        .extracting(Outcome::inspectionId)
                        .containsExactly("insp-4", "insp-5", "insp-6");
                small.close();

                // stopped (or replaced by another model): its figures go, saved ones too
                third.discard();
                ChallengerRun fresh = run(store, 1000);
                assertThat(fresh.stats().compared()).isZero();
                assertThat(fresh.stats().disagreements()).isEmpty();
                assertThat(fresh.outcomes()).isEmpty();
                fresh.close();
            } finally {
                if (pgSchema != null) {
                    LedgerTestSupport.dropSchema(ds, pgSchema);
                }
            }
        }
    }

    @Test
    void aStoreThatFailsNeverStopsTheChallenger() {
        ChallengerStore broken = new ChallengerStore() {
            @Override
            public Saved load(String station, String location, int keepOutcomes, int keepDisagreements) {
                throw new IllegalStateException("database down");
            }

            @Override
            public void record(
                    String station,
                    String location,
                    Counts counts,
                    Outcome outcome,
                    ChallengerRun.Disagreement disagreement,
                    int keepOutcomes) {
                throw new IllegalStateException("database down");
            }

            @Override
            public void saveCounts(String station, String location, Counts counts) {
                throw new IllegalStateException("database down");
            }

            @Override
            public void forget(String station, String location) {
                throw new IllegalStateException("database down");
            }
        };
        ChallengerRun run = run(broken, 1000);
        offer(run, 0, SAID);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> run.stats().compared() == SAID.length);
        assertThat(run.stats().agreed()).isEqualTo(2);
        assertThat(run.stats().failed()).isZero();
        run.close();
    }

    private static ChallengerRun run(ChallengerStore store, int keepOutcomes) {
        return new ChallengerRun(
                "station-1",
                "/models/lenient",
                new ModelHandle("/models/lenient", new ChallengerTest.AlwaysOk()),
                Executors.newSingleThreadExecutor(),
                50_000_000,
                100,
                keepOutcomes,
                1.0,
                null,
                store);
    }

    private static List<InspectionEvent> offer(ChallengerRun run, int first, Verdict... said) {
        List<InspectionEvent> events = new ArrayList<>();
        for (int i = 0; i < said.length; i++) {
            int n = first + i;
            InspectionEvent e = LedgerTestSupport.event("insp-" + n, said[i], "a".repeat(63) + (n % 10));
            events.add(e);
            run.offer(new Frame("cam-1", n, Instant.now(), FRAME, null, null), e);
        }
        return events;
    }
}
