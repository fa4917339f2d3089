package io.visionhub.vision.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current model of one model location, swappable while frames flow: {@link #run} uses the model that is
 * current when the frame starts; {@link #swap} installs a new one at once and closes the old one when its
 * last in-flight frame finishes. No frame is dropped or sees a closed session.
 */
public final class ModelHandle {

    private static final Logger LOG = LoggerFactory.getLogger(ModelHandle.class);

    private final String location;
    private final AtomicReference<Lease> current = new AtomicReference<>();

    public ModelHandle(String location, InspectionModel initial) {
        this.location = location;
        current.set(new Lease(initial));
    }

    public String location() {
        return location;
    }

    /** The current model (for its ref); use {@link #run} to inspect. */
    public InspectionModel model() {
        return current.get().model;
    }

    /** Runs the work on the current model, which stays open until the work is done. */
    public <T> T run(Function<InspectionModel, T> work) {
        while (true) {
            Lease lease = current.get();
            if (lease.acquire()) {
                try {
                    return work.apply(lease.model);
                } finally {
                    lease.release();
                }
            }
            // the lease was retired between get() and acquire(): take the new one
        }
    }

    /** Installs a new model; the old one closes after its in-flight frames. */
    public void swap(InspectionModel next) {
        Lease old = current.getAndSet(new Lease(next));
        LOG.info(
                "Model at {} swapped: {} {} ({}) -> {} {} ({})",
                location,
                old.model.ref().name(),
                old.model.ref().version(),
                old.model.ref().sha256().substring(0, 12),
                next.ref().name(),
                next.ref().version(),
                next.ref().sha256().substring(0, 12));
        old.retire();
    }

    public void close() {
        current.get().retire();
    }

    private static final class Lease {
        private final InspectionModel model;
        // in-flight count; -1 once retired and drained
        private final AtomicInteger users = new AtomicInteger();
        private volatile boolean retired;

        Lease(InspectionModel model) {
            this.model = model;
        }

        boolean acquire() {
            while (true) {
                int n = users.get();
                if (n < 0 || retired) {
                    return false;
                }
                if (users.compareAndSet(n, n + 1)) {
                    if (retired) {
                        release();
                        return false;
                    }
                    return true;
                }
            }
        }

        void release() {
            if (users.decrementAndGet() == 0 && retired) {
                closeIfDrained();
            }
        }

        void retire() {
            retired = true;
            closeIfDrained();
        }

        private void closeIfDrained() {
            if (users.compareAndSet(0, -1)) {
                model.close();
            }
        }
    }
}
