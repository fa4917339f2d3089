package io.visionhub.bench;

import io.visionhub.faults.FaultMatrix;
import io.visionhub.faults.FaultRow;
import io.visionhub.faults.RowResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The fault matrix of issue 20 (docs/reliability.md): each row starts the real hub in a fresh folder, injects its
 * fault and prints produced, recorded, delivered, lost, duplicated and time to recover. Exits 1 when a row lost or
 * duplicated anything (or could not run), so CI fails on it.
 *
 * <p>Run: {@code bench/faults [all|ci|row-name,row-name...]} (default all).
 */
public final class FaultMatrixBench {

    private FaultMatrixBench() {}

    public static void main(String[] args) throws Exception {
        List<FaultRow> rows = FaultMatrix.select(args.length > 0 ? args[0] : "all");
        Path base = Files.createTempDirectory("visionhub-faults");
        System.out.printf(
                "fault matrix: %d rows, %s, load average %.2f, %d cores, folders under %s%n",
                rows.size(),
                Instant.now(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(),
                base);
        List<RowResult> results = new FaultMatrix(base, Path.of("").toAbsolutePath()).runAll(rows);
        System.out.printf(
                "%nfault matrix finished %s, load average %.2f%n%s",
                Instant.now(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage(),
                FaultMatrix.table(results));
        List<RowResult> failed = results.stream().filter(r -> !r.passed()).toList();
        if (!failed.isEmpty()) {
            System.out.println("rows that lost or duplicated something, or did not run: "
                    + failed.stream().map(RowResult::row).toList() + " (folders kept under " + base + ")");
            System.exit(1);
        }
        System.exit(0);
    }
}
