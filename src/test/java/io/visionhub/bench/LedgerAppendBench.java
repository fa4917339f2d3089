package io.visionhub.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.EventIds;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.heads.SignedTreeHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;

/**
 * Durable ledger appends: throughput with many concurrent appenders (group commit), and commit latency at a paced
 * 1,000 records/s (latency measured from each record's scheduled time, so a stall is not hidden). Leaf hashing,
 * outbox rows and Ed25519-signed tree heads (every 1,000 records or 10 s) are on; H2 forces its file to disk after
 * each group commit (fsync), PostgreSQL runs with synchronous_commit as configured (on by default).
 * <p>
 * Ids are made as the hub makes them (time-ordered, {@link EventIds}); {@code random-ids} uses random UUIDs instead,
 * as events from an outside source might carry. The JIT warm-up before measuring is 20 s by default ({@code warmup=S}):
 * a hub runs for hours, and the first seconds of a JVM measure the compiler, not the ledger.
 * <p>
 * Usage: bench/run LedgerAppendBench [h2|pg|both] [seconds per phase, default 10] [appender threads, default 64]
 * [h2-nosync] [random-ids] [images] [warmup=S] [linger=MS[,MS...]] [compaction=S[,S...]] [rounds=N] [stalls]
 * <p>
 * {@code stalls} lists, after each measured paced phase, the stretches of records acknowledged later than 10 ms after
 * their scheduled time (when, how many, the worst) and the GC pauses of the phase, so a p99 above the target can be
 * put down to its cause (stretches once every 1,000 records point at the tree heads).
 * <p>
 * {@code linger=0,2} (H2 only) alternates the ledger's {@code batch-linger} in one JVM on one database: a warm-up
 * round, then {@code rounds} rounds (default 2) of a burst phase and a paced 1,000/s phase per value.
 * {@code compaction=1,0} alternates the H2 chunk compaction's interval in seconds (0: off), one database each, and
 * prints each database's file size after each phase: whether the file stops growing, and what compaction costs the
 * writer and the paced latency.
 */
public final class LedgerAppendBench {

    private static boolean h2Sync = true;
    private static boolean randomIds;
    /** {@code images}: each record references its own frame and annotated copy (random SHA-256s), as a camera's do */
    private static boolean images;

    private static int warmupSeconds = 20;
    /** batch-linger values to alternate (null: the ledger's default, one run) */
    private static List<Duration> lingers;

    /** H2 PAGE_SIZE values to alternate, one database each (0: as shipped; null: one run) */
    private static List<Integer> pageSizes;

    /** H2 chunk compaction intervals to alternate, one database each (ZERO: off; null: as shipped, one run) */
    private static List<Duration> compactions;

    private static int rounds = 2;

    /** {@code stalls}: after each measured paced phase, list the runs of records later than 10 ms and the GC pauses */
    private static boolean stalls;

