package io.visionhub.priority;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A Linux thread's scheduling policy: set through libc's {@code sched_setscheduler(tid, policy, {0})} (JNA, direct
 * mapping), read from field 41 of {@code /proc/self/task/<tid>/stat}. Like the nice value it is kept per thread and a
 * thread created later inherits its creator's. Any thread may move itself or a sibling to {@link #SCHED_BATCH} or
 * {@link #SCHED_IDLE}; moving back from SCHED_IDLE to {@link #SCHED_OTHER} without privileges needs RLIMIT_NICE to
 * allow the thread's nice value (systemd: {@code LimitNICE=}).
 */
public final class ThreadPolicy {

    /** The normal time-sharing policy (CFS/EEVDF, weighted by the nice value). */
    public static final int SCHED_OTHER = 0;
    /**
     * Time-sharing weighted by the nice value like SCHED_OTHER, but the thread counts as CPU-bound: when it wakes it
     * does not preempt the thread running on the core, it waits for that thread's turn to end.
     */
    public static final int SCHED_BATCH = 3;
    /** Runs only on what other threads leave: a fixed weight of 3 against 1,024 for a nice-0 thread. */
    public static final int SCHED_IDLE = 5;

    private static final boolean AVAILABLE = load();

    private ThreadPolicy() {}

    private static boolean load() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            Native.register(ThreadPolicy.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    // struct sched_param { int sched_priority; }: an int[1] is passed as its pointer
    private static native int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;

    /** Whether threads' scheduling policies can be set here (Linux, libc reachable through JNA). */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Sets the scheduling policy of thread {@code tid} of this process ({@link #SCHED_OTHER}, {@link #SCHED_BATCH} or
     * {@link #SCHED_IDLE}; all take priority 0). The nice value is kept: it weighs the thread again if it goes back to SCHED_OTHER.
     *
     * @throws LastErrorException the OS refused (EPERM: leaving SCHED_IDLE without RLIMIT_NICE, or a seccomp filter;
     *     ESRCH: the thread ended)
     */
    public static void set(long tid, int policy) {
        if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE) {
            throw new IllegalArgumentException(
                    "only SCHED_OTHER (0), SCHED_BATCH (3) and SCHED_IDLE (5) are set here, got " + policy);
        }
        if (!AVAILABLE) {
            throw new UnsupportedOperationException(
                    "thread scheduling policies need Linux (this is " + System.getProperty("os.name") + ")");
        }
        sched_setscheduler((int) tid, policy, new int[] {0});
    }

    /** The policy of thread {@code tid} of this process (field 41 of its stat), or empty if it has ended. */
    public static OptionalInt of(long tid) {
        try {
            return OptionalInt.of(fromStat(Files.readString(Path.of("/proc/self/task/" + tid + "/stat"))));
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** Field 41 ("policy") of a stat line; the name in parentheses may hold spaces, so fields count from after it. */
    static int fromStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        String[] f = stat.substring(close + 2).trim().split(" ");
        if (f.length < 39) { // field 3 (state) is f[0]: field 41 is f[38]
            throw new IllegalArgumentException("a /proc stat line without field 41 (policy): " + stat);
        }
        return Integer.parseInt(f[38]);
    }

    /** "SCHED_OTHER", "SCHED_BATCH", "SCHED_IDLE" or the number. */
    public static String name(int policy) {
        return switch (policy) {
            case SCHED_OTHER -> "SCHED_OTHER";
            case SCHED_BATCH -> "SCHED_BATCH";
            case SCHED_IDLE -> "SCHED_IDLE";
            default -> "policy " + policy;
        };
    }
}
