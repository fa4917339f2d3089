package io.visionhub.bench;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visionhub.enterprise.outbox.OutboxCounts;
import io.visionhub.enterprise.outbox.OutboxCountsReader;
import io.visionhub.enterprise.outbox.OutboxHealthIndicator;
import io.visionhub.enterprise.outbox.OutboxMetrics;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.outbox.OutboxRow;
import io.visionhub.enterprise.outbox.StatementLog;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What one Prometheus scrape of {@code visionhub.outbox.rows{status}} (four gauges) and one health check cost on a
 * large outbox, the old way and the new way in the same run, on the same table:
 *
 * <ul>
 *   <li>old: each gauge ran {@code SELECT status, COUNT(*) FROM outbox GROUP BY status} (four full scans per scrape),
 *       the health check once more; replayed here with {@link OutboxRepository#countsByStatus()}, which still is
 *       that statement;</li>
 *   <li>new: {@link OutboxMetrics} and {@link OutboxHealthIndicator} as shipped, one {@link OutboxCountsReader}
 *       reading ({@link OutboxRepository#counts()}) per scrape.</li>
 * </ul>
 *
 * <p>The outbox is the hub's schema (Flyway), on the shipped H2 file settings or, with {@code --postgres}, a fresh
 * schema on 127.0.0.1:5432 (VACUUM ANALYZE after the fill, as autovacuum would). It is filled with {@code rows}
 * rows by INSERT … SELECT: all DELIVERED but {@code small} PENDING, {@code small}/3 PARKED and {@code small}/10
 * CANCELLED. Before every timed call one PENDING row's next attempt is moved (as a claim does), so neither side is
 * answered from H2's cache of the previous identical query's result; old and new alternate, after two rounds of
 * warm-up. Prints the median and the slowest of the rounds, in ms, and the statements per scrape.
 *
 * <p>Run: {@code bench/run OutboxRowsGaugeBench [rows=1000000] [small=300] [rounds=15] [--postgres]}
 */
public final class OutboxRowsGaugeBench {

    private OutboxRowsGaugeBench() {}

    public static void main(String[] argv) throws Exception {
        boolean postgres = Arrays.asList(argv).contains("--postgres");
        String[] args = Arrays.stream(argv).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        int small = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int pending = small;
        int parked = Math.max(1, small / 3);
        int cancelled = Math.max(1, small / 10);
        long delivered = rows - pending - parked - cancelled;

        String schema = postgres ? "bench_" + LedgerTestSupport.uniqueSchema() : null;
        Path dir = postgres ? null : Files.createTempDirectory("outbox-rows-bench");
        DataSource plain = postgres ? LedgerTestSupport.postgres(schema) : LedgerTestSupport.h2AsShipped(dir);
        try {
            run(plain, postgres, delivered, pending, parked, cancelled, rounds);
        } finally {
            if (postgres) {
                LedgerTestSupport.dropSchema(plain, schema);
            }
            if (plain instanceof AutoCloseable c) {
                c.close();
            }
            if (dir != null) { // the H2 file: about 700 MB per million rows
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    private static void run(
            DataSource plain, boolean postgres, long delivered, int pending, int parked, int cancelled, int rounds)
            throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(plain);
        long t0 = System.nanoTime();
        fill(jdbc, postgres, OutboxRow.DELIVERED, 1, delivered);
        fill(jdbc, postgres, OutboxRow.PENDING, delivered + 1, pending);
        fill(jdbc, postgres, OutboxRow.PARKED, delivered + pending + 1, parked);
        fill(jdbc, postgres, OutboxRow.CANCELLED, delivered + pending + parked + 1, cancelled);
        if (postgres) {
            jdbc.execute("VACUUM ANALYZE outbox");
        }
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        long pendingId = jdbc.queryForObject("SELECT MIN(id) FROM outbox WHERE status = 'PENDING'", Long.class);

        StatementLog log = new StatementLog();
        OutboxRepository repo = new OutboxRepository(log.wrap(plain));

        // old: four gauges, each its own GROUP BY (as OutboxMetrics registered them), health one more
        PrometheusMeterRegistry oldRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (String status : OutboxRow.STATUSES) {
            Gauge.builder("visionhub.outbox.rows", repo, r -> r.countsByStatus().getOrDefault(status, 0L))
                    .tag("status", status)
                    .register(oldRegistry);
        }
        Supplier<Object> oldHealth = () -> {
            Map<String, Long> counts = repo.countsByStatus();
            return counts.getOrDefault(OutboxRow.PARKED, 0L) > 0 ? "DEGRADED" : "UP";
        };
        // new: as shipped; a clock that moves 2 s before each scrape, so every scrape reads (no reuse)
        AtomicLong nanos = new AtomicLong();
        OutboxCountsReader reader = new OutboxCountsReader(repo::counts, OutboxCountsReader.DEFAULT_TTL, nanos::get);
        PrometheusMeterRegistry newRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new OutboxMetrics(reader, null).bindTo(newRegistry);
        OutboxHealthIndicator newHealth = new OutboxHealthIndicator(reader, null);

        OutboxCounts counts = repo.counts();
        Map<String, Long> exact = repo.countsByStatus();
        System.out.printf(
                "OutboxRowsGaugeBench on %s: %,d rows filled in %.1f s; exact GROUP BY %s; new reading %s%n",
                postgres ? "PostgreSQL (127.0.0.1:5432, VACUUM ANALYZE after the fill)" : "H2 (shipped file settings)",
                delivered + pending + parked + cancelled,
                fillSeconds,
                exact,
                counts);
        System.out.println("plan of the new statement:");
        String sql = counts(log, repo);
        explain(jdbc, sql).lines().forEach(l -> System.out.println("    " + l));

        List<Double> oldScrape = new ArrayList<>();
        List<Double> newScrape = new ArrayList<>();
        List<Double> oldCheck = new ArrayList<>();
        List<Double> newCheck = new ArrayList<>();
        int oldStatements = 0;
        int newStatements = 0;
        String lastNewScrape = "";
        for (int round = -2; round < rounds; round++) {
            boolean keep = round >= 0;
            touch(jdbc, pendingId);
            log.clear();
            double ms = time(oldRegistry::scrape);
            oldStatements = log.statements().size();
            add(keep, oldScrape, ms);

            touch(jdbc, pendingId);
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            log.clear();
            long s0 = System.nanoTime();
            lastNewScrape = newRegistry.scrape();
            add(keep, newScrape, (System.nanoTime() - s0) / 1e6);
            newStatements = log.statements().size();

            touch(jdbc, pendingId);
            add(keep, oldCheck, time(oldHealth::get));

            touch(jdbc, pendingId);
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            add(keep, newCheck, time(newHealth::health));
        }
        lastNewScrape
                .lines()
                .filter(l -> l.startsWith("visionhub_outbox_rows{"))
                .forEach(l -> System.out.println("new scrape: " + l));
        System.out.printf("%d rounds (after 2 of warm-up), ms: median / slowest%n", rounds);
        System.out.printf(
                "scrape of the 4 gauges, old: %8.2f / %8.2f  (%d statements)%n",
                median(oldScrape), max(oldScrape), oldStatements);
        System.out.printf(
                "scrape of the 4 gauges, new: %8.2f / %8.2f  (%d statement)%n",
                median(newScrape), max(newScrape), newStatements);
        System.out.printf("health check,           old: %8.2f / %8.2f%n", median(oldCheck), max(oldCheck));
        System.out.printf("health check,           new: %8.2f / %8.2f%n", median(newCheck), max(newCheck));
    }

    /** {@code n} rows of one status, ids and keys from {@code first}, in one INSERT … SELECT per 200,000. */
    private static void fill(JdbcTemplate jdbc, boolean postgres, String status, long first, long n) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String range = postgres
                ? "generate_series(CAST(? AS BIGINT), CAST(? AS BIGINT)) AS r(x)"
                : "SYSTEM_RANGE(CAST(? AS BIGINT), CAST(? AS BIGINT)) AS r(x)";
        boolean delivered = OutboxRow.DELIVERED.equals(status);
        for (long from = first; from < first + n; from += 200_000) {
            long to = Math.min(first + n - 1, from + 199_999);
            jdbc.update(
                    "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts, "
                            + "next_attempt_at, document_number, created_at, updated_at, may_have_reached) "
                            + "SELECT NULL, 'sap-qm', 'QUALITY_NOTIFICATION', CONCAT('bench-', CAST(x AS VARCHAR(20))), ?, ?, ?, "
                            + (delivered ? "CONCAT('DOC-', CAST(x AS VARCHAR(20)))" : "NULL")
                            + ", ?, ?, ? FROM " + range,
                    status,
                    delivered ? 1 : 0,
                    now,
                    now,
                    now,
                    !OutboxRow.PENDING.equals(status),
                    from,
                    to);
        }
    }

    /** What a claim does to one row: its next attempt moves (the table changed since the last query). */
    private static void touch(JdbcTemplate jdbc, long id) {
        jdbc.update(
                "UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
                OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(60),
                id);
    }

    private static String counts(StatementLog log, OutboxRepository repo) {
        log.clear();
        repo.counts();
        return log.statements().get(0);
    }

    private static String explain(JdbcTemplate jdbc, String sql) {
        return String.join("\n", jdbc.queryForList("EXPLAIN " + sql, String.class));
    }

    private static <T> double time(Supplier<T> s) {
        long t0 = System.nanoTime();
        s.get();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void add(boolean keep, List<Double> to, double ms) {
        if (keep) {
            to.add(ms);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
