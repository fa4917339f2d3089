package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox's gauges {@code visionhub.outbox.rows{status}} and the health indicator's {@code rows} on H2: the
 * numbers of each status as rows come and change status, one statement per scrape of the four gauges, and a
 * statement that reads no DELIVERED row (its plan: index ranges on status and the table's row count).
 */
class OutboxMetricsTest {

    private final StatementLog log = new StatementLog();
    private OutboxTestDb db;
    private DataSource logged;
    private OutboxRepository repo;
    private final AtomicLong keys = new AtomicLong();

    @BeforeEach
    void setUp() {
        db = OutboxTestDb.inMemory();
        logged = log.wrap(db.dataSource());
        repo = new OutboxRepository(logged);
    }

    /** Inserts n PENDING rows (as the ledger does) and answers their ids. */
    private List<Long> insert(int n) {
        List<Long> ids = new ArrayList<>();
        JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
        for (int i = 0; i < n; i++) {
            String key = "k-" + keys.incrementAndGet();
            repo.insert("insp-" + key, "sap-qm", "QUALITY_NOTIFICATION", key, Instant.now());
            ids.add(jdbc.queryForObject("SELECT id FROM outbox WHERE delivery_key = ?", Long.class, key));
        }
        return ids;
    }

    private void deliver(long id) {
        Instant now = Instant.now();
        assertThat(repo.claim(id, now, now.plusSeconds(60))).isTrue();
        assertThat(repo.markDelivered(id, 1, "DOC-" + id, now)).isTrue();
    }

    private void park(long id) {
        assertThat(repo.park(id, 5, "400 bad request", Instant.now())).isTrue();
    }

    private static Map<String, Double> gauges(io.micrometer.core.instrument.MeterRegistry registry) {
        Map<String, Double> out = new java.util.TreeMap<>();
        registry.get("visionhub.outbox.rows")
                .gauges()
                .forEach(g -> out.put(g.getId().getTag("status"), g.value()));
        return out;
    }

    private List<String> countStatements() {
        return log.statements().stream()
                .filter(s -> s.toLowerCase().contains("count("))
                .toList();
    }

    @Test
    void oneScrapeOfTheFourGaugesRunsOneStatement() {
        List<Long> ids = insert(6);
        deliver(ids.get(0));
        deliver(ids.get(1));
        park(ids.get(2));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new OutboxMetrics(repo, null).bindTo(prometheus);
        log.clear();

        String scrape = prometheus.scrape();

        assertThat(scrape)
                .contains("visionhub_outbox_rows{status=\"PENDING\"} 3.0")
                .contains("visionhub_outbox_rows{status=\"DELIVERED\"} 2.0")
                .contains("visionhub_outbox_rows{status=\"PARKED\"} 1.0")
                .contains("visionhub_outbox_rows{status=\"CANCELLED\"} 0.0");
        assertThat(log.statements())
                .as("statements sent for one scrape of visionhub.outbox.rows{PENDING,DELIVERED,PARKED,CANCELLED}")
                .hasSize(1);
    }

    @Test
    void gaugesAndHealthFollowRowsAsTheyChangeStatus() {
        AtomicLong nanos = new AtomicLong();
        OutboxCountsReader reader = new OutboxCountsReader(repo::counts, Duration.ofSeconds(1), nanos::get);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new OutboxMetrics(reader, null).bindTo(registry);
        OutboxHealthIndicator health = new OutboxHealthIndicator(reader, null);

        assertThat(gauges(registry))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("PENDING", 0.0, "DELIVERED", 0.0, "PARKED", 0.0, "CANCELLED", 0.0));
        assertThat(health.health().getDetails()).containsEntry("rows", Map.of());

        List<Long> ids = insert(10);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(gauges(registry))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("PENDING", 10.0, "DELIVERED", 0.0, "PARKED", 0.0, "CANCELLED", 0.0));

        for (int i = 0; i < 6; i++) {
            deliver(ids.get(i));
        }
        park(ids.get(6));
        park(ids.get(7));
        assertThat(repo.cancel(ids.get(8), Instant.now())).isTrue();
        // a claimed row (in flight) stays PENDING under its lease
        assertThat(repo.claim(ids.get(9), Instant.now(), Instant.now().plusSeconds(60)))
                .isTrue();
        assertThat(gauges(registry))
                .as("within the ttl the reading of the last scrape is reused")
                .containsEntry("PENDING", 10.0);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(gauges(registry))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("PENDING", 1.0, "DELIVERED", 6.0, "PARKED", 2.0, "CANCELLED", 1.0));
        Health h = health.health();
        assertThat(h.getStatus()).isEqualTo(OutboxHealthIndicator.DEGRADED);
        assertThat(h.getDetails())
                .containsEntry("rows", Map.of("PENDING", 1L, "DELIVERED", 6L, "PARKED", 2L, "CANCELLED", 1L));

        // parked rows retried and delivered, the cancelled one stays; what the exact GROUP BY says
        assertThat(repo.requeue(ids.get(6), Instant.now())).isTrue();
        assertThat(repo.requeue(ids.get(7), Instant.now())).isTrue();
        deliver(ids.get(6));
        deliver(ids.get(7));
        assertThat(repo.markDelivered(ids.get(9), 1, "DOC-9", Instant.now())).isTrue();
        insert(3);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        Map<String, Long> exact = repo.countsByStatus();
        assertThat(exact).isEqualTo(Map.of("PENDING", 3L, "DELIVERED", 9L, "CANCELLED", 1L));
        assertThat(gauges(registry))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("PENDING", 3.0, "DELIVERED", 9.0, "PARKED", 0.0, "CANCELLED", 1.0));
        h = health.health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("rows", exact);
    }

    @Test
    void gaugesOfTheShippedConstructorShowChangesWithinAboutASecond() {
        List<Long> ids = insert(2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new OutboxMetrics(repo, null).bindTo(registry);
        assertThat(gauges(registry)).containsEntry("PENDING", 2.0).containsEntry("DELIVERED", 0.0);
        deliver(ids.get(0));
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> gauges(registry).get("DELIVERED") == 1.0
                        && gauges(registry).get("PENDING") == 1.0);
    }

    @Test
    void theStatementReadsNoDeliveredRowOnlyStatusRangesAndTheRowCount() {
        List<Long> ids = insert(40);
        for (int i = 0; i < 35; i++) {
            deliver(ids.get(i));
        }
        park(ids.get(35));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new OutboxMetrics(repo, null).bindTo(registry);
        new OutboxHealthIndicator(repo, null).health();
        log.clear();
        gauges(registry);
        List<String> sent = countStatements();
        assertThat(sent).isNotEmpty();

        JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
        for (String sql : sent) {
            String plan = jdbc.queryForObject("EXPLAIN " + sql, String.class);
            // every read of the outbox is a range of an index on status = a small status, or the row count that
            // H2 keeps ("direct lookup"); a bare index or table scan (the old GROUP BY) reads every DELIVERED row
            List<String> lines = plan.toLowerCase().lines().map(String::strip).toList();
            int scans = 0;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!line.startsWith("/* public.")) {
                    continue;
                }
                scans++;
                boolean range = line.contains("status = 'pending'")
                        || line.contains("status = 'parked'")
                        || line.contains("status = 'cancelled'");
                boolean rowCount = i + 1 < lines.size() && lines.get(i + 1).contains("/* direct lookup */");
                assertThat(range || rowCount)
                        .as(
                                "'%s' is an index range on a small status or the row count, in the plan of %s:%n%s",
                                line, sql, plan)
                        .isTrue();
            }
            assertThat(scans).as("plan of %s:%n%s", sql, plan).isPositive();
        }
    }

    @Test
    void theRowCountLeavesOutWhatOtherTransactionsHaveNotCommitted() throws Exception {
        List<Long> ids = insert(5);
        deliver(ids.get(0));
        assertThat(repo.counts()).isEqualTo(new OutboxCounts(4, 1, 0, 0, false));
        try (java.sql.Connection other = db.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (java.sql.Statement s = other.createStatement()) {
                s.executeUpdate("INSERT INTO outbox (target, document_type, delivery_key, created_at, updated_at) "
                        + "VALUES ('sap-qm', 'QUALITY_NOTIFICATION', 'open-tx', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                s.executeUpdate("UPDATE outbox SET status = 'DELIVERED' WHERE id = " + ids.get(1));
                s.executeUpdate("UPDATE outbox SET status = 'PARKED' WHERE id = " + ids.get(2));
                s.executeUpdate("DELETE FROM outbox WHERE id = " + ids.get(0));
            }
            assertThat(repo.counts())
                    .as("while the other transaction is open")
                    .isEqualTo(new OutboxCounts(4, 1, 0, 0, false));
            other.commit();
        }
        assertThat(repo.counts()).isEqualTo(new OutboxCounts(3, 1, 1, 0, false));
        assertThat(repo.countsByStatus()).isEqualTo(Map.of("PENDING", 3L, "DELIVERED", 1L, "PARKED", 1L));
    }

    @Test
    void aFailedReadingIsNaNOnTheGaugesDownOnHealthAndTriedOncePerTtl() {
        AtomicLong nanos = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>(new IllegalStateException("database down"));
        OutboxCountsReader reader = new OutboxCountsReader(
                () -> {
                    reads.incrementAndGet();
                    RuntimeException e = failure.get();
                    if (e != null) {
                        throw e;
                    }
                    return repo.counts();
                },
                Duration.ofSeconds(1),
                nanos::get);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new OutboxMetrics(reader, null).bindTo(registry);
        OutboxHealthIndicator health = new OutboxHealthIndicator(reader, null);

        assertThat(gauges(registry).values()).hasSize(4).allMatch(v -> v.isNaN());
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(reads).hasValue(1);

        failure.set(null);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(gauges(registry)).containsEntry("PENDING", 0.0);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(reads).hasValue(2);
    }
}
