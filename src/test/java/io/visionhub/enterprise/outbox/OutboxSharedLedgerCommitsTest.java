package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.LedgerCommits;
import io.visionhub.ledger.LedgerFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox's claims and delivered marks riding in the ledger writer's commits on an H2 file
 * ({@link OutboxRepository#shareCommits}): they wait for the writer's transaction, and the deliverer still delivers
 * every row exactly once, rows of ordering groups in order, while records keep coming.
 */
class OutboxSharedLedgerCommitsTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    OutboxRepository repo;
    JdbcTemplate jdbc;
    final OutboxBatchDeliveryTest.FakeTarget target = new OutboxBatchDeliveryTest.FakeTarget();
    final List<OutboxDeliverer> deliverers = new ArrayList<>();

    /** The ledger's commits, counting the writes that ride in them. */
    static final class CountedCommits implements LedgerCommits {
        final LedgerCommits ledger;
        final AtomicInteger rides = new AtomicInteger();

        CountedCommits(LedgerCommits ledger) {
            this.ledger = ledger;
        }

        @Override
        public boolean sharesCommits() {
            return ledger.sharesCommits();
        }

        @Override
        public <T> CompletableFuture<T> inNextCommit(Work<T> work) {
            rides.incrementAndGet();
            return ledger.inNextCommit(work);
        }
    }

    CountedCommits commits;

    @BeforeEach
    void open() {
        f = new LedgerFixture(dir);
        repo = new OutboxRepository(f.ds);
        commits = new CountedCommits(f.ledger);
        repo.shareCommits(commits);
        jdbc = new JdbcTemplate(f.ds);
    }

    @AfterEach
    void close() {
        deliverers.forEach(OutboxDeliverer::close);
        f.close();
    }

    String record() {
        InspectionEvent e = io.visionhub.ledger.LedgerTestSupport.event();
        f.ledger.append(e, List.of(new DeliveryRequest("erp", "NOTIFICATION", e.id())));
        return e.id();
    }

    /** Holds the ledger writer inside a write of its own until released. */
    CountDownLatch holdTheWriter() throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.ledger.inNextCommit(c -> {
            inside.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    List<OutboxRepository.Claim> claimsOfAll() {
        return repo.due(Instant.now(), 100).stream()
                .map(r -> new OutboxRepository.Claim(r, "REF" + r.id()))
                .toList();
    }

    @Test
    void aClaimAndAMarkCommitWithTheLedgersTransactionNotOnTheirOwn() throws Exception {
        String key = record();
        List<OutboxRepository.Claim> claims = claimsOfAll();
        assertThat(claims).hasSize(1);
        Instant now = Instant.now();

        CountDownLatch release = holdTheWriter();
        CompletableFuture<boolean[]> claim =
                CompletableFuture.supplyAsync(() -> repo.claimAll(claims, now, null, now.plusSeconds(30)));
        Thread.sleep(300);
        assertThat(claim).as("the claim waits for the writer's next commit").isNotDone();
        assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE delivery_key = ?", Integer.class, key))
                .isZero();
        release.countDown();
        assertThat(claim.get(20, TimeUnit.SECONDS)).containsExactly(true);
        assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE delivery_key = ?", Integer.class, key))
                .isEqualTo(1);

        long id = claims.get(0).row().id();
        assertThat(repo.markDeliveredAll(List.of(new OutboxRepository.Delivered(id, 1, "DOC-1")), now))
                .containsExactly(true);
        // a transaction of the deliverer's (a run's marks, release and next claim) joins the writer's too: the marks
        // inside it do not wait for another commit of the writer (that would never come: it runs them)
        boolean[] again = repo.inTransaction(
                () -> repo.markDeliveredAll(List.of(new OutboxRepository.Delivered(id, 1, "DOC-1")), now));
        assertThat(again).as("already DELIVERED").containsExactly(false);
        assertThat(jdbc.queryForObject("SELECT status FROM outbox WHERE id = ?", String.class, id))
                .isEqualTo("DELIVERED");
        assertThat(commits.rides).hasValue(3);
    }

    @Test
    void withoutSharingAClaimCommitsOnItsOwnWhileTheWriterIsBusy() throws Exception {
        repo.shareCommits(null);
        record();
        List<OutboxRepository.Claim> claims = claimsOfAll();
        Instant now = Instant.now();
        CountDownLatch release = holdTheWriter();
        try {
            assertThat(repo.claimAll(claims, now, null, now.plusSeconds(30))).containsExactly(true);
        } finally {
            release.countDown();
        }
        assertThat(commits.rides).hasValue(0);
    }

    @Test
    void everyRowIsDeliveredOnceAndGroupsInOrderWhileRecordsKeepComing() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            keys.add(record());
        }
        // the first 20 one ordering group (an NCR's items, delivered in runs), the rest each on its own
        jdbc.update("UPDATE outbox SET ordering_key = 'NCR|n1|erp' WHERE id IN (SELECT id FROM outbox ORDER BY id "
                + "LIMIT 20)");
        OutboxDeliverer d = PlainOutboxThreads.deliverer(
                repo,
                target,
                EnterpriseProperties.Outbox.defaults()
                        .withPollInterval(Duration.ofMillis(50))
                        .withClaimLease(Duration.ofSeconds(30))
                        .withConcurrency(4)
                        .withBatchSize(8),
                Clock.systemUTC());
        deliverers.add(d);
        d.start();
        for (int i = 0; i < 30; i++) { // records committed while claims and marks ride with them
            keys.add(record());
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> repo.countsByStatus().getOrDefault("DELIVERED", 0L) == 60);
        for (String key : keys) {
            assertThat(target.callsFor(key)).as("calls for " + key).hasSize(1);
        }
        assertThat(target.calls.stream()
                        .map(OutboxBatchDeliveryTest.FakeTarget.Call::key)
                        .filter(keys.subList(0, 20)::contains))
                .as("the group in the order of its rows")
                .containsExactlyElementsOf(keys.subList(0, 20));
        assertThat(commits.rides.get())
                .as("claims and marks rode in the ledger's commits")
                .isPositive();
    }
}
