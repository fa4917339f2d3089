package io.visionhub.inputs.mqtt;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane of the MQTT input: runs its tasks (a message's route, a continuation after its ledger commit) one after
 * the other in the order they were handed over, on the lane's single thread. Tasks handed over while the lane is
 * already busy or scheduled wait in this lane's own queue and run in the same turn of the thread: a group commit that
 * completes many records of one lane hands the thread pool one task instead of one per record, and wakes the lane's
 * thread at most once.
 * <p>
 * {@link #execute} throws {@link RejectedExecutionException} when the thread pool refuses the lane's turn (the
 * consumer stopped); the task is then not run.
 */
final class Lane implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    private final ExecutorService thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** a turn is queued in the pool or running: it runs every task queued before it ends */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private final Runnable turn = this::turn;
    /** abortConnection: tasks not yet run are dropped, as a crash drops them */
    private volatile boolean abandoned;

    Lane(ExecutorService thread) {
        this.thread = thread;
    }

    ExecutorService thread() {
        return thread;
    }

    @Override
    public void execute(Runnable task) {
        if (abandoned
                || thread.isTerminated()) { // terminated: a turn it dropped (shutdownNow) would leave the flag set
            throw new RejectedExecutionException("lane stopped");
        }
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.execute(turn);
            } catch (RejectedExecutionException stopped) {
                scheduled.set(false);
                tasks.remove(task);
                throw stopped;
            }
        }
    }

    /** Drops the tasks not yet run; later tasks are refused. */
    void abandon() {
        abandoned = true;
        tasks.clear();
    }

    private void turn() {
        while (true) {
            Runnable task;
            while (!abandoned && (task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // the lane's tasks handle their own failures; one that escapes must not cost the tasks behind it
                    LOG.error("mqtt-input: a lane task failed: {}", e.toString(), e);
                }
            }
            scheduled.set(false);
            // a task added after the last poll and before the flag was cleared found the turn still scheduled: take it
            if (abandoned || tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
