package io.visionhub.vision.component;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.event.PartTrigger;
import io.visionhub.vision.Frame;
import io.visionhub.vision.source.LatestFrameHandoff;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.ExecutorServiceManager;

/**
 * The camera of a producer in triggered mode: reads the endpoint's source all the time on its own thread (newest
 * frame wins, a lost stream reopened with backoff) and hands out, per trigger, the first frame captured at or
 * after the trigger and before its deadline. The camera's metrics are those of a free-running camera
 * ({@code visionhub.vision.frames.read{station}}, ...).
 */
final class TriggeredCapture implements AutoCloseable {

    private final VisionEndpoint endpoint;
    private final ExecutorServiceManager executors;
    private final LatestFrameHandoff handoff = new LatestFrameHandoff();
    private volatile boolean running = true;
    private final ExecutorService reader;
    private final CameraHealth health;
    private final CameraMetrics meters;

    TriggeredCapture(VisionEndpoint endpoint, ExecutorServiceManager executors, Object owner, MeterRegistry registry) {
        this.endpoint = endpoint;
        this.executors = executors;
        this.health = new CameraHealth(endpoint.getStation(), endpoint.cameraId(), handoff);
        this.meters = CameraMetrics.bind(registry, health);
        this.reader = executors.newSingleThreadExecutor(owner, "vision-capture-" + endpoint.getStation());
        reader.submit(this::readLoop);
    }

    /** The first frame captured at or after the trigger, waiting until its deadline; null if none came. */
    Frame frameOf(PartTrigger t) throws InterruptedException {
        Instant from = t.triggeredAt() != null ? t.triggeredAt() : Instant.now();
        Instant deadline = t.deadline() != null ? t.deadline() : from.plusMillis(endpoint.getReadTimeout());
        while (running) {
            long left = Duration.between(Instant.now(), deadline).toNanos();
            if (left <= 0) {
                return null;
            }
            Frame f = handoff.take(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                return null;
            }
            if (!f.captureTime().isBefore(from)) {
                return f;
            }
            // captured before the trigger: not this part; wait for the next frame
        }
        return null;
    }

    /** An inspection of a triggered frame, for the camera's health and metrics. */
    void inspected(double totalMs) {
        health.inspected(totalMs);
        if (meters != null) {
            meters.recordInspection(totalMs);
        }
    }

    private void readLoop() {
        CameraReader.run(
                endpoint,
                health,
                "vision:" + endpoint.getStation() + " (triggered)",
                () -> running,
                (source, frame) -> handoff.offer(frame));
    }

    @Override
    public void close() {
        running = false;
        // the source is closed by the reading thread (FFmpeg must not be closed under a running grab)
        executors.shutdownNow(reader);
        if (meters != null) {
            meters.close();
        }
    }
}
