package io.visionhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the machine was doing while a benchmark ran: the share of CPU time the hypervisor gave to others (steal,
 * from /proc/stat) and the load average. On a shared virtual machine the same code measures very differently at
 * 0% and at 40% steal, so every figure is printed with this line beside it.
 */
final class MachineLoad {

    private final long[] start;

    private MachineLoad(long[] start) {
        this.start = start;
    }

    /** Starts measuring (no-op where /proc/stat cannot be read). */
    static MachineLoad start() {
        return new MachineLoad(read());
    }

    /** e.g. "CPU 2 cores: busy 81%, steal 12%, idle 7%; load average 2.10" since {@link #start()}. */
    String summary() {
        long[] end = read();
        if (start == null || end == null) {
            return "CPU figures not available (no /proc/stat)";
        }
        long total = 0;
        long[] d = new long[end.length];
        for (int i = 0; i < end.length; i++) {
            d[i] = end[i] - start[i];
            total += d[i];
        }
        if (total == 0) {
            return "CPU figures not available (no time passed)";
        }
        // /proc/stat cpu line: user nice system idle iowait irq softirq steal ...
        long idle = d[3] + d[4];
        long steal = d.length > 7 ? d[7] : 0;
        long busy = total - idle - steal;
        return String.format(
                "CPU %d cores: busy %.0f%%, steal %.0f%% (taken by the host), idle %.0f%%; load average %s",
                Runtime.getRuntime().availableProcessors(),
                100.0 * busy / total,
                100.0 * steal / total,
                100.0 * idle / total,
                loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long[] read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long[] v = new long[Math.min(8, f.length - 1)];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Long.parseLong(f[i + 1]);
                    }
                    return v;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
