package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.time.Instant;

/** A simulated camera over a conveyor: one part per frame at the given rate, part ids from the generator. */
public final class SimulatedFrameSource implements FrameSource {

    private final String camera;
    private final SimulatedPartGenerator generator;
    private final Pacer pacer;
    private long sequence;
    private volatile SimulatedPart last;

    /** @param fps frames per second; 0 or less = as fast as they are taken */
    public SimulatedFrameSource(String camera, SimulatedPartGenerator generator, double fps) {
        this.camera = camera;
        this.generator = generator;
        this.pacer = new Pacer(fps);
    }

    @Override
    public void open() {
        pacer.restart();
    }

    @Override
    public Frame next() {
        if (!pacer.awaitTick()) {
            return null;
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