    private LedgerAppendBench() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "both";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("h2-nosync")) {
                h2Sync = false;
            } else if (args[i].equals("random-ids")) {
                randomIds = true;
            } else if (args[i].equals("images")) {
                images = true;
            } else if (args[i].startsWith("warmup=")) {
                warmupSeconds = Integer.parseInt(args[i].substring("warmup=".length()));
            } else if (args[i].startsWith("linger=")) {
                lingers = Arrays.stream(args[i].substring("linger=".length()).split(","))
                        .map(ms -> Duration.ofNanos(Math.round(Double.parseDouble(ms) * 1e6)))
                        .toList();
            } else if (args[i].startsWith("page-size=")) {
                pageSizes = Arrays.stream(
                                args[i].substring("page-size=".length()).split(","))
                        .map(Integer::valueOf)
                        .toList();
            } else if (args[i].startsWith("compaction=")) {
                compactions = Arrays.stream(
                                args[i].substring("compaction=".length()).split(","))
                        .map(sec -> Duration.ofMillis(Math.round(Double.parseDouble(sec) * 1e3)))
                        .toList();
            } else if (args[i].equals("stalls")) {
                stalls = true;
            } else if (args[i].startsWith("rounds=")) {
                rounds = Integer.parseInt(args[i].substring("rounds=".length()));
            } else {
                throw new IllegalArgumentException("unknown option " + args[i]
                        + " (h2-nosync, random-ids, warmup=S, linger=MS[,MS...], page-size=B[,B...], compaction=S[,S...], "
                        + "rounds=N, stalls)");
            }
        }
        System.out.printf(
                "LedgerAppendBench: %d s per phase after %d s warm-up, %d appender threads, %s ids, %d CPUs, "
                        + "Java %s%n",
                seconds,
                warmupSeconds,
                threads,
                randomIds ? "random" : "time-ordered (hub)",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        if (lingers != null || pageSizes != null || compactions != null) {
            alternate(seconds, threads);
            return;
        }
        if (!which.equals("pg")) {
            Path dir = Files.createTempDirectory("ledger-bench-h2");
            try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
                run(
                        h2Sync
                                ? "H2 file (fsync per group commit)"
                                : "H2 file (no forced sync: survives kill -9, " + "not power loss)",
                        ds,
                        dir,
                        seconds,
                        threads);
            } finally {
                FileSystemUtils.deleteRecursively(dir); // 1-2 GB of H2 file per run
            }
        }
        if (!which.equals("h2")) {
            if (!LedgerTestSupport.postgresAvailable()) {
                System.out.println("PostgreSQL: skipped, no server on " + LedgerTestSupport.PG_URL);
            } else {
                Path dir = Files.createTempDirectory("ledger-bench-pg");
                String schema = LedgerTestSupport.uniqueSchema();
                HikariDataSource ds = LedgerTestSupport.postgres(schema);
                try {
                    String sync = new JdbcTemplate(ds).queryForObject("SHOW synchronous_commit", String.class);
                    run("PostgreSQL 127.0.0.1 (synchronous_commit=" + sync + ")", ds, dir, seconds, threads);
                } finally {
                    LedgerTestSupport.dropSchema(ds, schema);
                    ds.close();
                    FileSystemUtils.deleteRecursively(dir);
                }
            }
        }
    }

    /**
     * {@code linger=MS,MS...}: the same H2 database and JVM, one ledger after the other with each batch-linger, for
     * {@code rounds} rounds (before/after in the same minutes on a shared machine): per phase the rate, records per
     * commit, the writer thread's and the process's CPU per record, H2's bytes written per record, and at the paced
     * 1,000/s the commit latency.
     */
    private static void alternate(int seconds, int threads) throws Exception {
        List<Duration> ls =
                lingers == null ? List.of(LedgerProperties.defaults().batchLinger()) : lingers;
        List<Integer> pages = pageSizes == null ? List.of(0) : pageSizes;
        List<Duration> cs = compactions == null
                ? List.of(LedgerProperties.defaults().h2Compaction().interval())
                : compactions;
        System.out.println("== H2 file (fsync per group commit), alternated: batch-linger " + ls + ", PAGE_SIZE "
                + pages + " (0: as shipped), compaction every " + cs + " (0: off)");
        // one database per page size and compaction interval
        List<Integer> sizes = new ArrayList<>();
        List<Duration> compactionOf = new ArrayList<>();
        List<HikariDataSource> dss = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (int size : pages) {
            for (Duration compaction : cs) {
                Path dir = Files.createTempDirectory("ledger-bench-h2");
                dirs.add(dir);
                sizes.add(size);
                compactionOf.add(compaction);
                String url = LedgerTestSupport.h2Url(dir) + (size == 0 ? "" : ";PAGE_SIZE=" + size);
                dss.add(LedgerTestSupport.dataSource(url, "sa", "", null));
            }
        }
        try {
            for (int round = 0; round <= rounds; round++) {
                for (int i = 0; i < sizes.size(); i++) {
                    // every other round in reverse order: no variant always runs on the warmer JIT
                    List<Duration> order = new ArrayList<>(ls);
                    if (round % 2 == 0) {
                        java.util.Collections.reverse(order);
                    }
                    for (Duration linger : order) {
                        String label = String.format(
                                "round %d page %5s linger %.1f ms compaction %s",
                                round,
                                sizes.get(i) == 0 ? "dflt" : sizes.get(i),
                                linger.toNanos() / 1e6,
                                compactionOf.get(i).isZero()
                                        ? "off"
                                        : compactionOf.get(i).toMillis() + " ms");
                        alternatePhases(
                                dss.get(i),
                                dirs.get(i),
                                linger,
                                compactionOf.get(i),
                                seconds,
                                threads,
                                round,
                                ls.size() * sizes.size(),
                                label);
                    }
                }
            }
        } finally {
            dss.forEach(HikariDataSource::close);
            for (Path dir : dirs) {
                FileSystemUtils.deleteRecursively(dir);
            }
        }
    }

    /** One variant of one round: a fresh ledger on ds, a burst phase and a paced phase (round 0: warm-up only). */
    private static void alternatePhases(
            HikariDataSource ds,
            Path dir,
            Duration linger,
            Duration compaction,
            int seconds,
            int threads,
            int round,
            int variants,
            String label)
            throws Exception {
        LedgerProperties props = LedgerTestSupport.props(dir);
        props = props.withHeads(props.heads().withEveryRecords(1000).withEvery(Duration.ofSeconds(10)))
                .withH2SyncEachCommit(h2Sync)
                .withBatchLinger(linger);
        LedgerProperties.H2Compaction c = props.h2Compaction();
        props = props.withH2Compaction(
                new LedgerProperties.H2Compaction(compaction, c.targetFillRate(), c.writeLimit()));
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        try {
            if (round == 0) { // warm-up round: JIT, not measured
                throughput(ledger, threads, Math.max(1, warmupSeconds / variants / 2), false);
                paced(ledger, 1000, Math.max(1, warmupSeconds / variants / 2), false);
                return;
            }
            Phase burst = Phase.start(ds, ledger);
            double rate = throughput(ledger, threads, seconds, false);
            burst.print(label + " burst  " + String.format("%6.0f rec/s", rate), null, dir);
            paced(ledger, 1000, 1, false);
            Phase p = Phase.start(ds, ledger);
            long t0 = System.nanoTime();
            long[] lat = paced(ledger, 1000, seconds, false);
            double achieved = lat.length / ((System.nanoTime() - t0) / 1e9);
            p.print(
                    label + " paced  " + String.format("%6.0f rec/s", achieved),
                    String.format("p50 %.2f p99 %.2f p99.9 %.2f ms", ms(lat, 0.50), ms(lat, 0.99), ms(lat, 0.999)),
                    dir);
        } finally {
            ledger.close();
        }
    }

    /** What one phase cost: commits, the writer's and the process's CPU, H2's writes; the machine's load. */
    private record Phase(
            HikariDataSource ds,
            JdbcInspectionLedger ledger,
            JdbcInspectionLedger.Stats stats,
            long writerCpu,
            long processCpu,
            H2Writes writes,
            MachineLoad load) {
        static Phase start(HikariDataSource ds, JdbcInspectionLedger ledger) {
            return new Phase(
                    ds,
                    ledger,
                    ledger.stats(),
                    writerCpuNanos(),
                    processCpuNanos(),
                    H2Writes.read(ds),
                    MachineLoad.start());
        }

        void print(String label, String latency, Path dir) throws IOException {
            JdbcInspectionLedger.Stats s1 = ledger.stats();
            long records = Math.max(1, s1.records() - stats.records());
            long commits = Math.max(1, s1.commits() - stats.commits());
            H2Writes w = H2Writes.between(writes, H2Writes.read(ds));
            System.out.printf(
                    "  %s: %5.1f rec/commit, writer CPU %6.1f µs/rec, process CPU %6.1f µs/rec, H2 %6.0f B/rec%s; "
                            + "H2 file %.0f MB for %d records; %s%n",
                    label,
                    (double) records / commits,
                    (writerCpuNanos() - writerCpu) / 1e3 / records,
                    (processCpuNanos() - processCpu) / 1e3 / records,
                    w == null ? 0.0 : (double) w.bytes / records,
                    latency == null ? "" : "; " + latency,
                    Files.size(dir.resolve("visionhub.mv.db")) / 1e6,
                    ledger.size(),
                    load.summary());
        }
    }

    private static void run(String name, HikariDataSource ds, Path dir, int seconds, int threads) throws Exception {
        LedgerProperties props = LedgerTestSupport.props(dir);
        props = props.withHeads(props.heads().withEveryRecords(1000).withEvery(Duration.ofSeconds(10)))
                .withH2SyncEachCommit(h2Sync);
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        try {
            System.out.println("== " + name);
            throughput(ledger, threads, warmupSeconds, false);
            JdbcInspectionLedger.Stats s0 = ledger.stats();
            MachineLoad load = MachineLoad.start();
            long writerCpu0 = writerCpuNanos();
            long processCpu0 = processCpuNanos();
            H2Writes w0 = H2Writes.read(ds);
            double rate = throughput(ledger, threads, seconds, true);
            long writerCpu = writerCpuNanos() - writerCpu0;
            long processCpu = processCpuNanos() - processCpu0;
            H2Writes written = H2Writes.between(w0, H2Writes.read(ds));
            JdbcInspectionLedger.Stats s1 = ledger.stats();
            JdbcInspectionLedger.Stats d = new JdbcInspectionLedger.Stats(
                    s1.commits() - s0.commits(), s1.records() - s0.records(), s1.commitNanos() - s0.commitNanos());
            System.out.printf(
                    "  throughput: %.0f durable records/s (%d appenders, group commit: %.0f records and "
                            + "%.2f ms per commit, writer busy %.0f%%)%n",
                    rate, threads, d.recordsPerCommit(), d.millisPerCommit(), 100.0 * d.commitNanos() / 1e9 / seconds);
            System.out.printf(
                    "    writer thread CPU: %.1f µs per record (CPU time of ledger-writer: less sensitive to a busy "
                            + "machine than the rate)%n",
                    writerCpu / 1e3 / Math.max(1, s1.records() - s0.records()));
            System.out.printf(
                    "    process CPU: %.1f µs per record (all threads: appenders' record JSON and hashing, writer, "
                            + "syncers, GC, JIT)%n",
                    processCpu / 1e3 / Math.max(1, s1.records() - s0.records()));
            H2Writes.print(written, d);
            System.out.println("    while measuring: " + load.summary());
            paced(ledger, 1000, 2, false);
            MachineLoad pacedLoad = MachineLoad.start();
            JdbcInspectionLedger.Stats p0 = ledger.stats();
            long pacedWriterCpu0 = writerCpuNanos();
            H2Writes pw0 = H2Writes.read(ds);
            paced(ledger, 1000, seconds, true);
            JdbcInspectionLedger.Stats p1 = ledger.stats();
            JdbcInspectionLedger.Stats pd = new JdbcInspectionLedger.Stats(
                    p1.commits() - p0.commits(), p1.records() - p0.records(), p1.commitNanos() - p0.commitNanos());
            System.out.printf(
                    "    writer thread CPU: %.1f µs per record (%.1f records per commit)%n",
                    (writerCpuNanos() - pacedWriterCpu0) / 1e3 / Math.max(1, pd.records()), pd.recordsPerCommit());
            H2Writes.print(H2Writes.between(pw0, H2Writes.read(ds)), pd);
            System.out.println("    while measuring: " + pacedLoad.summary());
            SignedTreeHead h = ledger.signNow();
            System.out.printf("  log: %d records, latest signed head at size %d%n", ledger.size(), h.treeSize());
            printStoredBytes(ds, dir, ledger.size());
        } finally {
            ledger.close();
        }
    }

    /**
     * What each record costs in stored bytes: the ledger entry, a copy of the event in inspection.event_json (none
     * since V13: the view inspection_event reads it from the entry), and on H2 the database file per record.
     */
    private static void printStoredBytes(HikariDataSource ds, Path dir, long records) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        long entry = jdbc.queryForObject("SELECT COALESCE(SUM(LENGTH(entry)), 0) FROM ledger_leaf", Long.class);
        long copy = jdbc.queryForObject("SELECT COALESCE(SUM(LENGTH(event_json)), 0) FROM inspection", Long.class);
        Path file = dir.resolve("visionhub.mv.db");
        System.out.printf(
                "  stored per record: ledger entry %d chars, inspection.event_json copy %d chars%s%n",
                entry / Math.max(1, records),
                copy / Math.max(1, records),
                Files.exists(file) ? String.format(", H2 file %d bytes", Files.size(file) / Math.max(1, records)) : "");
    }

    /** CPU time so far of the ledger's writer thread (inserts, hashing, H2's commit work), or 0 if not found. */
    private static long writerCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ledger-writer"))
                .mapToLong(t -> mx.getThreadCpuTime(t.getId()))
                .sum();
    }

    /**
     * What H2 has written to its file so far (INFORMATION_SCHEMA.SETTINGS info.FILE_WRITE / FILE_WRITE_BYTES): the
     * page serialisation each commit costs, counted rather than timed; none on PostgreSQL.
     */
    private record H2Writes(long writes, long bytes) {
        static H2Writes read(HikariDataSource ds) {
            try {
                JdbcTemplate jdbc = new JdbcTemplate(ds);
                return new H2Writes(info(jdbc, "info.FILE_WRITE"), info(jdbc, "info.FILE_WRITE_BYTES"));
            } catch (org.springframework.dao.DataAccessException notH2) {
                return null;
            }
        }

        private static long info(JdbcTemplate jdbc, String name) {
            return Long.parseLong(jdbc.queryForObject(
                    "SELECT setting_value FROM information_schema.settings WHERE setting_name = ?",
                    String.class,
                    name));
        }

        /** What was written from before to after (null: not H2). */
        static H2Writes between(H2Writes before, H2Writes after) {
            return before == null || after == null
                    ? null
                    : new H2Writes(after.writes - before.writes, after.bytes - before.bytes);
        }

        /** Prints the writes of a phase (nothing where w is null: not H2). */
        static void print(H2Writes w, JdbcInspectionLedger.Stats d) {
            if (w == null) {
                return;
            }
            System.out.printf(
                    "    H2 file writes: %.2f per group commit, %.0f bytes per record%n",
                    (double) w.writes / Math.max(1, d.commits()), (double) w.bytes / Math.max(1, d.records()));
        }
    }

    /** CPU time so far of the whole bench process, or 0 where the JVM does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    private static InspectionEvent event() {
        InspectionEvent e = randomIds
                ? LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.NG, null)
                : LedgerTestSupport.event();
        return images ? LedgerTestSupport.withImage(e, randomSha256(), randomSha256()) : e;
    }

    /** A content hash as the image store makes them: random to the indexes on inspection's image columns. */
    private static String randomSha256() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static double throughput(JdbcInspectionLedger ledger, int threads, int seconds, boolean report)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Future<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            fs.add(pool.submit(() -> {
                while (!stop.get()) {
                    InspectionEvent e = event();
                    ledger.append(e, List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id())));
                    done.incrementAndGet();
                }
            }));
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Future<?> f : fs) {
            f.get();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return done.get() / elapsed;
    }

    /** Appends perSecond records a second (open loop) for the given seconds; returns their latencies, sorted. */
    private static long[] paced(JdbcInspectionLedger ledger, int perSecond, int seconds, boolean report)
            throws Exception {
        int total = perSecond * seconds;
        long[] latency = new long[total];
        ExecutorService pool = Executors.newFixedThreadPool(64);
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime() + 10_000_000L;
        StallLog stallLog = report && stalls ? StallLog.start() : null;
        List<Future<?>> fs = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int idx = i;
            fs.add(pool.submit(() -> {
                InspectionEvent e = event();
                ledger.append(e, List.of());
                latency[idx] = System.nanoTime() - due;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        if (stallLog != null) {
            stallLog.print(latency, interval, start);
        }
        if (report) {
            Arrays.sort(latency);
            double achieved = total / ((System.nanoTime() - start) / 1e9);
            System.out.printf(
                    "  paced %d records/s for %d s (achieved %.0f/s): commit latency p50 %.2f ms, p99 %.2f ms, "
                            + "p99.9 %.2f ms, max %.2f ms%n",
                    perSecond,
                    seconds,
                    achieved,
                    ms(latency, 0.50),
                    ms(latency, 0.99),
                    ms(latency, 0.999),
                    latency[total - 1] / 1e6);
        }
        Arrays.sort(latency);
        return latency;
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /**
     * What happened while a paced phase ran: the JVM's GC pauses (from the collectors' notifications), to set beside
     * the stretches of late records.
     */
    private static final class StallLog {
        private static final long LATE_NANOS = 10_000_000L;
        /** [end of the pause in ns of System.nanoTime, duration ns, collector] */
        private final List<Object[]> pauses = java.util.Collections.synchronizedList(new ArrayList<>());

        private final List<javax.management.NotificationEmitter> emitters = new ArrayList<>();
        private final javax.management.NotificationListener listener = (n, handback) -> {
            if (!n.getType()
                    .equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                    (javax.management.openmbean.CompositeData) n.getUserData());
            long now = System.nanoTime();
            long uptimeMs =
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            long endNs = now - (uptimeMs - info.getGcInfo().getEndTime()) * 1_000_000L;
            pauses.add(new Object[] {endNs, info.getGcInfo().getDuration() * 1_000_000L, info.getGcAction()});
        };

        static StallLog start() {
            StallLog log = new StallLog();
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof javax.management.NotificationEmitter e) {
                    e.addNotificationListener(log.listener, null, null);
                    log.emitters.add(e);
                }
            }
            return log;
        }

        /** latency: unsorted, by schedule (record i was due at start + i * interval) */
        void print(long[] latency, long interval, long start) {
            for (var e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // not registered: nothing to remove
                }
            }
            System.out.println("    stalls: stretches of records acknowledged > 10 ms after their schedule "
                    + "(from, s into the phase; records; worst ms):");
            int late = 0;
            int i = 0;
            StringBuilder line = new StringBuilder();
            while (i < latency.length) {
                if (latency[i] <= LATE_NANOS) {
                    i++;
                    continue;
                }
                int first = i;
                long worst = 0;
                // a stretch: late records with at most 5 on-time ones between them
                int gap = 0;
                int last = i;
                while (i < latency.length && gap <= 5) {
                    if (latency[i] > LATE_NANOS) {
                        worst = Math.max(worst, latency[i]);
                        last = i;
                        late++;
                        gap = 0;
                    } else {
                        gap++;
                    }
                    i++;
                }
                line.append(
                        String.format(" %.3f s: %d, %.1f ms;", first * interval / 1e9, last - first + 1, worst / 1e6));
            }
            System.out.println("     " + (line.length() == 0 ? " none" : line));
            System.out.printf(
                    "    %d of %d records late (%.2f %%)%n", late, latency.length, 100.0 * late / latency.length);
            StringBuilder gcs = new StringBuilder();
            synchronized (pauses) {
                for (Object[] p : pauses) {
                    long endNs = (Long) p[0];
                    long dur = (Long) p[1];
                    gcs.append(String.format(" %.3f s: %.1f ms (%s);", (endNs - dur - start) / 1e9, dur / 1e6, p[2]));
                }
            }
            System.out.println("    GC pauses (from, s into the phase):" + (gcs.length() == 0 ? " none" : gcs));
        }
    }
}
