package io.visionhub.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visionhub.priority.RoutingPriorityProperties.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The nice values the routing priority gives, read back from /proc/self/task/<tid>/stat. */
class RoutingPriorityTest {

    private final CountDownLatch end = new CountDownLatch(1);
    private final List<Thread> started = new ArrayList<>();
    private RoutingPriority priority;
    private int base;

    @BeforeEach
    void linuxOnly() {
        assumeTrue(ThreadNice.available(), "thread nice values are Linux only");
        base = ThreadNice.of(ThreadNice.currentTid()).orElseThrow();
    }

    @AfterEach
    void stop() throws InterruptedException {
        end.countDown();
        for (Thread t : started) {
            t.join(5000);
        }
        if (priority != null) {
            priority.close();
        }
    }

    @Test
    void routingThreadsGetTheNiceValueAndInferenceThreadsKeepNormalPriority() throws Exception {
        long ledger = thread("Camel (camel-1) thread #41 - ledger-like");
        long camera = thread("Camel (camel-1) thread #42 - vision-station-9");
        long shadow = thread("Camel (camel-1) thread #43 - vision-challenger-station-9");
        long plc = thread("plc-triggers");
        long plc4x = thread("plc4x-tm-thread-1");
        long plcLoop = thread("nioEventLoopGroup-3-1");
        long miloPool = thread("milo-shared-thread-pool-2");
        long miloLoop = thread("milo-netty-event-loop-0");
        priority = new RoutingPriority(properties(10));

        int lowered = Math.max(base, 10);
        assertThat(nice(ledger)).isEqualTo(lowered);
        assertThat(nice(shadow)).isEqualTo(lowered); // a challenger's shadow inspection can lag
        assertThat(nice(camera)).isEqualTo(base);
        assertThat(nice(plc)).isEqualTo(base);
        assertThat(nice(plc4x)).as("PLC4X's transaction manager").isEqualTo(base);
        assertThat(nice(plcLoop)).as("PLC4X's Netty event loop").isEqualTo(base);
        assertThat(nice(miloPool)).as("Milo's shared pool (OPC UA PLC)").isEqualTo(base);
        assertThat(nice(miloLoop)).as("Milo's Netty event loop (OPC UA PLC)").isEqualTo(base);
        assertThat(nice(ThreadNice.currentTid())).as("main").isEqualTo(base);
    }

    @Test
    void threadsStartedLaterGetItAtTheNextSweep() throws Exception {
        priority = new RoutingPriority(properties(12));
        long later = thread("HttpClient-9-Worker-0");
        long laterCamera = thread("Camel (camel-1) thread #44 - vision-station-10");
        assertThat(nice(later)).as("before the sweep").isEqualTo(base);

        RoutingPriority.Sweep s = priority.sweep();

        assertThat(s.lowered()).contains("HttpClient-9-Worker-0");
        assertThat(s.kept()).contains("Camel (camel-1) thread #44 - vision-station-10");
        assertThat(nice(later)).isEqualTo(Math.max(base, 12));
        assertThat(nice(laterCamera)).isEqualTo(base);
    }

    @Test
    void inferenceThreadsStartedFromARoutingThreadAreBornAtNormalPriority() throws Exception {
        priority = new RoutingPriority(properties(10));
        // a routing thread (a control-bus step, say) starts a camera: its threads would inherit nice 10
        CompletableFuture<Long> viaLauncher = new CompletableFuture<>();
        CompletableFuture<Long> direct = new CompletableFuture<>();
        Thread routing = new Thread(
                () -> {
                    try {
                        ThreadNice.set(ThreadNice.currentTid(), Math.max(base, 10));
                        InferenceThreads.start(() -> thread("vision-station-11", viaLauncher));
                        thread("vision-station-12", direct);
                    } catch (Exception e) {
                        viaLauncher.completeExceptionally(e);
                    }
                },
                "route-controller");
        routing.start();

        assertThat(nice(viaLauncher.get(10, TimeUnit.SECONDS))).isEqualTo(base);
        assertThat(nice(direct.get(10, TimeUnit.SECONDS))).as("inherited").isEqualTo(Math.max(base, 10));
        routing.join(5000);
    }

