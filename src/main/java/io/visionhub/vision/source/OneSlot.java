package io.visionhub.vision.source;

import java.util.concurrent.TimeUnit;

/**
 * A slot that holds at most one value between two threads, with timed waits for it to fill or empty. The slot's
 * own monitor guards it, so a subclass adds an atomic step (replace the value, refuse it) as a {@code synchronized}
 * method over {@link #value()} and {@link #set}. Used by {@link LatestFrameHandoff} (camera reader to inspecting
 * thread) and by the vision component's decoded-frame slot (decode-ahead thread to inspecting thread).
 */
public class OneSlot<T> {

    private T value;

    /** Waits up to the timeout until the slot is empty; true when it is. */
    public synchronized boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        return await(false, timeout, unit);
    }

    /** Waits up to the timeout until a value is there, without taking it; true when one is. */
    public synchronized boolean awaitFilled(long timeout, TimeUnit unit) throws InterruptedException {
        return await(true, timeout, unit);
    }

    /** The value waiting, taken (a thread waiting for the slot to empty then wakes), or null when none is. */
    public synchronized T poll() {
        T v = value;
        value = null;
        if (v != null) {
            notifyAll();
        }
        return v;
    }

    /** Values waiting in the slot: 0 or 1. */
    public synchronized int pending() {
        return value == null ? 0 : 1;
    }

    /** The value waiting, not taken, or null; for a subclass's synchronized steps. */
    protected final synchronized T value() {
        return value;
    }

    /** Puts the value in the slot, replacing any there, and wakes the waiting threads. */
    protected final synchronized void set(T v) {
        value = v;
        notifyAll();
    }

    private boolean await(boolean filled, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while ((value != null) != filled) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
