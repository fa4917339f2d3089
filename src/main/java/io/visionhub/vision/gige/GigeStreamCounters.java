package io.visionhub.vision.gige;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The stream counters of one GigE camera over all its openings (a camera reopened after a loss keeps counting), as
 * Micrometer counters tagged station and camera: {@code visionhub.vision.gige.buffers} with kind=completed|failed|
 * underrun and {@code visionhub.vision.gige.packets} with kind=missing|resent.
 */
public final class GigeStreamCounters implements AutoCloseable {

    private StreamStatistics closedStreams = StreamStatistics.NONE;
    private Supplier<StreamStatistics> live;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry registry;

    synchronized void streamOpened(Supplier<StreamStatistics> stats) {
        live = stats;
    }

    synchronized void streamClosed() {
        if (live != null) {
            closedStreams = closedStreams.plus(live.get());
            live = null;
        }
    }

    /** Totals so far, the open stream included. */
    public synchronized StreamStatistics total() {
        return live == null ? closedStreams : closedStreams.plus(live.get());
    }

    /** Registers the counters (once); a null registry registers nothing. */
    public synchronized GigeStreamCounters bind(MeterRegistry reg, String station, String camera) {
        if (reg == null || registry != null) {
            return this;
        }
        registry = reg;
        Tags tags = Tags.of("station", station, "camera", camera);
        add(
                "visionhub.vision.gige.buffers",
                tags.and("kind", "completed"),
                s -> s.completed(),
                "Complete frames received");
        add(
                "visionhub.vision.gige.buffers",
                tags.and("kind", "failed"),
                s -> s.failed(),
                "Frames given up (missing packets, timeouts)");
        add(
                "visionhub.vision.gige.buffers",
                tags.and("kind", "underrun"),
                s -> s.underruns(),
                "Frames lost for want of a free buffer");
        add(
                "visionhub.vision.gige.packets",
                tags.and("kind", "missing"),
                s -> s.missingPackets(),
                "GVSP packets that never came");
        add(
                "visionhub.vision.gige.packets",
                tags.and("kind", "resent"),
                s -> s.resentPackets(),
                "GVSP packets resent on request");
        return this;
    }

    private void add(String name, Tags tags, ToDoubleFunction<StreamStatistics> f, String description) {
        meters.add(FunctionCounter.builder(name, this, c -> f.applyAsDouble(c.total()))
                .tags(tags)
                .description(description)
                .register(registry));
    }

    @Override
    public synchronized void close() {
        if (registry != null) {
            meters.forEach(registry::remove);
            meters.clear();
            registry = null;
        }
    }
}
