package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A one-slot handoff between the thread that reads a camera and the thread that inspects: the newest frame
 * wins, a frame not taken before the next arrives is dropped and counted. Memory stays bounded however slow
 * the model is. The inspecting thread waits with {@link #awaitFilled}, then for its turn at inference, and only
 * then takes the newest frame ({@link #poll}): so the frame inspected is the newest at the moment inference starts,
 * and no frame waits in a queue for its turn.
 */
public final class LatestFrameHandoff extends OneSlot<Frame> {

    private final AtomicLong dropped = new AtomicLong();

    /** Hands the frame over, replacing (and counting as dropped) one not yet taken; true when one was replaced. */
    public synchronized boolean offer(Frame frame) {
        boolean replaced = value() != null;
        if (replaced) {
            dropped.incrementAndGet();
        }
        set(frame);
        return replaced;
    }

    /**
     * As {@link #offer}, except that a waiting frame that {@code keep} accepts is not replaced by one it does not
     * accept: the new frame is dropped (and counted) instead. A software-triggered camera's frame that answers a
     * part's trigger must reach that trigger even when the camera sends untriggered frames right after it.
     */
    public synchronized boolean offerKeeping(Frame frame, Predicate<Frame> keep) {
        Frame waiting = value();
        if (waiting != null && keep.test(waiting) && !keep.test(frame)) {
            dropped.incrementAndGet();
            return true;
        }
        return offer(frame);
    }

    /** Waits until the slot is free, then hands the frame over (sources where every frame is a part: folders). */
    public synchronized void put(Frame frame) throws InterruptedException {
        while (value() != null) {
            wait();
        }
        set(frame);
    }

    /** The newest frame, waiting up to the timeout; null when none came. */
    public synchronized Frame take(long timeout, TimeUnit unit) throws InterruptedException {
        return awaitFilled(timeout, unit) ? poll() : null;
    }

    public long dropped() {
        return dropped.get();
    }
}
