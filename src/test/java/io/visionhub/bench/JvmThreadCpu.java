package io.visionhub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time of a process from /proc, and of a JVM process split by what its threads do: JIT compiler, GC, the MQTT
 * input's lanes, the ledger writer, the outbox, the HTTP and MQTT clients, the rest. Per thread it reads
 * /proc/&lt;pid&gt;/task/&lt;tid&gt;/stat (utime + stime) and comm. Linux cuts comm to 15 characters, so every
 * Camel thread reads "Camel (camel-1)"; the full Java names come from the JVM's thread dump ({@code jcmd <pid>
 * Thread.print}, which gives each thread's native id), taken after the measured interval so it is not in it.
 *
 * <p>The split adds up to the process's total: CPU of threads that ended between the two snapshots is the process's
 * total less the threads still there ("exited threads").
 */
final class JvmThreadCpu {

    /** USER_HZ: the unit of utime and stime in /proc/&lt;pid&gt;/stat on Linux. */
    static final long TICKS_PER_SECOND = 100;

    /** What a thread does, from its Java name (or its comm where the JVM did not say). */
    enum Group {
        JIT("JIT"),
        GC("GC"),
        LANES("input lanes"),
        LEDGER_WRITER("ledger-writer"),
        LEDGER_SYNC("ledger sync/heads"),
        OUTBOX("outbox"),
        HTTP_CLIENT("HTTP client"),
        MQTT_CLIENT("MQTT client"),
        OTHER("other");

        final String label;

        Group(String label) {
            this.label = label;
        }

