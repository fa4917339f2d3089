package io.visionhub.bench;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.quality.monitor.SpcEvents;
import io.visionhub.quality.monitor.SpcMonitor;
import io.visionhub.quality.monitor.SpcProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The SPC monitor's cost: per inspection on the inspection route's thread ({@code quality:inspection}: subgroups,
 * charts, all eight Nelson rules on each closed subgroup; 4 stations, subgroups of 25, no alarm service), and the
 * start-up rebuild of the charts from the inspection table (H2 file, rows written straight into the table: 8 h at
 * 2 inspections/s by default, a tenth of them NG with a defect).
 * <p>
 * Usage: bench/run SpcBench [inspections for the rebuild, default 57600] [seconds of the per-inspection run, default
 * 10]
 */
public final class SpcBench {

    private SpcBench() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 57_600;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        perInspection(seconds);
        rebuild(rows);
    }

    static SpcProperties props() {
        return new SpcProperties(
                true, Duration.ofHours(24), 200, "p", "count", 25, null, 20, null, 5, null, null, null, null);
    }

    static void perInspection(int seconds) {
        List<InspectionEvent> events = new ArrayList<>();
        Instant start = Instant.now().minus(Duration.ofHours(2));
        for (int s = 0; s < 4; s++) {
            SpcEvents line = new SpcEvents("line-1", "station-" + s, "PO-1", start);
            for (int i = 0; i < 2_500; i++) {
                events.add(line.part(i % 10 == 0));
            }
        }
        SpcMonitor monitor = new SpcMonitor(props(), null);
        long warmUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int i = 0;
        while (System.nanoTime() < warmUntil) {
            monitor.onInspection(events.get(i++ % events.size()));
        }
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            for (int k = 0; k < 1000; k++) {
                monitor.onInspection(events.get(i++ % events.size()));
            }
            n += 1000;
        }
        double nanos = (System.nanoTime() - t0) / (double) n;
        System.out.printf(
                "SPC per inspection: %.2f us (%d inspections in %d s, 4 stations, all rules)%n",
                nanos / 1000, n, seconds);
    }

    static void rebuild(int rows) throws Exception {
        Path dir = Files.createTempDirectory("spc-bench");
        DataSource ds = LedgerTestSupport.h2(dir);
        Instant start = Instant.now().minus(Duration.ofHours(23));
        try (Connection c = ds.getConnection();
                PreparedStatement ins = c.prepareStatement("INSERT INTO inspection (id, ledger_seq, station, line, "
                        + "production_order, result, capture_time, event_json) VALUES (?, ?, ?, ?, ?, ?, ?, '{}')");
                PreparedStatement def = c.prepareStatement("INSERT INTO inspection_defect (inspection_id, idx, "
                        + "defect_class, confidence) VALUES (?, 0, 'scratch', 0.9)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                String id = UUID.randomUUID().toString();
                boolean ng = i % 10 == 0;
                ins.setString(1, id);
                ins.setLong(2, i);
                ins.setString(3, "station-" + (i % 4));
                ins.setString(4, "line-1");
                ins.setString(5, "PO-1");
                ins.setString(6, ng ? "NG" : "OK");
                ins.setTimestamp(7, Timestamp.from(start.plusMillis(500L * i)));
                ins.addBatch();
                if (ng) {
                    def.setString(1, id);
                    def.addBatch();
                }
                if (i % 5000 == 4999) {
                    ins.executeBatch();
                    def.executeBatch();
                }
            }
            ins.executeBatch();
            def.executeBatch();
            c.commit();
        }
        for (int run = 1; run <= 3; run++) {
            SpcMonitor monitor = new SpcMonitor(props(), null);
            long t0 = System.nanoTime();
            monitor.rebuild(ds, Clock.systemUTC());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf(
                    "SPC rebuild run %d: %d inspections (4 stations) in %d ms, %d charts%n",
                    run, rows, ms, monitor.charts(null, null, null, null).size());
        }
    }
}
