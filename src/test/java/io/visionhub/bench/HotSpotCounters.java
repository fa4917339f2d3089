package io.visionhub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The JIT compiler's and class loader's counters of another HotSpot JVM (issue 21: why the hub's JIT threads still
 * work after warm-up), read with {@code jstat -snap} from the JVM's performance-data file: the hub is not attached
 * to and spends nothing on the reading (unlike {@code jcmd}). Compilations counted by the JVM itself: what a burst
 * made the JIT compile (new methods, higher tiers, recompilations after deoptimisation), and whether classes are
 * still being loaded (generated classes compile too). Deoptimisations are not among these counters: the flight
 * recording's jdk.Deoptimization events give them ({@code HUB_JFR}).
 */
final class HotSpotCounters {

    /** The counters at one instant; {@code null} fields where the JVM's file could not be read. */
    record Snapshot(
            long compiles, long osrCompiles, long bailouts, double compileSeconds, long classes, long codeBytes) {

        /** {@code "JIT +812 compilations (+3 OSR, 0 bailouts), 4.21 s compiling, +6 classes, code 38.3 MB"}. */
        String since(Snapshot before) {
            return String.format(
                    "+%d compilations (+%d OSR, %d bailouts), %.2f s compiling (thread wall time), +%d classes"
                            + " loaded, compiled code %.1f MB",
                    compiles - before.compiles,
                    osrCompiles - before.osrCompiles,
                    bailouts - before.bailouts,
                    compileSeconds - before.compileSeconds,
                    classes - before.classes,
                    codeBytes / 1e6);
        }
    }

    private HotSpotCounters() {}

    /** The counters of the JVM {@code pid}, or null (and why, on stderr) when jstat cannot read them. */
    static Snapshot read(long pid) {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        try {
            Process p = new ProcessBuilder(
                            jstat.toString(), "-J-Djstat.showUnsupported=true", "-snap", Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.err.println("jstat -snap " + pid + " failed: " + out.strip());
                return null;
            }
            Map<String, String> c = new HashMap<>();
            out.lines().forEach(l -> {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    c.put(l.substring(0, eq), l.substring(eq + 1));
                }
            });
            double hz = number(c, "sun.os.hrt.frequency");
            return new Snapshot(
                    (long) number(c, "sun.ci.totalCompiles"),
                    (long) number(c, "sun.ci.osrCompiles"),
                    (long) number(c, "sun.ci.totalBailouts"),
                    (number(c, "sun.ci.standardTime") + number(c, "sun.ci.osrTime")) / hz,
                    (long) number(c, "java.cls.loadedClasses"),
                    (long) number(c, "sun.ci.nmethodCodeSize"));
        } catch (IOException | RuntimeException e) {
            System.err.println("jstat -snap " + pid + " failed: " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static double number(Map<String, String> counters, String name) {
        String v = counters.get(name);
        if (v == null) {
            throw new IllegalStateException("no counter " + name + " in jstat -snap");
        }
        return Double.parseDouble(v);
    }
}
