package io.visionhub.inputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LaneTest {

    @Test
    void runsTasksFromManyThreadsInTheOrderHandedOverOnItsOneThread() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Lane lane = new Lane(pool);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        // handed over one after the other by different threads (as Paho's thread and the ledger's writer do)
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            Thread t = new Thread(() -> lane.execute(() -> {
                ran.add(n);
                threads.add(Thread.currentThread());
            }));
            t.start();
            t.join();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran)
                .containsExactlyElementsOf(IntStream.range(0, 2_000).boxed().toList());
        assertThat(threads.stream().distinct()).hasSize(1);
    }

    @Test
    void tasksHandedOverWhileItIsBusyRunInTheSameTurn() throws Exception {
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
        Lane lane = new Lane(pool);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        lane.execute(() -> {
            running.countDown();
            await(release);
            ran.add(0);
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 100; i++) {
            int n = i;
            lane.execute(() -> ran.add(n)); // the lane is busy: queued on the lane, not in the pool
        }
        assertThat(pool.getQueue()).isEmpty();
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran)
                .containsExactlyElementsOf(IntStream.rangeClosed(0, 100).boxed().toList());
        assertThat(pool.getCompletedTaskCount()).isEqualTo(1); // one turn ran all 101 tasks
    }

    @Test
    void aTaskThatFailsDoesNotStopTheOnesBehindIt() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Lane lane = new Lane(pool);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch hold = new CountDownLatch(1);
        lane.execute(() -> await(hold));
        lane.execute(() -> {
            throw new IllegalStateException("boom");
        });
        lane.execute(() -> ran.add("after"));
        hold.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("after");
    }

    @Test
    void refusesTasksOnceItsThreadHasStopped() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Lane lane = new Lane(pool);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        List<String> ran = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> lane.execute(() -> ran.add("late"))).isInstanceOf(RejectedExecutionException.class);
        assertThat(ran).isEmpty();
    }

    @Test
    void anAbandonedLaneDropsWhatItHasNotRunAndRefusesMore() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Lane lane = new Lane(pool);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        lane.execute(() -> {
            running.countDown();
            await(release);
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        lane.execute(() -> ran.add("queued"));
        lane.abandon();
        release.countDown();
        assertThatThrownBy(() -> lane.execute(() -> ran.add("later"))).isInstanceOf(RejectedExecutionException.class);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
