package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-slot handoff between the thread that reads a camera and the thread that inspects: the newest frame
 * wins, a frame not taken before the next arrives is dropped and counted. Memory stays bounded however slow
 * the model is.
 */
public final class LatestFrameHandoff {

    private Frame slot;
    private final AtomicLong dropped = new AtomicLong();

    public synchronized void offer(Frame frame) {
        if (slot != null) {
            dropped.incrementAndGet();
        }
        slot = frame;
        notifyAll();
    }

    /** Waits until the slot is free, then hands the frame over (sources where every frame is a part: folders). */
    public synchronized void put(Frame frame) throws InterruptedException {
        while (slot != null) {
            wait();
        }
        slot = frame;
        notifyAll();
    }

    /** The newest frame, waiting up to the timeout; null when none came. */
    public synchronized Frame take(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (slot == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        Frame f = slot;
        slot = null;
        notifyAll();
        return f;
    }

    public long dropped() {
        return dropped.get();
    }
}