    @Test
    void zeroTurnsItOff() throws Exception {
        long routing = thread("Camel (camel-1) thread #45 - outbox");
        priority = new RoutingPriority(properties(0));

        assertThat(priority.sweep().lowered()).isEmpty();
        assertThat(nice(routing)).isEqualTo(base);
        assertThat(InferenceThreads.start(() -> Thread.currentThread().getName()))
                .as("no launcher: inline")
                .isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void idlePolicyPutsRoutingThreadsUnderSchedIdleAndKeepsInferenceAndPlcThreadsNormal() throws Exception {
        long ledger = thread("ledger-writer");
        long outbox = thread("Camel (camel-1) thread #46 - outbox");
        long camera = thread("Camel (camel-1) thread #47 - vision-station-13");
        long plc = thread("plc-triggers");
        long plc4x = thread("plc4x-tm-thread-2");
        long plcLoop = thread("nioEventLoopGroup-4-1");
        long milo = thread("milo-shared-thread-pool-3");
        priority = new RoutingPriority(properties(10, Policy.IDLE));

        assertThat(priority.policy()).isEqualTo(ThreadPolicy.SCHED_IDLE);
        assertThat(policy(ledger)).as("ledger writer").isEqualTo(ThreadPolicy.SCHED_IDLE);
        assertThat(policy(outbox)).as("outbox").isEqualTo(ThreadPolicy.SCHED_IDLE);
        assertThat(nice(ledger)).as("the nice value too: the fallback").isEqualTo(Math.max(base, 10));
        for (long normal : new long[] {camera, plc, plc4x, plcLoop, milo, ThreadNice.currentTid()}) {
            assertThat(policy(normal)).as("tid %d", normal).isEqualTo(ThreadPolicy.SCHED_OTHER);
            assertThat(nice(normal)).as("tid %d", normal).isEqualTo(base);
        }
    }

    @Test
    void idlePolicyReachesThreadsStartedLaterAtTheNextSweep() throws Exception {
        priority = new RoutingPriority(properties(10, Policy.IDLE));
        long later = thread("hz.hub.cached.thread-3");
        long laterCamera = thread("Camel (camel-1) thread #48 - vision-station-14");
        assertThat(policy(later)).as("before the sweep").isEqualTo(ThreadPolicy.SCHED_OTHER);

        RoutingPriority.Sweep s = priority.sweep();

        assertThat(s.lowered()).contains("hz.hub.cached.thread-3");
        assertThat(policy(later)).isEqualTo(ThreadPolicy.SCHED_IDLE);
        assertThat(policy(laterCamera)).isEqualTo(ThreadPolicy.SCHED_OTHER);
    }

    @Test
    void idleWithoutANiceValueGivesSchedIdleOnly() throws Exception {
        long routing = thread("Camel (camel-1) thread #49 - outbox");
        priority = new RoutingPriority(properties(0, Policy.IDLE));

        assertThat(policy(routing)).isEqualTo(ThreadPolicy.SCHED_IDLE);
        assertThat(nice(routing)).as("nice 0: left alone").isEqualTo(base);
    }

    @Test
    void batchPolicyPutsRoutingThreadsUnderSchedBatchAtTheNiceValueAndKeepsInferenceNormal() throws Exception {
        long ledger = thread("ledger-writer");
        long lane = thread("Camel (camel-1) thread #50 - mqtt-input-lane");
        long camera = thread("Camel (camel-1) thread #51 - vision-station-18");
        long plc = thread("plc-results");
        priority = new RoutingPriority(properties(10, Policy.BATCH));

        assertThat(priority.policy()).isEqualTo(ThreadPolicy.SCHED_BATCH);
        for (long routing : new long[] {ledger, lane}) {
            assertThat(policy(routing)).as("tid %d", routing).isEqualTo(ThreadPolicy.SCHED_BATCH);
            assertThat(nice(routing)).as("weighed by the nice value").isEqualTo(Math.max(base, 10));
        }
        for (long normal : new long[] {camera, plc, ThreadNice.currentTid()}) {
            assertThat(policy(normal)).as("tid %d", normal).isEqualTo(ThreadPolicy.SCHED_OTHER);
            assertThat(nice(normal)).as("tid %d", normal).isEqualTo(base);
        }
        long later = thread("hz.hub.cached.thread-9");
        priority.sweep();
        assertThat(policy(later)).as("a thread started later").isEqualTo(ThreadPolicy.SCHED_BATCH);
    }

    @Test
    void aCameraThreadBornUnderSchedBatchTakesSchedOtherBack() throws Exception {
        priority = new RoutingPriority(properties(10, Policy.BATCH));
        CompletableFuture<Integer> claimed = new CompletableFuture<>();
        Thread routing = new Thread(
                () -> {
                    ThreadPolicy.set(ThreadNice.currentTid(), ThreadPolicy.SCHED_BATCH);
                    Thread t = new Thread(
                            () -> {
                                InferenceThreads.claimNormalPriority("test");
                                claimed.complete(policy(ThreadNice.currentTid()));
                            },
                            "vision-station-19");
                    t.start();
                },
                "route-controller-batch");
        routing.start();

        // unlike SCHED_IDLE, leaving SCHED_BATCH needs no privilege
        assertThat(claimed.get(10, TimeUnit.SECONDS)).isEqualTo(ThreadPolicy.SCHED_OTHER);
        routing.join(5000);
    }

    @Test
    void inferenceThreadsStartedFromAnIdleRoutingThreadAreBornUnderSchedOther() throws Exception {
        priority = new RoutingPriority(properties(10, Policy.IDLE));
        CompletableFuture<Long> viaLauncher = new CompletableFuture<>();
        CompletableFuture<Long> direct = new CompletableFuture<>();
        CompletableFuture<Integer> claimed = new CompletableFuture<>();
        Thread routing = new Thread(
                () -> {
                    try {
                        ThreadPolicy.set(ThreadNice.currentTid(), ThreadPolicy.SCHED_IDLE);
                        InferenceThreads.start(() -> thread("vision-station-15", viaLauncher));
                        thread("vision-station-16", direct);
                        // a camera thread born here asks for SCHED_OTHER back as it begins
                        Thread t = new Thread(
                                () -> {
                                    InferenceThreads.claimNormalPriority("test");
                                    claimed.complete(policy(ThreadNice.currentTid()));
                                },
                                "vision-station-17");
                        t.start();
                    } catch (Exception e) {
                        viaLauncher.completeExceptionally(e);
                    }
                },
                "route-controller");
        routing.start();

        assertThat(policy(viaLauncher.get(10, TimeUnit.SECONDS))).isEqualTo(ThreadPolicy.SCHED_OTHER);
        assertThat(policy(direct.get(10, TimeUnit.SECONDS))).as("inherited").isEqualTo(ThreadPolicy.SCHED_IDLE);
        // Linux lets a thread leave SCHED_IDLE only where RLIMIT_NICE allows its nice value (here: the process's)
        // or with CAP_SYS_NICE
        int expected = mayLeaveIdle() ? ThreadPolicy.SCHED_OTHER : ThreadPolicy.SCHED_IDLE;
        assertThat(claimed.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
        routing.join(5000);
    }

    @Test
    void leavingSchedIdleIsRefusedWithoutRlimitNice() throws Exception {
        assumeTrue(!mayLeaveIdle(), "RLIMIT_NICE or CAP_SYS_NICE allows it here");
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    long tid = ThreadNice.currentTid();
                    ThreadPolicy.set(tid, ThreadPolicy.SCHED_IDLE);
                    try {
                        ThreadPolicy.set(tid, ThreadPolicy.SCHED_OTHER);
                        refused.complete(null);
                    } catch (RuntimeException e) {
                        refused.complete(e);
                    }
                },
                "idle-and-back");
        t.start();
        assertThat(refused.get(10, TimeUnit.SECONDS))
                .as("EPERM: why inference threads are started on the launcher")
                .isInstanceOf(com.sun.jna.LastErrorException.class);
        t.join(5000);
    }

