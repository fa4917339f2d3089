package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox's counts on PostgreSQL (skipped when no PostgreSQL answers on 127.0.0.1:5432, db test, user
 * postgres): PENDING, PARKED and CANCELLED exact through index ranges, DELIVERED the statistics' row count less
 * those (an estimate, marked so), one statement per scrape of the four gauges.
 */
class OutboxCountsPostgresTest {

    private final StatementLog log = new StatementLog();
    private PGSimpleDataSource ds;
    private OutboxRepository repo;

    @BeforeEach
    void connect() throws Exception {
        ds = OutboxTestDb.postgresSchema();
        repo = new OutboxRepository(log.wrap(ds));
    }

    @AfterEach
    void drop() {
        OutboxTestDb.dropPostgresSchema(ds);
    }

    /** 5 PENDING (one of them claimed: in flight), 20 DELIVERED, 3 PARKED, 2 CANCELLED. */
    private void rows() {
        Instant now = Instant.now();
        List<Long> ids = new ArrayList<>();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        for (int i = 0; i < 30; i++) {
            repo.insert("insp-" + i, "sap-qm", "QUALITY_NOTIFICATION", "k-" + i, now);
            ids.add(jdbc.queryForObject("SELECT id FROM outbox WHERE delivery_key = ?", Long.class, "k-" + i));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(repo.claim(ids.get(i), now, now.plusSeconds(60))).isTrue();
            assertThat(repo.markDelivered(ids.get(i), 1, "DOC-" + i, now)).isTrue();
        }
        for (int i = 20; i < 23; i++) {
            assertThat(repo.park(ids.get(i), 5, "400", now)).isTrue();
        }
        assertThat(repo.cancel(ids.get(23), now)).isTrue();
        assertThat(repo.cancel(ids.get(24), now)).isTrue();
        assertThat(repo.claim(ids.get(25), now, now.plusSeconds(60))).isTrue();
    }

    @Test
    void smallStatusesExactDeliveredFromTheStatisticsOneStatementPerScrape() {
        rows();
        OutboxCounts counts = repo.counts();
        assertThat(counts.pending()).isEqualTo(5);
        assertThat(counts.parked()).isEqualTo(3);
        assertThat(counts.cancelled()).isEqualTo(2);
        assertThat(counts.deliveredEstimated()).isTrue();
        // each connection of this data source ends its backend, which reports its inserts to the statistics
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> repo.counts().delivered() == 20);
        assertThat(repo.countsByStatus())
                .isEqualTo(Map.of("PENDING", 5L, "DELIVERED", 20L, "PARKED", 3L, "CANCELLED", 2L));

        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new OutboxMetrics(repo, null).bindTo(prometheus);
        log.clear();
        String scrape = prometheus.scrape();
        assertThat(scrape)
                .contains("visionhub_outbox_rows{status=\"PENDING\"} 5.0")
                .contains("visionhub_outbox_rows{status=\"DELIVERED\"} 20.0")
                .contains("visionhub_outbox_rows{status=\"PARKED\"} 3.0")
                .contains("visionhub_outbox_rows{status=\"CANCELLED\"} 2.0");
        assertThat(log.statements()).hasSize(1);
    }

    @Test
    void theStatementReadsTheOutboxOnlyThroughIndexRangesOnStatus() throws Exception {
        rows();
        new OutboxMetrics(repo, null).bindTo(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        log.clear();
        repo.counts();
        String sql = log.statements().get(0);
        // a table this small is read whole whatever the query; with sequential scans off the planner shows
        // whether the statement can be answered through index ranges on status (the old GROUP BY cannot)
        String plan;
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            StringBuilder b = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
                while (rs.next()) {
                    b.append(rs.getString(1)).append('\n');
                }
            }
            plan = b.toString();
        }
        List<String> lines = plan.lines().map(String::strip).toList();
        long scans = lines.stream()
                .filter(l -> l.matches(".*(Scan|Scan using \\S+) on outbox\\b.*") && !l.contains("Bitmap Index Scan"))
                .count();
        long statusRanges = lines.stream()
                .filter(l -> l.startsWith("Index Cond:") && l.contains("status"))
                .filter(l -> l.contains("'PENDING'") || l.contains("'PARKED'") || l.contains("'CANCELLED'"))
                .count();
        assertThat(plan).as(plan).doesNotContain("Seq Scan on outbox");
        assertThat(scans).as(plan).isEqualTo(3);
        assertThat(statusRanges).as(plan).isEqualTo(3);
    }
}
