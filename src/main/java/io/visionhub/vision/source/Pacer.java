package io.visionhub.vision.source;

import java.util.concurrent.locks.LockSupport;

/** Holds a reading thread to a fixed frame period (no drift: each tick is one period after the previous). */
final class Pacer {

    private final long periodNanos;
    private long nextAt;

    /** @param fps frames per second; 0 or less = no pacing */
    Pacer(double fps) {
        this.periodNanos = fps <= 0 ? 0 : (long) (1e9 / fps);
        this.nextAt = System.nanoTime();
    }

    void restart() {
        nextAt = System.nanoTime();
    }

    /** Waits for the next tick; false when the thread was interrupted. */
    boolean awaitTick() {
        if (periodNanos <= 0) {
            return true;
        }
        long wait;
        while ((wait = nextAt - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        nextAt += periodNanos;
        return true;
    }
}