    @Test
    void policyIsReadFromField41OfTheStatLine() {
        String stat = "4242 (Camel (camel-1) thread #3 - x) S 1 1 1 0 -1 4194560 10 0 0 0 0 0 0 0 39 19 40 0 5 "
                + "1000 10 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 -1 1 0 5 0 0 0 0 0 0 0 0 0 0 0";
        assertThat(ThreadPolicy.fromStat(stat)).isEqualTo(ThreadPolicy.SCHED_IDLE);
        assertThatThrownBy(() -> ThreadPolicy.fromStat("4242 S 1 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a /proc stat line");
        assertThatThrownBy(() -> ThreadPolicy.fromStat("4242 (x) S 1 1 1")).hasMessageContaining("without field 41");
        assertThatThrownBy(() -> ThreadPolicy.set(ThreadNice.currentTid(), 1))
                .as("SCHED_FIFO is not offered")
                .hasMessageContaining("only SCHED_OTHER (0), SCHED_BATCH (3) and SCHED_IDLE (5)");
    }

    @Test
    void policySettingBindsFromItsName() {
        assertThat(bind(Map.of("visionhub.routing.policy", "idle")).policy()).isEqualTo(Policy.IDLE);
        assertThat(bind(Map.of("visionhub.routing.policy", "batch")).policy()).isEqualTo(Policy.BATCH);
        assertThat(bind(Map.of("visionhub.routing.nice", "12")).policy())
                .as("default")
                .isEqualTo(Policy.BATCH);
        assertThat(bind(Map.of("visionhub.routing.nice", "0")).policy())
                .as("nice 0 without a policy: off")
                .isEqualTo(Policy.NICE);
        assertThat(bind(Map.of("visionhub.routing.nice", "0", "visionhub.routing.policy", "batch"))
                        .policy())
                .isEqualTo(Policy.BATCH);
        assertThat(bind(Map.of("visionhub.routing.nice", "12")).nice()).isEqualTo(12);
        assertThatThrownBy(() -> bind(Map.of("visionhub.routing.policy", "fifo")))
                .hasStackTraceContaining("visionhub.routing.policy");
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> properties(20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("visionhub.routing.nice must be 0 (off) to 19")
                .hasMessageContaining("got 20");
        assertThatThrownBy(() -> properties(-5))
                .hasMessageContaining("visionhub.routing.nice")
                .hasMessageContaining("got -5");
        assertThatThrownBy(() -> new RoutingPriorityProperties(10, List.of("vision-("), null))
                .hasMessageContaining("visionhub.routing.normal-threads: 'vision-(' is not a regular expression");
        assertThatThrownBy(() -> new RoutingPriorityProperties(10, null, Duration.ZERO))
                .hasMessageContaining("visionhub.routing.sweep-interval must be positive");
        assertThat(new RoutingPriorityProperties(null, null, null).nice()).isEqualTo(10);
    }

    @Test
    void namesThatKeepNormalPriority() {
        priority = new RoutingPriority(new RoutingPriorityProperties(0, List.of("^opc-ua-reject$"), null));
        assertThat(priority.keepsNormal("Camel (camel-1) thread #3 - vision-station-1"))
                .isTrue();
        assertThat(priority.keepsNormal("Camel (camel-1) thread #3 - vision-capture-station-1"))
                .isTrue();
        assertThat(priority.keepsNormal("GC Thread#1")).isTrue();
        assertThat(priority.keepsNormal("main")).isTrue();
        assertThat(priority.keepsNormal("opc-ua-reject")).as("configured").isTrue();
        assertThat(priority.keepsNormal("Camel (camel-1) thread #4 - vision-model-watch"))
                .isFalse();
        assertThat(priority.keepsNormal("ledger-writer")).isFalse();
        assertThat(priority.keepsNormal("MQTT Call: hub-bench-input")).isFalse();
        assertThat(priority.keepsNormal("C2 CompilerThread0")).isFalse();
    }

    private static RoutingPriorityProperties properties(int nice) {
        return properties(nice, Policy.NICE);
    }

    private static RoutingPriorityProperties properties(int nice, Policy policy) {
        // no background sweeps: the test sweeps itself
        return new RoutingPriorityProperties(nice, null, Duration.ofHours(1), policy);
    }

    private static RoutingPriorityProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("visionhub.routing", RoutingPriorityProperties.class);
    }

    private static int policy(long tid) {
        return ThreadPolicy.of(tid).orElseThrow();
    }

    /** Whether this process may leave SCHED_IDLE at nice {@code base}: RLIMIT_NICE allows it, or CAP_SYS_NICE. */
    private boolean mayLeaveIdle() {
        return maxNiceRlimit() >= 20 - base || hasCapSysNice();
    }

    /** CAP_SYS_NICE (bit 23) in the effective capabilities of /proc/self/status. */
    private static boolean hasCapSysNice() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 23)) != 0;
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return false;
    }

    /** RLIMIT_NICE's soft limit, from /proc/self/limits ("Max nice priority"). */
    private static int maxNiceRlimit() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max nice priority")) {
                    String soft =
                            line.substring("Max nice priority".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Integer.MAX_VALUE : Integer.parseInt(soft);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no Max nice priority in /proc/self/limits");
    }

    private static int nice(long tid) {
        return ThreadNice.of(tid).orElseThrow();
    }

    /** Starts a thread of that name that waits for the test's end; returns its tid. */
    private long thread(String name) throws Exception {
        CompletableFuture<Long> tid = new CompletableFuture<>();
        return thread(name, tid);
    }

    private long thread(String name, CompletableFuture<Long> tid) throws Exception {
        Thread t = new Thread(
                () -> {
                    tid.complete(ThreadNice.currentTid());
                    try {
                        end.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        synchronized (started) {
            started.add(t);
        }
        return tid.get(10, TimeUnit.SECONDS);
    }
}
