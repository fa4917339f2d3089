package io.visionhub.vision.component;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inspection slots that all cameras of a hub share: at most {@code slots} frames are inspected at once, and a
 * camera waiting for a slot is served in the order it asked (a fair semaphore: first come, first served). A camera
 * that has just been served asks again behind every camera already waiting, so when the CPU cannot keep up the
 * cameras take turns (round robin) and none starves; each camera's newest-frame handoff drops what waits meanwhile.
 * Without the gate every camera's thread would run its own inference at once: more runs than cores (each with its
 * ONNX Runtime buffers) and stale frames by the time each run ends.
 */
public final class InspectionGate {

    private final int slots;
    private final Semaphore semaphore;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger activeMax = new AtomicInteger();
    private final AtomicLong granted = new AtomicLong();

    /** @param slots frames inspected at once, at least 1 */
    public InspectionGate(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("inspection slots must be at least 1, got " + slots);
        }
        this.slots = slots;
        this.semaphore = new Semaphore(slots, true);
    }

    /** Slots for this machine: {@code configured}, or the number of cores when it is 0 or less. */
    static int slotsFor(int configured) {
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /** Waits for this camera's turn; every acquire is followed by one {@link #release()}. */
    public void acquire() throws InterruptedException {
        semaphore.acquire();
        granted.incrementAndGet();
        int now = active.incrementAndGet();
        activeMax.accumulateAndGet(now, Math::max);
    }

    public void release() {
        active.decrementAndGet();
        semaphore.release();
    }

    public int slots() {
        return slots;
    }

    /** Frames being inspected now. */
    public int active() {
        return active.get();
    }

    /** The most frames ever inspected at once (never above {@link #slots()}). */
    public int activeMax() {
        return activeMax.get();
    }

    /** Cameras waiting for a slot now (an estimate while threads come and go, exact when they stand still). */
    public int waiting() {
        return semaphore.getQueueLength();
    }

    /** Slots handed out since start. */
    public long granted() {
        return granted.get();
    }
}
