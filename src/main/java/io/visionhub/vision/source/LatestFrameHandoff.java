package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A one-slot handoff between the thread that reads a camera and the thread that inspects: the newest frame
 * wins, a frame not taken before the next arrives is dropped and counted. Memory stays bounded however slow
 * the model is.
 */
public final class LatestFrameHandoff {

    private Frame slot;
    private final AtomicLong dropped = new AtomicLong();

    /** Hands the frame over, replacing (and counting as dropped) one not yet taken; true when one was replaced. */
    public synchronized boolean offer(Frame frame) {
        boolean replaced = slot != null;
        if (replaced) {
            dropped.incrementAndGet();
        }
        slot = frame;
        notifyAll();
        return replaced;
    }

    /**
     * As {@link #offer}, except that a waiting frame that {@code keep} accepts is not replaced by one it does not
     * accept: the new frame is dropped (and counted) instead. A software-triggered camera's frame that answers a
     * part's trigger must reach that trigger even when the camera sends untriggered frames right after it.
     */
    public synchronized boolean offerKeeping(Frame frame, Predicate<Frame> keep) {
        if (slot != null && keep.test(slot) && !keep.test(frame)) {
            dropped.incrementAndGet();
            return true;
        }
        return offer(frame);
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

    /**
     * Waits up to the timeout until a frame is there, without taking it; true when one is. The inspecting thread
     * waits here, then for its turn at inference, and only then takes the newest frame: so the frame inspected is
     * the newest at the moment inference starts, and no frame waits in a queue for its turn.
     */
    public synchronized boolean awaitFrame(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (slot == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** The frame waiting now, taken, or null when none is. */
    public synchronized Frame poll() {
        Frame f = slot;
        slot = null;
        if (f != null) {
            notifyAll();
        }
        return f;
    }

    /** Frames waiting in the slot: 0 or 1. */
    public synchronized int pending() {
        return slot == null ? 0 : 1;
    }

    public long dropped() {
        return dropped.get();
    }
}
