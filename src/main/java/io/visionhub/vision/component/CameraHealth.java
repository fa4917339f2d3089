package io.visionhub.vision.component;

import io.visionhub.vision.source.LatestFrameHandoff;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one camera: frames read and inspected, drops, reconnects, errors, last frame, frames in flight.
 * For a free-running camera they add up: framesRead = inspected + inspectionErrors + dropped + inFlight.
 */
public final class CameraHealth {

    private final String station;
    private final String camera;
    private final LatestFrameHandoff handoff;
    private final AtomicLong framesRead = new AtomicLong();
    private final AtomicLong inspected = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong sourceErrors = new AtomicLong();
    private final AtomicLong inspectionErrors = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger inFlightMax = new AtomicInteger();
    private volatile boolean connected;
    private volatile Instant lastFrame;
    private volatile String lastError;
    private volatile double lastTotalMs;
    private final long startNanos = System.nanoTime();

    public CameraHealth(String station, String camera, LatestFrameHandoff handoff) {
        this.station = station;
        this.camera = camera;
        this.handoff = handoff;
    }

    void frameRead(Instant at) {
        framesRead.incrementAndGet();
        lastFrame = at;
    }

    /** A frame read is now held by the camera (in the handoff, being handed over or inspected). */
    void frameHeld() {
        inFlightMax.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    /** A held frame is done with: inspected, refused, failed, or replaced by a newer one (dropped). */
    void frameReleased() {
        inFlight.decrementAndGet();
    }

    void inspected(double totalMs) {
        inspected.incrementAndGet();
        lastTotalMs = totalMs;
    }

    void reconnected() {
        reconnects.incrementAndGet();
    }

    void connected(boolean c) {
        connected = c;
    }

    void sourceError(String message) {
        sourceErrors.incrementAndGet();
        lastError = message;
    }

    void inspectionError(String message) {
        inspectionErrors.incrementAndGet();
        lastError = message;
    }

    public String station() {
        return station;
    }

    public String camera() {
        return camera;
    }

    public long framesRead() {
        return framesRead.get();
    }

    public long inspected() {
        return inspected.get();
    }

    public long dropped() {
        return handoff.dropped();
    }

    /**
     * Frames read and not yet inspected or dropped: at most 3 for a free-running camera (one being handed over, one
     * waiting in the one-frame handoff, one being inspected), however slow the model, 4 with {@code decodeAhead}
     * (one more being decoded or waiting decoded); 0 for a triggered camera, which counts nothing in flight.
     */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most frames this camera ever held at once (the memory bound in frames: never above 3, 4 with decodeAhead). */
    public int inFlightMax() {
        return inFlightMax.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public long sourceErrors() {
        return sourceErrors.get();
    }

    public long inspectionErrors() {
        return inspectionErrors.get();
    }

    public boolean connected() {
        return connected;
    }

    public Instant lastFrame() {
        return lastFrame;
    }

    public String lastError() {
        return lastError;
    }

    public double lastTotalMs() {
        return lastTotalMs;
    }

    /** Average inspected frames per second since start. */
    public double fps() {
        double s = (System.nanoTime() - startNanos) / 1e9;
        return s <= 0 ? 0 : inspected.get() / s;
    }
}
