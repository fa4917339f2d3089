package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.ledger.LedgerTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox with several nodes (issue 20) on PostgreSQL: three deliverers, each with its own connection pool as on
 * three hubs, race for the same rows. Each row is claimed by exactly one of them (the claim is a conditional UPDATE
 * that moves next_attempt_at by a lease: the equivalent of FOR UPDATE SKIP LOCKED without holding a transaction open
 * during the delivery), and the rows of an ordering group are delivered in id order even when different nodes deliver
 * them.
 */
class OutboxAcrossNodesTest {

    private String schema;
    private HikariDataSource ds;
    private final List<HikariDataSource> nodes = new ArrayList<>();

    @BeforeEach
    void open() {
        Assumptions.assumeTrue(
                LedgerTestSupport.postgresAvailable(), "PostgreSQL at 127.0.0.1:5432 not reachable: test skipped");
        schema = LedgerTestSupport.uniqueSchema();
        ds = LedgerTestSupport.postgres(schema);
        for (int i = 0; i < 3; i++) {
            nodes.add(LedgerTestSupport.dataSource(LedgerTestSupport.PG_URL, "postgres", "", schema));
        }
    }

    @AfterEach
    void close() {
        nodes.forEach(HikariDataSource::close);
        if (ds != null) {
            LedgerTestSupport.dropSchema(ds, schema);
            ds.close();
        }
    }

    /** {@code rows} rows due now; the first 60 spread over {@code groups} ordering groups, interleaved. */
    private void insertDueRows(int rows, int groups) {
        OutboxRepository writer = new OutboxRepository(ds);
        Instant now = Instant.now().minusSeconds(1);
        for (int i = 0; i < rows; i++) {
            writer.insert("insp-" + i, "erp", "NOTIFICATION", "key-" + i, now);
        }
        new JdbcTemplate(ds)
                .update("UPDATE outbox SET ordering_key = 'ncr-' || (id % " + groups + ") WHERE id <= "
                        + "(SELECT MIN(id) FROM outbox) + 59");
    }

    /** One pass of a node over the outbox; true when it took a row (the node then keeps going). */
    interface NodePass {
        boolean run(String node, OutboxRepository repo);
    }

