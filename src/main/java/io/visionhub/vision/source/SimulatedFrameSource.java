package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A simulated camera over a conveyor: one part per frame at the given rate, part ids from the generator. */
public final class SimulatedFrameSource implements FrameSource {

    private final String camera;
    private final SimulatedPartGenerator generator;
    private final long periodNanos;
    private long sequence;
    private long nextAt;
    private volatile SimulatedPart last;

    /** @param fps frames per second; 0 or less = as fast as they are taken */
    public SimulatedFrameSource(String camera, SimulatedPartGenerator generator, double fps) {
        this.camera = camera;
        this.generator = generator;
        this.periodNanos = fps <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / fps);
    }

    @Override
    public void open() {
        nextAt = System.nanoTime();
    }

    @Override
    public Frame next() {
        if (periodNanos > 0) {
            long wait;
            while ((wait = nextAt - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) {
                    return null;
                }
            }
            nextAt += periodNanos;
        }
        long seq = sequence++;
        SimulatedPart part = generator.generate(seq);
        last = part;
        return new Frame(camera, seq, Instant.now(), part.image(), null, part.partId());
    }

    /** Ground truth of the last part drawn (tests). */
    public SimulatedPart lastPart() {
        return last;
    }

    @Override
    public String describe() {
        return "camera " + camera + " (simulated parts)";
    }

    @Override
    public void close() {
        // nothing held
    }
}