        static Group of(String name) {
            if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                return JIT;
            }
            if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                return GC;
            }
            if (name.contains("mqtt-input-") && name.contains("-lane-")) {
                return LANES;
            }
            if (name.equals("ledger-writer")) {
                return LEDGER_WRITER;
            }
            if (name.startsWith("ledger-h2-sync") || name.startsWith("ledger-head-publisher")) {
                return LEDGER_SYNC;
            }
            if (name.contains("outbox")) {
                return OUTBOX;
            }
            if (name.startsWith("HttpClient-")) { // java.net.http: the outbox's webhook and SAP calls
                return HTTP_CLIENT;
            }
            // Paho names its threads "MQTT Rec: <client id>", "MQTT Snd: …", "MQTT Call: …"; the keepers reconnect
            if (name.startsWith("MQTT ") || name.startsWith("mqtt-keeper")) {
                return MQTT_CLIENT;
            }
            return OTHER;
        }
    }

    /** The CPU ticks of the process and of each of its threads at one moment. */
    record Snapshot(long pid, long processTicks, Map<Long, Long> threadTicks, Map<Long, String> comm) {}

    /**
     * What the process used between two snapshots, by group; {@code exitedTicks} is what threads that are gone used,
     * {@code otherByName} the threads in {@link Group#OTHER} by name (numbers folded), to say what "other" is.
     */
    record Split(
            long processTicks,
            Map<Group, Long> ticks,
            long exitedTicks,
            Map<String, Long> otherByName,
            boolean javaNamesKnown) {

        double ms(Group g) {
            return ticks.getOrDefault(g, 0L) * 1000.0 / TICKS_PER_SECOND;
        }

        double totalMs() {
            return processTicks * 1000.0 / TICKS_PER_SECOND;
        }

        double withoutJitMs() {
            return totalMs() - ms(Group.JIT);
        }

        /** The JIT compiler threads' share of the process's CPU (0 when it used none). */
        double jitShare() {
            return processTicks == 0 ? 0 : ms(Group.JIT) / totalMs();
        }

        /** Both intervals together (e.g. all measured rounds). */
        Split plus(Split o) {
            Map<Group, Long> t = new EnumMap<>(Group.class);
            t.putAll(ticks);
            o.ticks.forEach((g, v) -> t.merge(g, v, Long::sum));
            Map<String, Long> other = new HashMap<>(otherByName);
            o.otherByName.forEach((n, v) -> other.merge(n, v, Long::sum));
            return new Split(
                    processTicks + o.processTicks,
                    t,
                    exitedTicks + o.exitedTicks,
                    other,
                    javaNamesKnown && o.javaNamesKnown);
        }

        /**
         * One line: each group's CPU divided by {@code per} (events for ms/event, seconds × 1000 for cores), the
         * total and the total without the JIT compiler threads, e.g. {@code JIT 0.512 | GC 0.031 | … = all 1.234
         * ms/event (JIT 41%); without JIT 0.722}.
         */
        String line(double per, String unit) {
            StringBuilder b = new StringBuilder();
            for (Group g : Group.values()) {
                b.append(g.label).append(' ').append(fmt(ms(g) / per)).append(" | ");
            }
            b.append("exited threads ").append(fmt(exitedTicks * 1000.0 / TICKS_PER_SECOND / per));
            b.append(" = all ").append(fmt(totalMs() / per)).append(' ').append(unit);
            b.append(String.format(" (JIT %.0f%%)", totalMs() == 0 ? 0.0 : 100 * ms(Group.JIT) / totalMs()));
            b.append("; without JIT ")
                    .append(fmt(withoutJitMs() / per))
                    .append(' ')
                    .append(unit);
            List<Map.Entry<String, Long>> top = new ArrayList<>(otherByName.entrySet());
            top.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
            if (!top.isEmpty()) {
                b.append("; other's largest:");
                for (Map.Entry<String, Long> e : top.subList(0, Math.min(3, top.size()))) {
                    b.append(' ')
                            .append(e.getKey())
                            .append(' ')
                            .append(fmt(e.getValue() * 1000.0 / TICKS_PER_SECOND / per));
                }
            }
            if (!javaNamesKnown) {
                b.append(" [no thread dump: Camel threads (lanes, outbox) counted as other]");
            }
            return b.toString();
        }

        private static String fmt(double v) {
            return String.format("%.3f", v);
        }
    }

    private JvmThreadCpu() {}

    /** utime + stime of the whole process (all its threads, those that ended included), in ticks. */
    static long processTicks(long pid) throws IOException {
        return ticksOf(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** The process's and its threads' CPU now. */
    static Snapshot snapshot(long pid) throws IOException {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> comm = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    long tid = Long.parseLong(task.getFileName().toString());
                    ticks.put(tid, ticksOf(Files.readString(task.resolve("stat"))));
                    comm.put(tid, Files.readString(task.resolve("comm")).strip());
                } catch (IOException | NumberFormatException e) {
                    // the thread ended while the folder was read: its time shows under "exited threads"
                }
            }
        }
        return new Snapshot(pid, processTicks(pid), ticks, comm);
    }

    /**
     * The split between two snapshots of one process, each thread named by {@code javaNames} (native thread id →
     * Java name, from {@link #javaThreadNames}) or else by its comm.
     */
    static Split between(Snapshot before, Snapshot after, Map<Long, String> javaNames) {
        Map<Group, Long> byGroup = new EnumMap<>(Group.class);
        Map<String, Long> other = new HashMap<>();
        long threads = 0;
        for (Map.Entry<Long, Long> t : after.threadTicks().entrySet()) {
            // a thread that started within the interval used all its time in it
            long d = t.getValue() - before.threadTicks().getOrDefault(t.getKey(), 0L);
            threads += d;
            String name = javaNames.getOrDefault(t.getKey(), after.comm().get(t.getKey()));
            Group g = Group.of(name);
            byGroup.merge(g, d, Long::sum);
            if (g == Group.OTHER && d > 0) {
                other.merge(folded(name), d, Long::sum);
            }
        }
        long process = after.processTicks() - before.processTicks();
        return new Split(process, byGroup, Math.max(0, process - threads), other, !javaNames.isEmpty());
    }

    private static final Pattern DUMP_LINE = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+|\\d+)\\b");

    /**
     * Native thread id → Java thread name of a JVM, from {@code jcmd <pid> Thread.print} (the JDK's own jcmd);
     * empty when the JVM cannot be attached to (then comm names the threads).
     */
    static Map<Long, String> javaThreadNames(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Map.of();
            }
            return threadNamesOf(dump);
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** Native id → name from a thread dump's header lines: {@code nid=0x1a2b} (JDK 17) or {@code nid=6699} (19+). */
    static Map<Long, String> threadNamesOf(String dump) {
        Map<Long, String> names = new HashMap<>();
        for (String line : dump.split("\n")) {
            Matcher m = DUMP_LINE.matcher(line);
            if (m.find()) {
                String nid = m.group(2);
                long tid = nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
                names.put(tid, m.group(1));
            }
        }
        return names;
    }

    /**
     * "Camel (camel-1) thread #12 - ncr-register" → "ncr-register", "hz.&lt;instance&gt;.cached.thread-3" →
     * "hz.cached.thread-#", digits → #: one entry per kind of thread.
     */
    private static String folded(String name) {
        String n = name.replaceFirst("^Camel \\([^)]*\\) thread #\\d+ - ", "");
        n = n.replaceFirst("^hz\\.[^.]+\\.", "hz."); // Hazelcast puts its instance's name (a UUID) in each
        return n.replaceAll("\\d+", "#");
    }

    /** utime + stime (fields 14 and 15) of a /proc stat line; the name in parentheses may hold spaces. */
    static long ticksOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
