package io.visionhub.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ExecutorServiceManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A burst over Camel's default queue of 1,000 tasks stays on the pool's one thread, in order, with Camel's manager
 * and without one; a scheduled pool takes more than 1,000 waiting tasks; a task after shutdown is refused.
 */
public class SingleThreadExecutorsTest {

    private DefaultCamelContext camel;

    @BeforeEach
    void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stopCamel() throws Exception {
        camel.close();
    }

    private ExecutorServiceManager manager(boolean withCamel) {
        return withCamel ? camel.getExecutorServiceManager() : null;
    }

    @ParameterizedTest(name = "with Camel''s manager: {0}")
    @ValueSource(booleans = {true, false})
    void aBurstOverCamelsDefaultQueueRunsOnThePoolsOneThreadInOrder(boolean withCamel) throws Exception {
        assertABurstRunsInOrderOnItsOneThread(
                SingleThreadExecutors.inOrder(manager(withCamel), this, "burst-worker"), "burst-worker");
    }

    /**
     * Holds the pool's thread, hands in 3,000 tasks (three times Camel's default queue), then lets it go: none may
     * have run on the submitting thread, all run in order on the one thread whose name ends with {@code threadName};
     * the pool is shut down afterwards. Shared with the pools' users' tests (the NCR register).
     */
    public static void assertABurstRunsInOrderOnItsOneThread(ExecutorService one, String threadName)
            throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        one.execute(() -> {
            try {
                held.await(); // the one thread is held up (a slow PLC, ledger or route)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int tasks = 3000;
        for (int i = 0; i < tasks; i++) {
            int no = i;
            one.execute(() -> {
                threads.add(Thread.currentThread().getName());
                if (next.getAndIncrement() != no) {
                    outOfOrder.incrementAndGet();
                }
            });
        }
        assertThat(threads)
                .as("tasks run on the submitting thread while the pool's thread was held")
                .isEmpty();
        held.countDown();
        one.shutdown();
        assertThat(one.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(next.get()).isEqualTo(tasks);
        assertThat(outOfOrder.get()).isZero();
        assertThat(threads).singleElement().asString().endsWith(threadName);
    }

    @ParameterizedTest(name = "with Camel''s manager: {0}")
    @ValueSource(booleans = {true, false})
    void aScheduledPoolTakesMoreThanCamelsDefaultQueueOfWaitingTasks(boolean withCamel) throws Exception {
        ScheduledExecutorService timers = SingleThreadExecutors.scheduled(manager(withCamel), this, "deadlines");
        List<ScheduledFuture<?>> waiting = new ArrayList<>();
        for (int i = 0; i < 1500; i++) { // one deadline per part in flight: none may be refused
            waiting.add(timers.schedule(() -> {}, 1, TimeUnit.HOURS));
        }
        assertThat(waiting).hasSize(1500).noneMatch(ScheduledFuture::isDone);
        String[] ranOn = new String[1];
        timers.schedule(() -> ranOn[0] = Thread.currentThread().getName(), 0, TimeUnit.SECONDS)
                .get(30, TimeUnit.SECONDS);
        assertThat(ranOn[0]).endsWith("deadlines");
        timers.shutdownNow();
    }

    @ParameterizedTest(name = "with Camel''s manager: {0}")
    @ValueSource(booleans = {true, false})
    void aTaskHandedInAfterShutdownIsRefusedNotRunOnTheCaller(boolean withCamel) throws Exception {
        ExecutorService one = SingleThreadExecutors.inOrder(manager(withCamel), this, "closed-worker");
        one.shutdown();
        assertThat(one.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> one.execute(ran::incrementAndGet))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("rejected");
        assertThat(ran.get()).isZero();
    }
}
