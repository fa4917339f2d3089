package io.visionhub.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
        // no background sweeps: the test sweeps itself
        return new RoutingPriorityProperties(nice, null, Duration.ofHours(1));
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
