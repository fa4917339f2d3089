package io.visionhub.vision.component;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.event.PartTrigger;
import io.visionhub.priority.InferenceThreads;
import io.visionhub.vision.Frame;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.LatestFrameHandoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera of a producer in triggered mode: reads the endpoint's source all the time on its own thread (newest
 * frame wins, a lost stream reopened with backoff) and hands out, per trigger, the first frame captured at or
 * after the trigger and before its deadline. The camera's metrics are those of a free-running camera
 * ({@code visionhub.vision.frames.read{station}}, ...).
 */
final class TriggeredCapture implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TriggeredCapture.class);

    private final VisionEndpoint endpoint;
    private final ExecutorServiceManager executors;
    private final LatestFrameHandoff handoff = new LatestFrameHandoff();
    private volatile boolean running = true;
    /** The open source (null while reconnecting), for cameras the hub triggers. */
    private volatile FrameSource source;

    private final ExecutorService reader;
    private final CameraHealth health;
    private final CameraMetrics meters;

    TriggeredCapture(VisionEndpoint endpoint, ExecutorServiceManager executors, Object owner, MeterRegistry registry) {
        this.endpoint = endpoint;
        this.executors = executors;
        this.health = new CameraHealth(endpoint.getStation(), endpoint.cameraId(), handoff);
        this.meters = CameraMetrics.bind(registry, health);
        // born on a normal-priority thread, whoever starts the route (RoutingPriority). The pool runs one task, the
        // read loop, for the camera's life: frames never queue (the handoff keeps the newest), and triggers never
        // come here (each waits on its own route's thread in frameOf, until its deadline; a backlog of triggers
        // waits on plc-triggers, one PartTrigger each, and a trigger whose deadline passed there gets no frame and
        // fails safe): nothing grows here with a burst of triggers
        this.reader = InferenceThreads.startUnchecked(() -> {
            ExecutorService pool =
                    SingleThreadExecutors.inOrder(executors, owner, "vision-capture-" + endpoint.getStation());
            pool.submit(this::readLoop);
            return pool;
        });
    }

    /**
     * The first frame captured at or after the trigger, waiting until its deadline; null if none came. A camera the
     * hub triggers (GigE, TriggerSource=Software) is fired now, and the frame that answers this trigger is taken.
     */
    Frame frameOf(PartTrigger t) throws InterruptedException {
        Instant from = t.triggeredAt() != null ? t.triggeredAt() : Instant.now();
        Instant deadline = t.deadline() != null ? t.deadline() : from.plusMillis(endpoint.getReadTimeout());
        FrameSource s = source;
        if (s != null && s.hubTriggered()) {
            return fired(s, t, deadline);
        }
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

    private Frame fired(FrameSource s, PartTrigger t, Instant deadline) throws InterruptedException {
        try {
            s.trigger(t);
        } catch (RuntimeException e) {
            // the camera went away between open and trigger: no frame for this part; the reader reopens it
            LOG.warn("vision:{}: trigger of part {} not fired: {}", endpoint.getStation(), t.partId(), e.getMessage());
            return null;
        }
        while (running) {
            long left = Duration.between(Instant.now(), deadline).toNanos();
            if (left <= 0) {
                return null;
            }
            Frame f = handoff.take(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                return null;
            }
            if (Objects.equals(f.partId(), t.partId())) {
                return f;
            }
            // the late answer to an earlier trigger: not this part
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
                (src, frame) -> {
                    if (src.hubTriggered()) {
                        // the answer to a software trigger waits for its part: an untriggered frame after it (a
                        // camera that streams on, a late duplicate) is dropped instead of replacing it
                        handoff.offerKeeping(frame, f -> f.partId() != null);
                    } else {
                        handoff.offer(frame);
                    }
                    // a trigger takes the newest frame and the rest are dropped: a folder file is filed once read
                    src.recorded(frame);
                },
                src -> source = src);
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