    /** Runs the three nodes at once, each with its own pool, each until it has found nothing to take for 3 s. */
    private void raceNodes(NodePass pass) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                String node = "node-" + n;
                OutboxRepository repo = new OutboxRepository(nodes.get(n));
                runs.add(pool.submit(() -> {
                    long idleUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (System.nanoTime() < idleUntil) {
                        if (pass.run(node, repo)) {
                            idleUntil =
                                    System.nanoTime() + Duration.ofSeconds(3).toNanos();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Every row was taken once, by one node, more than one node took rows, all are delivered, and the rows of each
     * of the {@code groups} ordering groups were taken in id order.
     */
    private void assertTakenOnceSharedAndGroupsInOrder(
            Map<Long, List<String>> takenBy, List<Long> takeOrder, int rows, int groups) {
        assertThat(takenBy).hasSize(rows);
        assertThat(takenBy.values()).allSatisfy(by -> assertThat(by).hasSize(1));
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE status = 'DELIVERED'", Long.class))
                .isEqualTo(rows);
        Map<String, List<Long>> byGroup = new HashMap<>();
        jdbc.query("SELECT id, ordering_key FROM outbox WHERE ordering_key IS NOT NULL", rs -> {
            byGroup.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getLong(1));
        });
        assertThat(byGroup).hasSize(groups);
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < takeOrder.size(); i++) {
            position.put(takeOrder.get(i), i);
        }
        for (List<Long> ids : byGroup.values()) {
            Collections.sort(ids);
            assertThat(ids.stream().map(position::get).toList())
                    .as("group taken in id order")
                    .isSorted();
        }
        assertThat(takenBy.values().stream().map(l -> l.get(0)).distinct().count())
                .as("the rows were shared by the nodes")
                .isGreaterThan(1);
    }

    @Test
    void everyRowIsDeliveredByExactlyOneNodeAndOrderedGroupsStayInOrder() throws Exception {
        int rows = 240;
        insertDueRows(rows, 4); // 4 ordering groups of 15 rows each, interleaved with the others

        Map<Long, List<String>> deliveredBy = new ConcurrentHashMap<>();
        List<Long> deliveryOrder = new CopyOnWriteArrayList<>();
        raceNodes((node, repo) -> {
            boolean took = false;
            for (OutboxRow r : repo.due(Instant.now(), 10)) {
                Instant t = Instant.now();
                if (repo.claim(r.id(), t, t.plusSeconds(60))) {
                    deliveredBy
                            .computeIfAbsent(r.id(), k -> new CopyOnWriteArrayList<>())
                            .add(node);
                    deliveryOrder.add(r.id());
                    repo.markDelivered(r.id(), r.attempts() + 1, "DOC-" + r.id(), Instant.now());
                    took = true;
                }
            }
            return took;
        });

        assertTakenOnceSharedAndGroupsInOrder(deliveredBy, deliveryOrder, rows, 4);
    }

    @Test
    void batchedClaimsAndGroupCommittedMarksOfThreeNodesTakeEachRowOnceAndKeepGroupsInOrder() throws Exception {
        int rows = 300;
        insertDueRows(rows, 3);

        Map<Long, List<String>> claimedBy = new ConcurrentHashMap<>();
        List<Long> claimOrder = new CopyOnWriteArrayList<>();
        raceNodes((node, repo) -> {
            Instant t = Instant.now();
            List<OutboxRepository.Claim> claims = repo.due(t, 25).stream()
                    .map(r -> new OutboxRepository.Claim(r, node + "-" + r.id()))
                    .toList();
            boolean[] taken = repo.claimAll(claims, t, null, t.plusSeconds(60));
            List<OutboxRepository.Delivered> done = new ArrayList<>();
            for (int i = 0; i < claims.size(); i++) {
                if (taken[i]) {
                    long id = claims.get(i).row().id();
                    claimedBy
                            .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                            .add(node);
                    claimOrder.add(id); // a group's next row is due only once this one is marked
                    done.add(new OutboxRepository.Delivered(id, 1, "DOC-" + id));
                }
            }
            if (done.isEmpty()) {
                return false;
            }
            for (boolean m : repo.markDeliveredAll(done, Instant.now())) {
                assertThat(m).isTrue();
            }
            return true;
        });

        assertTakenOnceSharedAndGroupsInOrder(claimedBy, claimOrder, rows, 3);
        assertThat(new JdbcTemplate(ds)
                        .queryForObject(
                                "SELECT COUNT(*) FROM outbox WHERE external_reference <> "
                                        + "'node-' || '0' || '-' || id AND external_reference <> 'node-' || '1' || '-' || id "
                                        + "AND external_reference <> 'node-' || '2' || '-' || id",
                                Long.class))
                .as("each row holds the reference of the claim that took it")
                .isZero();
    }

    @Test
    void twoDeliverersOnPostgresDeliverEveryRowOnceAndEachOrderingGroupInOrder() {
        OutboxRepository writer = new OutboxRepository(ds);
        Instant now = Instant.now().minusSeconds(1);
        for (int i = 0; i < 90; i++) {
            writer.insert(null, "erp", "NOTIFICATION", "key-" + i, now); // documents of their own: no event needed
        }
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.update("UPDATE outbox SET ordering_key = 'ncr-' || (id % 3) WHERE id % 3 <> 0");
        OutboxBatchDeliveryTest.FakeTarget target = new OutboxBatchDeliveryTest.FakeTarget();
        EnterpriseProperties.Outbox cfg = EnterpriseProperties.Outbox.defaults()
                .withPollInterval(Duration.ofMillis(20))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .withClaimLease(Duration.ofSeconds(30))
                .withConcurrency(4);
        List<OutboxDeliverer> deliverers = new ArrayList<>();
        try {
            for (int n = 0; n < 2; n++) {
                OutboxDeliverer d = PlainOutboxThreads.deliverer(
                        new OutboxRepository(nodes.get(n)), target, cfg, java.time.Clock.systemUTC());
                deliverers.add(d);
                d.start();
            }
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE status = 'DELIVERED'", Long.class)
                                    == 90);
        } finally {
            deliverers.forEach(OutboxDeliverer::close);
        }
        assertThat(target.created).hasSize(90).doesNotHaveDuplicates();
        assertThat(target.calls).hasSize(90);
        Map<String, List<Long>> groups = new HashMap<>();
        Map<String, Long> idOfKey = new HashMap<>();
        jdbc.query("SELECT id, delivery_key, ordering_key FROM outbox", rs -> {
            idOfKey.put(rs.getString(2), rs.getLong(1));
            if (rs.getString(3) != null) {
                groups.computeIfAbsent(rs.getString(3), k -> new ArrayList<>()).add(rs.getLong(1));
            }
        });
        List<Long> callOrder =
                target.calls.stream().map(c -> idOfKey.get(c.key())).toList();
        assertThat(groups).hasSize(2);
        for (List<Long> ids : groups.values()) {
            Collections.sort(ids);
            assertThat(callOrder.stream().filter(ids::contains).toList())
                    .as("a group is delivered in id order")
                    .containsExactlyElementsOf(ids);
        }
    }
}
