package io.visionhub.priority;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux thread's nice value: set through libc's {@code setpriority(PRIO_PROCESS, tid, nice)} (JNA, direct
 * mapping), read from {@code /proc/self/task/<tid>/stat}. Linux keeps the nice value per thread; a thread created
 * later inherits its creator's. Without privileges a thread's nice value can be raised but not lowered again, unless
 * RLIMIT_NICE allows it (systemd: {@code LimitNICE=}).
 */
public final class ThreadNice {

    private static final int PRIO_PROCESS = 0;
    private static final boolean AVAILABLE = load();

    private ThreadNice() {}

    private static boolean load() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            Native.register(ThreadNice.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static native int setpriority(int which, int who, int prio) throws LastErrorException;

    private static native int gettid();

    /** Whether threads' nice values can be set here (Linux, libc reachable through JNA). */
    public static boolean available() {
        return AVAILABLE;
    }

    /** The calling thread's Linux thread id. */
    public static long currentTid() {
        requireAvailable();
        return gettid();
    }

    /**
     * Sets the nice value of thread {@code tid} of this process.
     *
     * @throws LastErrorException the OS refused (EACCES: lowering without RLIMIT_NICE; ESRCH: the thread ended)
     */
    public static void set(long tid, int nice) {
        requireAvailable();
        setpriority(PRIO_PROCESS, (int) tid, nice);
    }

    /** The nice value of thread {@code tid} of this process (field 19 of its stat), or empty if it has ended. */
    public static java.util.OptionalInt of(long tid) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
            // the name in parentheses may hold spaces: fields after it start at field 3 (state); nice is field 19
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return java.util.OptionalInt.of(Integer.parseInt(f[16]));
        } catch (IOException e) {
            return java.util.OptionalInt.empty();
        }
    }

    private static void requireAvailable() {
        if (!AVAILABLE) {
            throw new UnsupportedOperationException(
                    "thread nice values need Linux (this is " + System.getProperty("os.name") + ")");
        }
    }
}
