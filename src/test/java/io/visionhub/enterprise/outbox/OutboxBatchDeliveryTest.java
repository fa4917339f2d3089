package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox's batched steps (issue 21): a poll claims its rows in one transaction, delivered rows are marked with
 * a group commit, and a delivered row of an ordering group hands its worker the group's next row. None of them may
 * weaken a guarantee: a failing row in a batch is retried alone, a crash between a delivery and its mark is a
 * redelivery with the same reference (found by the target's lookup: no duplicate), never a loss, and a group keeps
 * its order.
 */
class OutboxBatchDeliveryTest {

    /**
     * A target that looks documents up by the external reference when an earlier attempt may have reached it (as
     * the real clients do) and otherwise creates one: a redelivery without the lookup would make a duplicate.
     */
    static final class FakeTarget extends DeliveryService {
        record Call(String key, String reference, int attempt, boolean mayExist) {}

        final List<Call> calls = new CopyOnWriteArrayList<>();
        final Map<String, String> documentsByReference = new ConcurrentHashMap<>();
        final List<String> created = new CopyOnWriteArrayList<>();
        final Set<String> failOnceKeys = ConcurrentHashMap.newKeySet();
        volatile long callMillis;

        FakeTarget() {
            super(
                    new EnterpriseTargets(Map.of(), n -> null),
                    new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                    new SeverityPolicy(Map.of(), "MEDIUM"),
                    "demo-customer",
                    "test-site");
        }

        @Override
        public String deliver(
                InspectionEvent event,
                String target,
                String documentType,
                String key,
                String reference20,
                int attempt,
                boolean mayExist) {
            calls.add(new Call(key, reference20, attempt, mayExist));
            if (callMillis > 0) {
                try {
                    Thread.sleep(callMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failOnceKeys.remove(key)) {
                throw DeliveryException.transientFailure("target busy for " + key, null);
            }
            if (mayExist && documentsByReference.containsKey(reference20)) {
                return documentsByReference.get(reference20);
            }
            String number = "DOC-" + created.size() + "-" + key;
            created.add(key);
            documentsByReference.put(reference20, number);
            return number;
        }

        List<Call> callsFor(String key) {
            return calls.stream().filter(c -> c.key().equals(key)).toList();
        }
    }

    private OutboxTestDb db;
    private OutboxRepository repo;
    private FakeTarget target;
    private final List<OutboxDeliverer> deliverers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = OutboxTestDb.inMemory();
        repo = new OutboxRepository(db.dataSource());
        target = new FakeTarget();
    }

    @AfterEach
    void tearDown() {
        deliverers.forEach(OutboxDeliverer::close);
    }

    private OutboxDeliverer start(OutboxRepository r, Duration pollInterval, Duration lease) {
        return start(
                r,
                EnterpriseProperties.Outbox.defaults()
                        .withPollInterval(pollInterval)
                        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                        .withClaimLease(lease)
                        .withConcurrency(4)
                        .withMaxAttempts(10));
    }

    private OutboxDeliverer start(OutboxRepository r, EnterpriseProperties.Outbox cfg) {
        OutboxDeliverer d = PlainOutboxThreads.deliverer(r, target, cfg, Clock.systemUTC());
        deliverers.add(d);
        d.start();
        return d;
    }

    private List<String> record(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InspectionEvent e = TestEvents.ng("station-1", "scratch");
            db.record(e, "erp", "NOTIFICATION", e.id());
            keys.add(e.id());
        }
        return keys;
    }

    @Test
    void aRowThatFailsInABatchIsRetriedAloneWhileTheOthersAreDeliveredOnce() {
        List<String> keys = record(24);
        String failing = keys.get(7);
        target.failOnceKeys.add(failing);

        OutboxDeliverer d = start(repo, Duration.ofMillis(20), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("DELIVERED") == 24);
        // the per-minute log line's figures: 24 first attempts and the retry, taken by at most as many commits
        assertThat(d.claimedRows()).isEqualTo(25);
        assertThat(d.claimCommits()).isBetween(2L, 25L);

        assertThat(target.created).hasSize(24).doesNotHaveDuplicates();
        for (String key : keys) {
            List<FakeTarget.Call> calls = target.callsFor(key);
            if (key.equals(failing)) {
                assertThat(calls).hasSize(2);
                assertThat(calls.get(1).reference())
                        .as("the retry sends the reference of the first attempt")
                        .isEqualTo(calls.get(0).reference());
                assertThat(calls.get(1).mayExist()).isTrue();
                assertThat(calls.get(1).attempt()).isEqualTo(2);
            } else {
                assertThat(calls).as("calls for %s", key).hasSize(1);
            }
        }
        OutboxRow retried = repo.forInspection(failing).get(0);
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(retried.lastError()).isNull();
        assertThat(repo.list("DELIVERED", 100))
                .filteredOn(r -> !r.inspectionId().equals(failing))
                .allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
    }

    /** A repository of a hub that dies once the first delivered row is about to be marked: no write after that. */
    static final class DyingRepository extends OutboxRepository {
        final AtomicBoolean dead = new AtomicBoolean();
        /** marks that commit before the hub dies at the next one */
        final AtomicInteger marksLeft;

        DyingRepository(DataSource ds, int marksBeforeDeath) {
            super(ds);
            marksLeft = new AtomicInteger(marksBeforeDeath);
        }

        private void ifDead() {
            if (dead.get()) {
                throw new IllegalStateException("this hub is gone");
            }
        }

        @Override
        public boolean[] markDeliveredAll(List<Delivered> rows, Instant now) {
            ifDead();
            if (marksLeft.getAndDecrement() > 0) {
                return super.markDeliveredAll(rows, now);
            }
            dead.set(true);
            throw new IllegalStateException("killed between the delivery and its mark");
        }

        @Override
        public void release(List<Claim> claims, Instant now) {
            ifDead();
            super.release(claims, now);
        }

        @Override
        public boolean markDelivered(long id, int attempts, String documentNumber, Instant now) {
            dead.set(true); // a row of an ordering group: marked with the claim of the group's next row
            throw new IllegalStateException("killed between the delivery and its mark");
        }

        @Override
        public boolean markRetry(long id, int attempts, Instant nextAttempt, String error, Instant now) {
            ifDead();
            return super.markRetry(id, attempts, nextAttempt, error, now);
        }

        @Override
        public boolean park(long id, int attempts, String error, Instant now) {
            ifDead();
            return super.park(id, attempts, error, now);
        }

        @Override
        public boolean[] claimAll(List<Claim> claims, Instant now, Instant clockBack, Instant leaseUntil) {
            ifDead();
            return super.claimAll(claims, now, clockBack, leaseUntil);
        }
    }

    @Test
    void aCrashBetweenTheDeliveryAndItsMarkIsARedeliveryWithTheSameReferenceNotALossNorADuplicate() {
        crashBetweenDeliveryAndMarkThenRestart(false);
    }

    @Test
    void aCrashBetweenTheDeliveryOfAGroupRowAndItsMarkRedeliversItBeforeTheRestOfItsGroup() {
        List<String> keys = crashBetweenDeliveryAndMarkThenRestart(true);
        List<String> order = target.calls.stream().map(FakeTarget.Call::key).toList();
        assertThat(order)
                .as("the group's first row, again after the restart, then the others in order")
                .containsExactly(
                        keys.get(0), keys.get(0), keys.get(1), keys.get(2), keys.get(3), keys.get(4), keys.get(5));
    }

    @Test
    void aCrashAfterARunOfAGroupWentOutRedeliversTheWholeRunInOrderWithoutADuplicate() {
        List<String> keys = record(6);
        new JdbcTemplate(db.dataSource()).update("UPDATE outbox SET ordering_key = 'NCR|n4|erp'");
        // the group's first row is marked (with the claim of the other five as one run); the run goes out, and the
        // hub dies at its mark
        runUntilItDies(new DyingRepository(db.dataSource(), 1));
        assertThat(target.created).as("the dead hub sent every row").hasSize(6);
        assertThat(db.count("DELIVERED"))
                .as("only the first row's mark committed")
                .isEqualTo(1);

        restartAndDeliverAll(6);

        assertThat(target.created)
                .as("no duplicate: each resend found its document")
                .hasSize(6);
        List<String> order = target.calls.stream().map(FakeTarget.Call::key).toList();
        List<String> expected = new ArrayList<>(keys);
        expected.addAll(keys.subList(1, 6));
        assertThat(order).as("the run again after the restart, in order").containsExactlyElementsOf(expected);
        assertThat(target.calls.subList(6, 11))
                .allSatisfy(c -> assertThat(c.mayExist()).isTrue());
        for (String key : keys) {
            OutboxRow row = repo.forInspection(key).get(0);
            assertThat(row.documentNumber()).isEqualTo(target.documentsByReference.get(row.externalReference()));
        }
    }

    /** A hub on {@code dying} until it is dead: its threads fail on every write (uncaught on them), the crash. */
    private void runUntilItDies(DyingRepository dying) {
        OutboxDeliverer first = start(dying, Duration.ofMillis(20), Duration.ofMillis(400));
        await().dontCatchUncaughtExceptions()
                .atMost(Duration.ofSeconds(10))
                .until(() -> dying.dead.get() && first.inFlight() == 0);
        first.close();
    }

    /** The restarted hub, on the same database, until {@code rows} rows are DELIVERED. */
    private void restartAndDeliverAll(int rows) {
        start(repo, Duration.ofMillis(20), Duration.ofMillis(400));
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(20)).until(() -> db.count("DELIVERED") == rows);
    }

    private List<String> crashBetweenDeliveryAndMarkThenRestart(boolean oneGroup) {
        List<String> keys = record(6);
        if (oneGroup) {
            new JdbcTemplate(db.dataSource()).update("UPDATE outbox SET ordering_key = 'NCR|n3|erp'");
        }
        runUntilItDies(new DyingRepository(db.dataSource(), 0));
        int createdBefore = target.created.size();
        assertThat(createdBefore).as("documents the dead hub made").isPositive();
        assertThat(db.count("DELIVERED"))
                .as("nothing marked: the hub died before the commit")
                .isZero();
        assertThat(db.count("PENDING")).isEqualTo(6);

        restartAndDeliverAll(6);

        assertThat(target.created).as("one document per row").hasSize(6).doesNotHaveDuplicates();
        for (String key : keys) {
            List<FakeTarget.Call> calls = target.callsFor(key);
            assertThat(calls.stream().map(FakeTarget.Call::reference).distinct())
                    .as("every attempt of %s sends one reference", key)
                    .hasSize(1);
            if (calls.size() > 1) {
                assertThat(calls.get(calls.size() - 1).mayExist()).isTrue();
            }
            OutboxRow row = repo.forInspection(key).get(0);
            assertThat(row.documentNumber()).isEqualTo(target.documentsByReference.get(row.externalReference()));
        }
        return keys;
    }

    @Test
    void anOrderingGroupIsDeliveredInIdOrderWithoutWaitingForAPollPerRow() {
        List<String> keys = record(40);
        JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
        jdbc.update("UPDATE outbox SET ordering_key = 'NCR|n1|erp'");
        // one poll at start, the next in ten minutes: the group must move on by itself
        start(repo, Duration.ofMinutes(10), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("DELIVERED") == 40);

        List<String> order = target.calls.stream().map(FakeTarget.Call::key).toList();
        assertThat(order).containsExactlyElementsOf(keys);
    }

    /** Counts the commits of marks: a run of a group is marked in one. */
    static final class CountingRepository extends OutboxRepository {
        final List<Integer> markedPerCommit = new CopyOnWriteArrayList<>();

        CountingRepository(DataSource ds) {
            super(ds);
        }

        @Override
        public boolean[] markDeliveredAll(List<Delivered> rows, Instant now) {
            markedPerCommit.add(rows.size());
            return super.markDeliveredAll(rows, now);
        }

        @Override
        public boolean markDelivered(long id, int attempts, String documentNumber, Instant now) {
            markedPerCommit.add(1);
            return super.markDelivered(id, attempts, documentNumber, now);
        }
    }

    @Test
    void anOrderingGroupGoesInRunsOfTheBatchSizeEachMarkedInOneCommit() {
        List<String> keys = record(40);
        new JdbcTemplate(db.dataSource()).update("UPDATE outbox SET ordering_key = 'NCR|n5|erp'");
        CountingRepository counting = new CountingRepository(db.dataSource());
        EnterpriseProperties.Outbox cfg = EnterpriseProperties.Outbox.defaults()
                .withPollInterval(Duration.ofMinutes(10)) // one poll at start: the runs go on by themselves
                .withClaimLease(Duration.ofSeconds(30))
                .withBatchSize(10);
        OutboxDeliverer d = start(counting, cfg);
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("DELIVERED") == 40);

        assertThat(target.calls.stream().map(FakeTarget.Call::key).toList()).containsExactlyElementsOf(keys);
        assertThat(counting.markedPerCommit)
                .as("the head the poll claimed, then runs of at most 10 (one commit each, not one per row)")
                .containsExactly(1, 10, 10, 10, 9);
        // the per-minute log line's run figures (counted just after each commit)
        await().atMost(Duration.ofSeconds(10)).until(() -> d.runRows() == 40);
        assertThat(d.runCommits()).isEqualTo(5);
        assertThat(repo.list("DELIVERED", 100))
                .allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
    }

    @Test
    void aRunStopsAtHalfItsLeaseSoThatAnotherNodeNeverTakesARowItStillHolds() {
        List<String> keys = record(24);
        new JdbcTemplate(db.dataSource()).update("UPDATE outbox SET ordering_key = 'NCR|n6|erp'");
        target.callMillis = 100; // 23 rows in one run would take 2.3 s, past the 1.6 s lease
        start(repo, Duration.ofMillis(20), Duration.ofMillis(1600));
        start(repo, Duration.ofMillis(20), Duration.ofMillis(1600)); // a second node on the same database
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("DELIVERED") == 24);

        assertThat(target.calls.stream().map(FakeTarget.Call::key).toList())
                .as("each row sent once, in order: no node took a row whose run still held it")
                .containsExactlyElementsOf(keys);
    }

    @Test
    void aLongRunOfAGroupTakesOneDeliverySlotSoOtherRowsFlowBesideIt() {
        List<String> group = record(60);
        new JdbcTemplate(db.dataSource()).update("UPDATE outbox SET ordering_key = 'NCR|n7|erp'");
        List<String> plain = record(6);
        target.callMillis = 20;
        EnterpriseProperties.Outbox cfg = EnterpriseProperties.Outbox.defaults()
                .withPollInterval(Duration.ofMillis(20))
                .withClaimLease(Duration.ofSeconds(30))
                .withConcurrency(2) // 4 slots; a run holds up to 50 rows in flight
                .withBatchSize(50);
        start(repo, cfg);
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("DELIVERED") == 66);

        List<String> order = target.calls.stream().map(FakeTarget.Call::key).toList();
        assertThat(order.stream().filter(group::contains).toList()).containsExactlyElementsOf(group);
        assertThat(order.indexOf(plain.get(plain.size() - 1)))
                .as("the other rows went out while the group's run was still sending")
                .isLessThan(order.indexOf(group.get(group.size() - 1)));
    }

    @Test
    void aFailingRowOfAGroupHoldsItsGroupUntilItsRetry() {
        List<String> keys = record(5);
        new JdbcTemplate(db.dataSource()).update("UPDATE outbox SET ordering_key = 'NCR|n2|erp'");
        target.failOnceKeys.add(keys.get(2));
        start(repo, Duration.ofMillis(20), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("DELIVERED") == 5);

        List<String> order = target.calls.stream().map(FakeTarget.Call::key).toList();
        assertThat(order).containsExactly(keys.get(0), keys.get(1), keys.get(2), keys.get(2), keys.get(3), keys.get(4));
        for (String key : keys) {
            assertThat(repo.forInspection(key).get(0).attempts())
                    .as("attempts of %s: the rows of the run given back unsent are not counted", key)
                    .isEqualTo(key.equals(keys.get(2)) ? 2 : 1);
        }
    }

    @Test
    void aClaimOfARowThatChangedSinceThePollReadItIsRefused() {
        record(3);
        Instant now = Instant.now();
        List<OutboxRow> due = repo.due(now.plusSeconds(1), 10);
        assertThat(due).hasSize(3);
        OutboxRow a = due.get(0);
        OutboxRow b = due.get(1);
        OutboxRow c = due.get(2);
        // another node claimed a (and stored its reference) and c after this poll read them
        assertThat(repo.claim(a.id(), now.plusSeconds(1), now.plusSeconds(60), "VHOTHERNODE000000001"))
                .isTrue();
        assertThat(repo.claim(c.id(), now.plusSeconds(1), now.plusSeconds(2), "VHOTHERNODE000000002"))
                .isTrue();
        // and c's lease ran out: due again, but not as this poll read it
        Instant later = now.plusSeconds(3);
        boolean[] taken = repo.claimAll(
                List.of(
                        new OutboxRepository.Claim(c, "VHMINE00000000000003"),
                        new OutboxRepository.Claim(a, "VHMINE00000000000001"),
                        new OutboxRepository.Claim(b, "VHMINE00000000000002")),
                later,
                null,
                later.plusSeconds(30));
        assertThat(taken).containsExactly(false, false, true);
        assertThat(repo.find(a.id()).orElseThrow().externalReference()).isEqualTo("VHOTHERNODE000000001");
        assertThat(repo.find(c.id()).orElseThrow().externalReference()).isEqualTo("VHOTHERNODE000000002");
        OutboxRow mine = repo.find(b.id()).orElseThrow();
        assertThat(mine.externalReference()).isEqualTo("VHMINE00000000000002");
        assertThat(mine.attempts()).isEqualTo(1);
        assertThat(mine.mayHaveReached()).isTrue();
        // a is still under the other node's lease, b under this claim's; c is due again, to be read afresh
        assertThat(repo.due(later, 10)).extracting(OutboxRow::id).containsExactly(c.id());
    }

    @Test
    void emptyBatchesWriteNothingAndACancelledRowStaysCancelledWhenItsDeliveryIsMarked() {
        record(2);
        Instant now = Instant.now().plusSeconds(1);
        assertThat(repo.claimAll(List.of(), now, null, now)).isEmpty();
        assertThat(repo.markDeliveredAll(List.of(), now)).isEmpty();
        List<OutboxRow> rows = repo.due(now, 10);
        boolean[] taken = repo.claimAll(
                rows.stream()
                        .map(r -> new OutboxRepository.Claim(r, "VHREF" + r.id()))
                        .toList(),
                now,
                null,
                now.plusSeconds(30));
        assertThat(taken).containsExactly(true, true);
        assertThat(repo.cancel(rows.get(1).id(), now)).isTrue();
        boolean[] marked = repo.markDeliveredAll(
                List.of(
                        new OutboxRepository.Delivered(rows.get(1).id(), 1, "DOC-B"),
                        new OutboxRepository.Delivered(rows.get(0).id(), 1, "DOC-A")),
                now);
        assertThat(marked).containsExactly(false, true);
        assertThat(repo.find(rows.get(1).id()).orElseThrow().status()).isEqualTo(OutboxRow.CANCELLED);
        assertThat(repo.find(rows.get(0).id()).orElseThrow().documentNumber()).isEqualTo("DOC-A");
        // a claim of an unknown row takes nothing
        OutboxRow ghost = new OutboxRow(
                999_999L, "x", "erp", "N", "k", "PENDING", 0, null, null, null, now, now, false, null, false, null);
        assertThat(repo.claimAll(List.of(new OutboxRepository.Claim(ghost, "VHGHOST")), now, null, now))
                .containsExactly(false);
    }
}
