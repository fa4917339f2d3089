package io.visionhub.bench;

import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.outbox.OutboxDeliverer;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.outbox.OutboxTestDb;
import io.visionhub.enterprise.outbox.PlainOutboxThreads;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.enterprise.rules.RuleSettings;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.simulators.EnterpriseSimulators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Enterprise delivery, end to end through the real path: the ledger's rows (inspection + outbox, H2) → outbox
 * deliverer (claim, mapping sap-qm.jsonata, SAP OData V4 client with CSRF, lookup by external reference, create)
 * → document created in the SAP simulator (in-process, loopback HTTP).
 * <ol>
 *   <li>latency: defect recorded → quality notification created, p50/p99 at a steady 50 defects/s (target p99 &lt; 1 s);</li>
 *   <li>throughput: deliveries/s sustained to one target while defects arrive at 250/s for 20 s (target 200/s),
 *       and the drain rate of a backlog.</li>
 * </ol>
 * Args: [latencyCount=1000] [sustainedSeconds=20] [offeredRate=250] [backlog=3000] [--ledger].
 * With {@code --ledger} each defect goes through the real path before the outbox: {@link EnterpriseRules} decides
 * the delivery and {@link JdbcInspectionLedger#append} records it (group commit, H2 file synced per commit,
 * Flyway-migrated schema, signed heads), called from 8 appender threads.
 */
public final class EnterpriseDeliveryBench {

    private EnterpriseDeliveryBench() {}

    public static void main(String[] args) throws Exception {
        int latencyCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int sustainedSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int offeredRate = args.length > 2 ? Integer.parseInt(args[2]) : 250;
        int backlog = args.length > 3 ? Integer.parseInt(args[3]) : 3000;
        boolean viaLedger = List.of(args).contains("--ledger");
        // --groups=N: the backlog's rows in N ordering groups (as the items of N NCRs), each delivered in id order
        int groups = List.of(args).stream()
                .filter(a -> a.startsWith("--groups="))
                .mapToInt(a -> Integer.parseInt(a.substring("--groups=".length())))
                .findFirst()
                .orElse(0);

        try (EnterpriseSimulators sims = EnterpriseSimulators.onFreePorts()) {
            Path dir = Files.createTempDirectory("enterprise-bench");
            DataSource ds;
            Recorder recorder;
            ExecutorService appenders = Executors.newFixedThreadPool(8);
            JdbcInspectionLedger ledger = null;
            if (viaLedger) {
                ds = LedgerTestSupport.h2(dir);
                ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir));
                JdbcInspectionLedger l = ledger;
                EnterpriseProperties.Rules rulesConfig =
                        EnterpriseProperties.Rules.defaults().withMaintenanceTarget("");
                RuleSettings settings = RuleSettings.defaults(rulesConfig);
                EnterpriseRules rules =
                        new EnterpriseRules(settings, new SeverityPolicy(Map.of(), "MEDIUM"), n -> null);
                recorder = e -> appenders.execute(() -> l.append(e, rules.decide(e, settings)));
            } else {
                OutboxTestDb mem = OutboxTestDb.inMemory();
                ds = mem.dataSource();
                recorder = e -> mem.record(e, "sap-qm", "QUALITY_NOTIFICATION", e.id());
            }
            OutboxRepository repo = new OutboxRepository(ds);
            Map<String, Long> recordedAt = new ConcurrentHashMap<>();
            Map<String, Long> createdAt = new ConcurrentHashMap<>();
            sims.sap()
                    .qualityNotifications()
                    .onCreate(d -> createdAt.put(
                            String.valueOf(d.fields().get("QltyNotifExternalReference")), d.createdNanos()));

