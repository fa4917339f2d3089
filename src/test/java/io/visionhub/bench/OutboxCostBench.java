package io.visionhub.bench;

import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.outbox.OutboxDeliverer;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.outbox.PlainOutboxThreads;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.simulators.EnterpriseSimulators;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the outbox's own threads cost per delivered document, counted rather than timed: the CPU time of the
 * threads named {@code outbox-*} (the poller and the delivery pool, read from the JVM per thread) and the JDBC
 * statements and commits they send, per document, while NG inspections arrive at a steady rate (as in the
 * side-by-side bench: a webhook document and a SAP QM notification per NG part), and per second while idle.
 * The database is the hub's H2 file with its shipped settings (Flyway schema); the targets are the simulators
 * on loopback (their CPU is not counted: they run on their own server threads).
 *
 * <p>Args: [ngPerSecond=100] [seconds=10] [rounds=3] [idleSeconds=3] [--groups=N]. With {@code --groups=N} the
 * SAP rows go into N ordering groups in turn (as the items of N open NCRs: each group delivered in id order, a
 * delivered row's mark claiming the group's next row). Every round prints CPU µs and statements per delivered
 * document; compare two builds by running this harness against each, alternating.
 */
public final class OutboxCostBench {

    private OutboxCostBench() {}

    public static void main(String[] args) throws Exception {
        int groups = 0;
        java.util.List<String> positional = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--groups=")) {
                groups = Integer.parseInt(a.substring("--groups=".length()));
                if (groups < 1) {
                    throw new IllegalArgumentException("--groups must be at least 1, was " + groups);
                }
            } else {
                positional.add(a);
            }
        }
        args = positional.toArray(String[]::new);
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int idleSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (EnterpriseSimulators sims = EnterpriseSimulators.onFreePorts()) {
            Path dir = Files.createTempDirectory("outbox-cost-bench");
            DataSource plain = LedgerTestSupport.h2AsShipped(dir);
            Counts counts = new Counts();
            DataSource ds = counting(plain, counts);
            OutboxRepository repo = new OutboxRepository(ds);
            // rows written as the ledger's append writes them, on connections that are not counted
            JdbcTemplate recorder = new JdbcTemplate(plain);
            OutboxRepository uncounted = new OutboxRepository(plain);
            DeliveryService service = new DeliveryService(
                    new EnterpriseTargets(TestEvents.targets(sims, Duration.ofSeconds(10)), n -> null),
                    new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                    new SeverityPolicy(Map.of(), "MEDIUM"),
                    "demo-customer",
                    "bench");
            EnterpriseProperties.Outbox cfg = EnterpriseProperties.Outbox.defaults();
            System.out.printf(
                    "OutboxCostBench: %d NG/s (webhook + sap-qm each%s) for %d s, %d rounds; H2 file as shipped; "
                            + "poll %d ms, %d in flight; load average %.1f%n",
                    rate,
                    groups > 0 ? ", sap-qm in " + groups + " ordering groups" : "",
                    seconds,
                    rounds,
                    cfg.pollInterval().toMillis(),
                    cfg.concurrency(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            AtomicLong seq = new AtomicLong();
            try (OutboxDeliverer deliverer = PlainOutboxThreads.deliverer(repo, service, cfg, Clock.systemUTC())) {
                deliverer.start();
                for (int round = 0; round <= rounds; round++) {
                    // idle: the poll loop alone
                    Map<Long, Long> cpu0 = outboxCpu(threads);
                    long[] c0 = counts.snapshot();
                    TimeUnit.SECONDS.sleep(idleSeconds);
                    double idleCpuMs = cpuDelta(threads, cpu0) / 1e6;
                    long[] idle = counts.minus(c0);
                    // busy: NG parts at a steady rate, two documents each
                    long base = deliverer.deliveredCount();
                    cpu0 = outboxCpu(threads);
                    c0 = counts.snapshot();
                    int n = rate * seconds;
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        InspectionEvent e = TestEvents.ng("station-1", "scratch");
                        recorder.update(
                                "INSERT INTO inspection (id, ledger_seq, station, line, result, event_json) "
                                        + "VALUES (?,?,?,?,?,?)",
                                e.id(),
                                seq.incrementAndGet(),
                                e.station(),
                                e.line(),
                                e.result().name(),
                                EventJson.toJson(e));
                        uncounted.insert(e.id(), "webhook", "WORK_REQUEST", e.id(), Instant.now());
                        if (groups == 0) {
                            uncounted.insert(e.id(), "sap-qm", "QUALITY_NOTIFICATION", e.id(), Instant.now());
                        } else {
                            java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
                            recorder.update(
                                    "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, "
                                            + "attempts, next_attempt_at, created_at, updated_at, ordering_key) "
                                            + "VALUES (?,'sap-qm','QUALITY_NOTIFICATION',?,'PENDING',0,?,?,?,?)",
                                    e.id(),
                                    e.id(),
                                    now,
                                    now,
                                    now,
                                    "NCR|bench-" + (i % groups));
                        }
                    }
                    long expected = base + 2L * n;
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                    while (deliverer.deliveredCount() < expected && System.nanoTime() < until) {
                        TimeUnit.MILLISECONDS.sleep(10);
                    }
                    long docs = deliverer.deliveredCount() - base;
                    double drained = (System.nanoTime() - start) / 1e9;
                    double busyCpuMs = cpuDelta(threads, cpu0) / 1e6;
                    long[] busy = counts.minus(c0);
                    System.out.printf(
                            "%s %d: %d documents, outbox threads %.1f µs CPU per document; per document %.2f "
                                    + "statements (%.2f queries, %.2f updates), %.2f commits | idle %d s: %.2f ms CPU/s, "
                                    + "%.1f statements/s; last document %.1f s after the first NG part (offered in %d s); "
                                    + "load %.1f%n",
                            round == 0 ? "warm-up" : "round",
                            round,
                            docs,
                            busyCpuMs * 1000 / docs,
                            (double) (busy[0] + busy[1]) / docs,
                            (double) busy[0] / docs,
                            (double) busy[1] / docs,
                            (double) busy[2] / docs,
                            idleSeconds,
                            idleCpuMs / idleSeconds,
                            (double) (idle[0] + idle[1]) / idleSeconds,
                            drained,
                            seconds,
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                }
            }
            System.out.printf(
                    "documents: webhook %d, sap-qm %d; outbox %s%n",
                    sims.webhook().workRequests().count(),
                    sims.sap().qualityNotifications().count(),
                    repo.countsByStatus());
        }
    }

    /** CPU nanoseconds per live thread named outbox-* (the poller and the delivery pool). */
    private static Map<Long, Long> outboxCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("outbox-")) {
                cpu.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return cpu;
    }

    private static long cpuDelta(ThreadMXBean threads, Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : outboxCpu(threads).entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    /** Statements (queries, updates; a batch counts each of its rows) and commits sent through the data source. */
    private static final class Counts {
        final AtomicLong queries = new AtomicLong();
        final AtomicLong updates = new AtomicLong();
        final AtomicLong commits = new AtomicLong();

        long[] snapshot() {
            return new long[] {queries.get(), updates.get(), commits.get()};
        }

        long[] minus(long[] before) {
            long[] now = snapshot();
            return new long[] {now[0] - before[0], now[1] - before[1], now[2] - before[2]};
        }
    }

    /**
     * A data source whose connections count what the outbox sends: a statement run outside a transaction
     * (auto-commit) counts a commit of its own, a transaction one at its commit.
     */
    private static DataSource counting(DataSource ds, Counts counts) {
        return (DataSource) Proxy.newProxyInstance(
                OutboxCostBench.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    Object r = invoke(ds, m, a);
                    return r instanceof Connection c ? connection(c, counts) : r;
                });
    }

    private static Connection connection(Connection c, Counts counts) {
        return (Connection) Proxy.newProxyInstance(
                OutboxCostBench.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                    Object r = invoke(c, m, a);
                    if (m.getName().equals("commit")) {
                        counts.commits.incrementAndGet();
                    }
                    if (r instanceof PreparedStatement ps) {
                        return statement(ps, c, counts);
                    }
                    return r;
                });
    }

    private static PreparedStatement statement(PreparedStatement ps, Connection c, Counts counts) {
        InvocationHandler h = (p, m, a) -> {
            String name = m.getName();
            if (name.equals("executeQuery")) {
                counts.queries.incrementAndGet();
            } else if (name.equals("executeUpdate") || name.equals("addBatch") || name.equals("execute")) {
                counts.updates.incrementAndGet();
            }
            if (!name.equals("executeQuery") && name.startsWith("execute") && c.getAutoCommit()) {
                counts.commits.incrementAndGet();
            }
            return invoke(ps, m, a);
        };
        return (PreparedStatement) Proxy.newProxyInstance(
                OutboxCostBench.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, h);
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
