package io.visionhub.priority;

import com.sun.jna.LastErrorException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the threads that inspect frames are born. Linux gives a new thread its creator's nice value, and a thread
 * whose priority was lowered cannot raise it again without privileges: a camera route started by a routing thread
 * (a control-bus step, Hawtio, a route file reload) would inspect at the routing's priority. So code that starts
 * inference threads (a camera's pool, ONNX Runtime's intra-op pool in a session) runs through {@link #start} on a
 * launcher thread that keeps normal priority. Without {@link RoutingPriority} (off, tests, benches) it runs inline.
 */
public final class InferenceThreads {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceThreads.class);

    private static volatile ExecutorService launcher;
    private static volatile Thread launcherThread;
    private static volatile int normalNice;

    private InferenceThreads() {}

    static void use(ExecutorService launcherPool, Thread thread, int nice) {
        launcherThread = thread;
        normalNice = nice;
        launcher = launcherPool;
    }

    static void stopUsing(ExecutorService launcherPool) {
        if (launcher == launcherPool) {
            launcher = null;
            launcherThread = null;
        }
    }

    /** Runs {@code work}, which starts inference threads, on the normal-priority launcher, and returns its result. */
    public static <T> T start(Callable<T> work) throws Exception {
        ExecutorService l = launcher;
        if (l == null || Thread.currentThread() == launcherThread) {
            return work.call();
        }
        Future<T> f = l.submit(work);
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    /** {@link #start} for work that throws no checked exception. */
    public static <T> T startUnchecked(Callable<T> work) {
        try {
            return start(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting inference threads", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Called by an inference thread as it begins: if it still runs at a lowered priority (started outside {@link
     * #start}: a lowered nice value, SCHED_BATCH or SCHED_IDLE), it asks for normal priority back, which Linux grants
     * only where RLIMIT_NICE allows (systemd {@code LimitNICE=}); otherwise a warning names the thread.
     */
    public static void claimNormalPriority(String what) {
        if (launcher == null || !ThreadNice.available()) {
            return;
        }
        long tid = ThreadNice.currentTid();
        int now = ThreadNice.of(tid).orElse(normalNice);
        int policy = ThreadPolicy.available()
                ? ThreadPolicy.of(tid).orElse(ThreadPolicy.SCHED_OTHER)
                : ThreadPolicy.SCHED_OTHER;
        if (now <= normalNice && policy == ThreadPolicy.SCHED_OTHER) {
            return;
        }
        String was = "nice " + now + (policy == ThreadPolicy.SCHED_OTHER ? "" : " under " + ThreadPolicy.name(policy));
        try {
            if (policy != ThreadPolicy.SCHED_OTHER) { // leaving SCHED_IDLE needs RLIMIT_NICE for the nice value
                ThreadPolicy.set(tid, ThreadPolicy.SCHED_OTHER);
            }
            if (now > normalNice) {
                ThreadNice.set(tid, normalNice);
            }
            LOG.info(
                    "{}: inference thread {} was at {}, back to SCHED_OTHER at nice {}",
                    what,
                    Thread.currentThread().getName(),
                    was,
                    normalNice);
        } catch (LastErrorException e) {
            LOG.warn(
                    "{}: inference thread {} runs at {} (inherited from the thread that started it) and the OS "
                            + "refused to give it nice {} back ({}): it inspects at the routing's priority. Start it at "
                            + "hub start, or allow it with LimitNICE= in the systemd unit (docs/operations.md)",
                    what,
                    Thread.currentThread().getName(),
                    was,
                    normalNice,
                    e.getMessage());
        }
    }
}
