package io.visionhub.vision.component;

import io.visionhub.vision.FrameInspector;
import java.util.concurrent.TimeUnit;

/**
 * The one-frame slot between a camera's decode-ahead thread and its inspecting thread ({@code decodeAhead=true}):
 * the decoder fills it only when it is empty and takes the next frame from the camera's handoff only then, so no
 * frame is decoded that will not be inspected, frames keep their order, and a camera holds at most one decoded frame
 * beyond the one being inspected.
 */
final class DecodedFrameSlot {

    private FrameInspector.Prepared slot;

    /** Waits up to the timeout until the slot is empty; true when it is. */
    synchronized boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (slot != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Fills the empty slot; refused (IllegalStateException) when it is full: only one thread fills it. */
    synchronized void put(FrameInspector.Prepared p) {
        if (slot != null) {
            throw new IllegalStateException(
                    "decoded-frame slot already holds frame " + slot.frame().sequence());
        }
        slot = p;
        notifyAll();
    }

    /** Waits up to the timeout until a decoded frame is there, without taking it; true when one is. */
    synchronized boolean awaitFrame(long timeout, TimeUnit unit) throws InterruptedException {
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

    /** The decoded frame waiting, taken (the decoder may then fetch the next), or null. */
    synchronized FrameInspector.Prepared poll() {
        FrameInspector.Prepared p = slot;
        slot = null;
        if (p != null) {
            notifyAll();
        }
        return p;
    }

    synchronized int pending() {
        return slot == null ? 0 : 1;
    }
}