            EnterpriseProperties.Outbox cfg =
                    EnterpriseProperties.Outbox.defaults(); // production defaults: 100 ms poll, 16 in flight
            DeliveryService service = new DeliveryService(
                    new EnterpriseTargets(TestEvents.targets(sims, Duration.ofSeconds(10)), n -> null),
                    new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                    new SeverityPolicy(Map.of(), "MEDIUM"),
                    "demo-customer",
                    "bench");
            try (OutboxDeliverer deliverer = PlainOutboxThreads.deliverer(repo, service, cfg, Clock.systemUTC())) {
                deliverer.start();
                LongSupplier delivered = deliverer::deliveredCount; // the harness must not load the database itself
                System.out.printf(
                        "EnterpriseDeliveryBench: %s, SAP simulator on loopback, poll %d ms, %d in flight, %d cores%n",
                        viaLedger
                                ? "rules + JdbcInspectionLedger.append (H2 file, group commit)"
                                : "outbox rows inserted in H2 in memory",
                        cfg.pollInterval().toMillis(),
                        cfg.concurrency(),
                        Runtime.getRuntime().availableProcessors());

                // warm-up
                offer(recorder, recordedAt, 300, 100);
                waitDelivered(delivered, 300, Duration.ofSeconds(120));
                createdAt.clear();
                recordedAt.clear();

                // 1. latency at a steady rate
                List<String> ids = offer(recorder, recordedAt, latencyCount, 50);
                waitDelivered(delivered, 300 + latencyCount, Duration.ofSeconds(120));
                long[] lat = ids.stream()
                        .mapToLong(id -> createdAt.get(id) - recordedAt.get(id))
                        .sorted()
                        .toArray();
                System.out.printf(
                        "latency defect recorded -> SAP QM notification created (%d at 50/s): p50 %.1f ms, "
                                + "p90 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 < 1000 ms)%n",
                        lat.length, pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[lat.length - 1] / 1e6);

                // 2. sustained: offered rate for N seconds, measure delivered per second over the same period
                long base = delivered.getAsLong();
                long t0 = System.nanoTime();
                offer(recorder, recordedAt, offeredRate * sustainedSeconds, offeredRate);
                long offeredNanos = System.nanoTime() - t0;
                long deliveredInWindow = delivered.getAsLong() - base;
                long total = base + (long) offeredRate * sustainedSeconds;
                waitDelivered(delivered, total, Duration.ofSeconds(300));
                long allNanos = System.nanoTime() - t0;
                System.out.printf(
                        "sustained: offered %d/s for %d s; delivered %.0f/s during the offer, all %d delivered "
                                + "%.1f s after the first (%.0f/s overall; target 200/s)%n",
                        offeredRate,
                        sustainedSeconds,
                        deliveredInWindow / (offeredNanos / 1e9),
                        offeredRate * sustainedSeconds,
                        allNanos / 1e9,
                        offeredRate * sustainedSeconds / (allNanos / 1e9));

                // 3. backlog drain (target was down; everything queued)
                sims.sap().faults().down(true);
                deliverer.close();
            }
            offer(recorder, recordedAt, backlog, 0);
            if (groups > 0) {
                waitPending(ds, backlog);
                new org.springframework.jdbc.core.JdbcTemplate(ds)
                        .update("UPDATE outbox SET ordering_key = 'NCR|bench-' || MOD(id, " + groups
                                + ") || '|sap-qm' WHERE status = 'PENDING'");
            }
            sims.sap().faults().down(false);
            try (OutboxDeliverer deliverer = PlainOutboxThreads.deliverer(repo, service, cfg, Clock.systemUTC())) {
                long t1 = System.nanoTime();
                long cpu1 = processCpuNanos();
                deliverer.start();
                waitDelivered(deliverer::deliveredCount, backlog, Duration.ofSeconds(300));
                double s = (System.nanoTime() - t1) / 1e9;
                double cpuMs = (processCpuNanos() - cpu1) / 1e6;
                System.out.printf(
                        "backlog drain: %d queued deliveries%s in %.1f s = %.0f deliveries/s, CPU %.3f ms per delivery "
                                + "(this JVM: deliverer, H2, SAP simulator)%n",
                        backlog,
                        groups > 0 ? " in " + groups + " ordering groups" : "",
                        s,
                        backlog / s,
                        cpuMs / backlog);
            }
            Map<String, Long> counts = repo.countsByStatus();
            System.out.printf(
                    "documents in the simulator: %d, outbox %s (no duplicates: %b)%n",
                    sims.sap().qualityNotifications().count(),
                    counts,
                    sims.sap().qualityNotifications().count() == counts.getOrDefault("DELIVERED", 0L));
            appenders.shutdown();
            if (ledger != null) {
                ledger.close();
            }
        }
    }

    /** Records one defect the way the chosen mode does. */
    private interface Recorder {
        void record(InspectionEvent e);
    }

    /** Records n NG inspections with a quality notification each, at rate/s (0 = as fast as possible). */
    private static List<String> offer(Recorder recorder, Map<String, Long> recordedAt, int n, int rate) {
        List<String> ids = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (rate > 0) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            InspectionEvent e = TestEvents.ng("station-1", "scratch");
            recordedAt.put(e.id(), System.nanoTime());
            recorder.record(e);
            ids.add(e.id());
        }
        return ids;
    }

    private static void waitDelivered(LongSupplier delivered, long expected, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (delivered.getAsLong() < expected) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(
                        "only " + delivered.getAsLong() + " of " + expected + " delivered in " + max);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** CPU time of this JVM (all threads), as /proc/self/stat counts it. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Waits until the recorder (the ledger's appender threads with --ledger) has written {@code n} PENDING rows. */
    private static void waitPending(DataSource ds, int n) throws InterruptedException {
        var jdbc = new org.springframework.jdbc.core.JdbcTemplate(ds);
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE status = 'PENDING'", Long.class) < n) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the backlog's " + n + " rows were not recorded in 120 s");
            }
            Thread.sleep(50);
        }
    }
}
