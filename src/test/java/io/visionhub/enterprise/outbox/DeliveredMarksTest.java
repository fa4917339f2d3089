package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit of delivered rows: rows handed over while a transaction is being written share the next one, every
 * thread returns only after the commit of its own row, and a failed transaction fails every row in it (they stay
 * PENDING, to be delivered again after their lease). The writer waits for the marks of deliveries still under way and
 * takes them along, and does not wait when none is.
 */
class DeliveredMarksTest {

    private OutboxTestDb db;
    private final List<List<Long>> transactions = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstMayCommit = new CountDownLatch(1);
    private volatile boolean failNext;
    private ExecutorService threads;

    @BeforeEach
    void setUp() {
        db = OutboxTestDb.inMemory();
        threads = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    private OutboxRepository repo() {
        return new OutboxRepository(db.dataSource()) {
            @Override
            public boolean[] markDeliveredAll(List<Delivered> rows, Instant now) {
                transactions.add(rows.stream().map(Delivered::id).toList());
                if (transactions.size() == 1) {
                    try {
                        firstMayCommit.await(10, TimeUnit.SECONDS); // a slow commit
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (failNext) {
                    throw new IllegalStateException("database gone");
                }
                return super.markDeliveredAll(rows, now);
            }
        };
    }

    private List<Long> claimedRows(OutboxRepository repo, int n) {
        for (int i = 0; i < n; i++) {
            repo.insert("i-" + i, "erp", "N", "k-" + i, Instant.now().minusSeconds(1));
        }
        List<Long> ids = new ArrayList<>();
        for (OutboxRow r : repo.due(Instant.now(), n)) {
            assertThat(repo.claim(r.id(), Instant.now(), Instant.now().plusSeconds(60)))
                    .isTrue();
            ids.add(r.id());
        }
        return ids;
    }

    @Test
    void rowsHandedOverDuringACommitShareTheNextAndEachThreadReturnsAfterItsOwn() throws Exception {
        OutboxRepository repo = repo();
        List<Long> ids = claimedRows(repo, 4);
        DeliveredMarks marks = new DeliveredMarks(repo, Clock.systemUTC());

        Future<Boolean> first = threads.submit(() -> marks.mark(ids.get(0), 1, "DOC-0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.size() == 1);
        List<Future<Boolean>> others = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            long id = ids.get(i);
            String doc = "DOC-" + i;
            others.add(threads.submit(() -> marks.mark(id, 1, doc)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> marks.queued() == 3);
        assertThat(others).noneMatch(Future::isDone); // nobody returns before its commit
        assertThat(db.count("DELIVERED")).isZero();

        firstMayCommit.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> f : others) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(transactions).hasSize(2);
        assertThat(transactions.get(0)).containsExactly(ids.get(0));
        assertThat(transactions.get(1)).containsExactlyInAnyOrderElementsOf(ids.subList(1, 4));
        assertThat(db.count("DELIVERED")).isEqualTo(4);
        // what the deliverer's per-minute log line reports as rows per mark commit
        assertThat(marks.commits()).isEqualTo(2);
        assertThat(marks.rows()).isEqualTo(4);
    }

    @Test
    void aFailedCommitFailsEveryRowInItAndLeavesThemPending() throws Exception {
        OutboxRepository repo = repo();
        List<Long> ids = claimedRows(repo, 2);
        DeliveredMarks marks = new DeliveredMarks(repo, Clock.systemUTC());
        firstMayCommit.countDown();
        failNext = true;

        assertThatThrownBy(() -> marks.mark(ids.get(0), 1, "DOC-0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("database gone");
        failNext = false;
        assertThat(marks.mark(ids.get(1), 1, "DOC-1")).isTrue();
        assertThat(repo.find(ids.get(0)).orElseThrow().status()).isEqualTo(OutboxRow.PENDING);
        assertThat(repo.find(ids.get(1)).orElseThrow().status()).isEqualTo(OutboxRow.DELIVERED);
        assertThat(marks.commits()).as("only the committed transaction counts").isEqualTo(1);
        assertThat(marks.rows()).isEqualTo(1);
    }

    @Test
    void aRowCancelledBeforeItsMarkStaysCancelledAndItsThreadIsTold() {
        OutboxRepository repo = repo();
        List<Long> ids = claimedRows(repo, 1);
        firstMayCommit.countDown();
        assertThat(repo.cancel(ids.get(0), Instant.now())).isTrue();
        assertThat(new DeliveredMarks(repo, Clock.systemUTC()).mark(ids.get(0), 1, "DOC-0"))
                .isFalse();
        assertThat(repo.find(ids.get(0)).orElseThrow().status()).isEqualTo(OutboxRow.CANCELLED);
    }

    @Test
    void theWriterWaitsForTheMarksOfDeliveriesUnderWayAndCommitsThemTogether() throws Exception {
        OutboxRepository repo = repo();
        List<Long> ids = claimedRows(repo, 2);
        firstMayCommit.countDown();
        AtomicInteger underWay = new AtomicInteger(1); // a second delivery is still in its HTTP call
        DeliveredMarks marks = new DeliveredMarks(repo, Clock.systemUTC(), underWay::get, Duration.ofMinutes(5));

        Future<Boolean> first = threads.submit(() -> marks.mark(ids.get(0), 1, "DOC-0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> marks.queued() == 1);
        Thread.sleep(200); // the writer gathers: no transaction yet, nobody returned
        assertThat(transactions).isEmpty();
        assertThat(first).isNotDone();

        underWay.decrementAndGet(); // the second delivery is done and hands its mark over
        assertThat(marks.mark(ids.get(1), 1, "DOC-1")).isTrue();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(transactions).hasSize(1);
        assertThat(transactions.get(0)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(db.count("DELIVERED")).isEqualTo(2);
    }

    @Test
    void aMarkWithNoOtherDeliveryUnderWayIsWrittenWithoutWaiting() {
        OutboxRepository repo = repo();
        List<Long> ids = claimedRows(repo, 1);
        firstMayCommit.countDown();
        // a gather of an hour: the mark returns (within the test's limit) only if nothing is awaited
        DeliveredMarks marks = new DeliveredMarks(repo, Clock.systemUTC(), () -> 0, Duration.ofHours(1));
        assertThat(threads.submit(() -> marks.mark(ids.get(0), 1, "DOC-0")))
                .succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo(true);
        assertThat(transactions).hasSize(1);
    }
}
