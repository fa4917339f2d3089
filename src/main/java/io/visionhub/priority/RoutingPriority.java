package io.visionhub.priority;

import com.sun.jna.LastErrorException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Inference first: every Java thread of the hub runs at nice {@code visionhub.routing.nice} (with {@code
 * visionhub.routing.policy=batch}, the default, or {@code idle} also under SCHED_BATCH or SCHED_IDLE, {@link
 * ThreadPolicy}) except those that run or feed inference and the JVM's stop-the-world threads. The hub's own pools, Camel's, and third-party threads (Paho,
 * Hazelcast, Milo, Tomcat, the JDK's HttpClient, H2) are all reached the same way: a sweep lists this process's
 * threads ({@code /proc/self/task}) and, when new ones appear, names them from the JVM's own thread dump (the
 * DiagnosticCommand MBean: Java name and native id), so threads created later get the priority within one sweep
 * interval. Threads the dump does not name (ONNX Runtime's native pools) keep the priority they were born with:
 * {@link InferenceThreads} starts them on a normal-priority thread.
 */
@Component
public class RoutingPriority {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingPriority.class);

    /**
     * Java thread names (found anywhere in the name) that keep normal priority: the launcher of inference threads,
     * the main thread (it starts the camera routes at hub start), the camera threads (a vision: consumer's pool, the
     * triggered capture's reader; not a challenger's shadow inspection or the model watcher), the camera sources,
     * the PLC path (PLC4X's and Milo's threads too), and the JVM's safepoint and GC threads (a stalled GC stops inference too).
     */
    public static final List<String> INFERENCE_THREADS = List.of(
            "^main$",
            "^inference-launcher$",
            "(^| - )vision-(?!challenger-|model-watch)",
            "^ffmpeg-listen-",
            "(^| - )plc-",
            // PLC4X's own threads carry the PLC handshake's reads and writes (the reject gate's cycle budget):
            // its transaction managers and its Netty event loops (no other Netty user in the hub keeps Netty's
            // default name: Milo's loops are milo-netty-event-loop-*)
            "^plc4x-",
            "^nioEventLoopGroup-",
            // Milo's shared pools and event loops carry an OPC UA PLC's handshake the same way (the reject gate's
            // writes wait on them); they also serve the hub's own OPC UA server, which is light
            "^milo-",
            "^(VM Thread|VM Periodic Task Thread|GC Thread#\\d+|G1 .*)$");

    private static final Pattern DUMP_LINE = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+|\\d+)\\b");
    /** errno: the thread ended meanwhile. */
    private static final int ESRCH = 3;
    /** CFS/EEVDF weight of a SCHED_IDLE thread (the kernel's WEIGHT_IDLEPRIO). */
    private static final double IDLE_WEIGHT = 3;
    /** Sweeps a thread may go unnamed by the dump (not yet attached) before it counts as a native thread. */
    private static final int NATIVE_AFTER = 3;

    private final int nice;
    /** The Linux policy routing threads get besides the nice value (SCHED_OTHER: the nice value only). */
    private final int policy;

    private final List<Pattern> normal;
    private final Map<Long, Kind> known = new HashMap<>();
    private final Map<Long, Integer> unnamed = new HashMap<>();
    private final Set<String> refused = new TreeSet<>();
    private final ExecutorService launcher;
    private final ScheduledExecutorService sweeper;

    enum Kind {
        LOWERED,
        NORMAL,
        NATIVE
    }

    public RoutingPriority(RoutingPriorityProperties properties) {
        this.nice = properties.nice();
        this.policy = properties.policy().linux();
        List<Pattern> patterns = new ArrayList<>();
        for (String p : INFERENCE_THREADS) {
            patterns.add(Pattern.compile(p));
        }
        for (String p : properties.normalThreads()) {
            patterns.add(Pattern.compile(p));
        }
        this.normal = List.copyOf(patterns);
        if (nice == 0 && policy == ThreadPolicy.SCHED_OTHER) {
            LOG.info("Routing priority off (visionhub.routing.nice=0): routing threads share the CPU equally with "
                    + "inference");
            launcher = null;
            sweeper = null;
            return;
        }
        if (!ThreadNice.available() || (policy != ThreadPolicy.SCHED_OTHER && !ThreadPolicy.available())) {
            LOG.warn(
                    "Routing priority not applied: visionhub.routing.nice={} (policy {}) needs Linux thread nice "
                            + "values and scheduling policies (this is {}); routing threads share the CPU equally with "
                            + "inference",
                    nice,
                    properties.policy().name().toLowerCase(java.util.Locale.ROOT),
                    System.getProperty("os.name"));
            launcher = null;
            sweeper = null;
            return;
        }
        // both threads are born here, on the thread that creates the bean (main: normal priority)
        int normalNice = ThreadNice.of(ThreadNice.currentTid()).orElse(0);
        Thread[] launcherThread = new Thread[1];
        launcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "inference-launcher");
            t.setDaemon(true);
            launcherThread[0] = t;
            return t;
        });
        launcher.submit(() -> {}); // the thread exists from now on
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "routing-priority");
            t.setDaemon(true);
            return t;
        });
        waitForLauncher(launcherThread);
        InferenceThreads.use(launcher, launcherThread[0], normalNice);
        Sweep first = sweep();
        LOG.info(
                "Routing priority: {} routing and background threads now {} (process at nice {}; Linux CFS "
                        + "gives such a thread {}% of a nice-{} thread's share), threads started later too (checked "
                        + "every {} ms); normal priority kept for {} inference, PLC and JVM GC threads; by kind: "
                        + "lowered {}, kept {}",
                first.lowered().size(),
                policy == ThreadPolicy.SCHED_OTHER
                        ? "at nice " + nice
                        : "under " + ThreadPolicy.name(policy) + (nice > 0 ? " (and at nice " + nice + ")" : ""),
                normalNice,
                policy == ThreadPolicy.SCHED_IDLE
                        ? String.format(java.util.Locale.ROOT, "%.1f", 100 * IDLE_WEIGHT / weight(normalNice))
                        : Math.round(100 * weight(nice) / weight(normalNice)),
                normalNice,
                properties.sweepInterval().toMillis(),
                first.kept().size(),
                kinds(first.lowered()),
                kinds(first.kept()));
        long every = properties.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private static void waitForLauncher(Thread[] launcherThread) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (launcherThread[0] == null && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** The nice value routing threads get (0: none). */
    public int nice() {
        return nice;
    }

    /** The Linux scheduling policy routing threads get ({@link ThreadPolicy}; SCHED_OTHER with policy nice). */
    public int policy() {
        return policy;
    }

    /** Whether a thread of this Java name keeps normal priority. */
    public boolean keepsNormal(String javaName) {
        for (Pattern p : normal) {
            if (p.matcher(javaName).find()) {
                return true;
            }
        }
        return false;
    }

    /** What one sweep did with the threads it met for the first time: Java names lowered and kept normal. */
    record Sweep(List<String> lowered, List<String> kept) {}

    /** Gives every thread not seen before the routing priority, or not; returns what it did. */
    synchronized Sweep sweep() {
        List<String> lowered = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        if (sweeper == null) {
            return new Sweep(lowered, kept);
        }
        Set<Long> tids = tasks();
        known.keySet().retainAll(tids);
        unnamed.keySet().retainAll(tids);
        List<Long> fresh = tids.stream().filter(t -> !known.containsKey(t)).toList();
        if (fresh.isEmpty()) {
            return new Sweep(lowered, kept);
        }
        Map<Long, String> names = javaThreadNames();
        for (long tid : fresh) {
            String name = names.get(tid);
            if (name == null) {
                if (unnamed.merge(tid, 1, Integer::sum) >= NATIVE_AFTER) {
                    unnamed.remove(tid);
                    known.put(tid, Kind.NATIVE);
                }
                continue;
            }
            unnamed.remove(tid);
            if (keepsNormal(name)) {
                known.put(tid, Kind.NORMAL);
                kept.add(name);
                continue;
            }
            known.put(tid, Kind.LOWERED);
            if (lower(tid, name)) {
                lowered.add(name);
            }
        }
        return new Sweep(lowered, kept);
    }

    /** The nice value, then the policy if asked for (the nice value stays as the fallback the OS may leave). */
    private boolean lower(long tid, String name) {
        boolean niced = lowerNice(tid, name);
        if (policy == ThreadPolicy.SCHED_OTHER || ThreadPolicy.of(tid).orElse(policy) == policy) {
            return niced; // nice only, or already there (inherited), or gone
        }
        try {
            ThreadPolicy.set(tid, policy);
            return true;
        } catch (LastErrorException e) {
            String what = ThreadPolicy.name(policy);
            if (e.getErrorCode() != ESRCH && refused.add(what + " " + kind(name))) {
                LOG.warn(
                        "Routing priority: the OS refused {} for thread '{}' ({}): it runs at nice {} instead{}",
                        what,
                        name,
                        e.getMessage(),
                        niced ? nice : 0,
                        niced ? "" : " and competes with inference");
            }
            return niced;
        }
    }

    private boolean lowerNice(long tid, String name) {
        if (nice == 0 || ThreadNice.of(tid).orElse(nice) >= nice) {
            return nice > 0; // none asked for, already there (inherited), or gone
        }
        try {
            ThreadNice.set(tid, nice);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() != ESRCH) {
                String kind = kind(name);
                if (refused.add(kind)) {
                    LOG.warn(
                            "Routing priority: the OS refused nice {} for thread '{}' ({}): it keeps normal priority "
                                    + "and competes with inference",
                            nice,
                            name,
                            e.getMessage());
                }
            }
            return false;
        }
    }

    private void sweepQuietly() {
        try {
            Sweep s = sweep();
            if (!s.lowered().isEmpty() && LOG.isDebugEnabled()) {
                LOG.debug("Routing priority: nice {} for new threads {}", nice, s.lowered());
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "Routing priority: sweep failed ({}); new threads may keep normal priority until the next",
                    e.toString());
        }
    }

    @PreDestroy
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            InferenceThreads.stopUsing(launcher);
            launcher.shutdownNow();
        }
    }

    private static Set<Long> tasks() {
        Set<Long> tids = new TreeSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                tids.add(Long.parseLong(t.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/task: " + e.getMessage(), e);
        }
        return tids;
    }

    /** Native thread id → Java thread name, from the JVM's thread dump (in process, no attach). */
    static Map<Long, String> javaThreadNames() {
        String dump;
        try {
            dump = (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "threadPrint",
                            new Object[] {new String[0]},
                            new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("the JVM's thread dump is not available: " + e.getMessage(), e);
        }
        Map<Long, String> names = new HashMap<>();
        for (String line : dump.split("\n")) {
            Matcher m = DUMP_LINE.matcher(line);
            if (m.find()) {
                String nid = m.group(2);
                names.put(
                        nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid), m.group(1));
            }
        }
        return names;
    }

    /** "Camel (camel-1) thread #12 - ncr-register" → "ncr-register", numbers → #: one entry per kind of thread. */
    static String kind(String name) {
        String n = name.replaceFirst("^Camel \\([^)]*\\) thread #\\d+ - ", "");
        n = n.replaceFirst("^hz\\.[^.]+\\.", "hz.");
        return n.replaceAll("(?<=[-#.])\\d+|\\d+$", "#"); // G1 and C2 keep their digits
    }

    private static String kinds(List<String> names) {
        return names.stream()
                .collect(Collectors.groupingBy(RoutingPriority::kind, java.util.TreeMap::new, Collectors.counting()))
                .entrySet()
                .stream()
                .map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** CFS weight of a nice value: 1024 at 0, about 1.25 times less per step. */
    private static double weight(int nice) {
        return 1024 / Math.pow(1.25, nice);
    }
}
