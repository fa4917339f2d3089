package io.visionhub.vision.component;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of one camera, tagged station and camera: {@code visionhub.vision.frames.read},
 * {@code .frames.inspected}, {@code .frames.dropped}, {@code .reconnects}, {@code .errors} (kind=source|inspection),
 * {@code .frames.inflight}, {@code .connected}, {@code .fps}, {@code .last.frame.age} (seconds) and the
 * {@code visionhub.vision.inspection} timer.
 */
final class CameraMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer inspection;

    private CameraMetrics(MeterRegistry registry, CameraHealth h) {
        this.registry = registry;
        Tags tags = Tags.of("station", h.station(), "camera", h.camera());
        meters.add(FunctionCounter.builder("visionhub.vision.frames.read", h, CameraHealth::framesRead)
                .tags(tags)
                .description("Frames read from the camera")
                .register(registry));
        meters.add(FunctionCounter.builder("visionhub.vision.frames.inspected", h, CameraHealth::inspected)
                .tags(tags)
                .description("Frames inspected")
                .register(registry));
        meters.add(FunctionCounter.builder("visionhub.vision.frames.dropped", h, CameraHealth::dropped)
                .tags(tags)
                .description("Frames replaced by a newer one before inspection")
                .register(registry));
        meters.add(Gauge.builder("visionhub.vision.frames.inflight", h, CameraHealth::inFlight)
                .tags(tags)
                .description("Frames read and not yet inspected or dropped (at most 3 per camera)")
                .register(registry));
        meters.add(FunctionCounter.builder("visionhub.vision.reconnects", h, CameraHealth::reconnects)
                .tags(tags)
                .description("Stream reopened after a loss")
                .register(registry));
        meters.add(FunctionCounter.builder("visionhub.vision.errors", h, CameraHealth::sourceErrors)
                .tags(tags.and("kind", "source"))
                .description("Stream open/read failures")
                .register(registry));
        meters.add(FunctionCounter.builder("visionhub.vision.errors", h, CameraHealth::inspectionErrors)
                .tags(tags.and("kind", "inspection"))
                .description("Frames that could not be inspected")
                .register(registry));
        meters.add(Gauge.builder("visionhub.vision.connected", h, x -> x.connected() ? 1 : 0)
                .tags(tags)
                .description("1 while the stream is open")
                .register(registry));
        meters.add(Gauge.builder("visionhub.vision.fps", h, CameraHealth::fps)
                .tags(tags)
                .description("Frames inspected per second since start")
                .register(registry));
        meters.add(Gauge.builder("visionhub.vision.last.frame.age", h, CameraMetrics::age)
                .tags(tags)
                .baseUnit("seconds")
                .description("Seconds since the last frame")
                .register(registry));
        inspection = Timer.builder("visionhub.vision.inspection")
                .tags(tags)
                .description("Whole inspection step per frame")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        meters.add(inspection);
    }

    static CameraMetrics bind(MeterRegistry registry, CameraHealth health) {
        return registry == null ? null : new CameraMetrics(registry, health);
    }

    void recordInspection(double ms) {
        inspection.record((long) (ms * 1000), TimeUnit.MICROSECONDS);
    }

    private static double age(CameraHealth h) {
        Instant last = h.lastFrame();
        return last == null ? -1 : Duration.between(last, Instant.now()).toMillis() / 1000.0;
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
