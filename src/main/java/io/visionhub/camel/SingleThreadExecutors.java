package io.visionhub.camel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultThreadPoolFactory;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * Pools of one named thread that run every task handed in on that thread, never on the thread that hands it in.
 * Camel's {@link ExecutorServiceManager#newSingleThreadExecutor} is not that: it takes the default thread pool
 * profile's queue of 1,000 tasks and its CallerRuns policy, so in a burst task 1,001 runs on the submitting thread,
 * beside the pool's thread and ahead of the 1,000 queued (the NCR register took an item number twice that way). Its
 * {@link ExecutorServiceManager#newSingleThreadScheduledExecutor} refuses a task once 1,000 wait. Here the queue has
 * no bound: what waits is work its user must not lose (a PLC trigger or its deadline, a clear of result-ready, an MES
 * context change, a route start or stop, an NCR item), and it grows only while the thread is held up. A task handed
 * in after shutdown is refused with {@link RejectedExecutionException}, as by the JDK's own pools.
 * <p>
 * With Camel's manager the pool shows in Camel's management, has a Camel thread name ({@code Camel (camel-1) thread
 * #N - plc-triggers}) and is stopped with the CamelContext; without one (a class used without Camel, as in its own
 * tests) it is the same kind of pool, from Camel's {@link DefaultThreadPoolFactory}, on a daemon thread named
 * {@code name}.
 */
public final class SingleThreadExecutors {

    private SingleThreadExecutors() {}

    /**
     * One thread that runs the tasks one at a time, in the order they were handed in.
     *
     * @param executors Camel's manager, or null for a pool without Camel
     * @param source what the pool is for (Camel's management shows it)
     * @param name the thread's name
     */
    public static ExecutorService inOrder(ExecutorServiceManager executors, Object source, String name) {
        ThreadPoolProfile one = oneThread(name);
        return executors != null
                ? executors.newThreadPool(source, name, one)
                : new DefaultThreadPoolFactory().newThreadPool(one, daemon(name));
    }

    /** One thread for delayed and periodic tasks, however many wait. Arguments as {@link #inOrder}. */
    public static ScheduledExecutorService scheduled(ExecutorServiceManager executors, Object source, String name) {
        ThreadPoolProfile one = oneThread(name);
        return executors != null
                ? executors.newScheduledThreadPool(source, name, one)
                : new DefaultThreadPoolFactory().newScheduledThreadPool(one, daemon(name));
    }

    /** Every setting given, so that none comes from the default profile (its queue bound, its CallerRuns). */
    private static ThreadPoolProfile oneThread(String name) {
        return new ThreadPoolProfileBuilder(name)
                .poolSize(1)
                .maxPoolSize(1)
                // the thread lives as long as the pool: one that timed out idle would be born again on whichever
                // thread hands in the next task, with that thread's scheduling priority (RoutingPriority)
                .keepAliveTime(0L, TimeUnit.SECONDS)
                .allowCoreThreadTimeOut(false)
                .maxQueueSize(Integer.MAX_VALUE) // Camel reads 0 and below as no queue at all (a hand-over)
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                .build();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
