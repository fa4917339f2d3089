package io.visionhub.vision.component;

import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.LatestFrameHandoff;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.visionhub.plc.PlcTrigger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads frames on one thread and inspects on another, joined by a newest-frame-wins handoff: a slow model
 * never lets frames queue up (drops are counted). A lost stream is reopened with exponential backoff.
 * Each inspected frame becomes one exchange whose body is the {@link InspectionEvent}. In triggered mode
 * (endpoint option {@code trigger}) only the first frame captured at or after each trigger of this station is
 * inspected, and its event carries the trigger's part id.
 */
public class VisionConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(VisionConsumer.class);

    private final VisionEndpoint endpoint;
    private final LatestFrameHandoff handoff = new LatestFrameHandoff();
    private final CameraHealth health;
    private ExecutorService threads;
    private volatile boolean running;
    private ModelHandle model;
    private FrameInspector inspector;
    private CameraMetrics meters;
    private final BlockingQueue<PlcTrigger> triggers = new LinkedBlockingQueue<>(64);
    private AutoCloseable triggerRegistration;
    private Counter triggersMissed;

    public VisionConsumer(VisionEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.health = new CameraHealth(endpoint.getStation(), endpoint.cameraId(), handoff);
    }

    public CameraHealth health() {
        return health;
    }

    public VisionEndpoint endpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        model = endpoint.modelHandle();
        inspector = endpoint.inspector(model);
        running = true;
        if (endpoint.triggered()) {
            // first, so that a refused registration (same station twice) leaves no threads behind
            triggerRegistration = TriggerDispatcher.register(getEndpoint().getCamelContext(),
                    endpoint.getComponent().triggerDispatchers, endpoint.getComponent().getMeterRegistry(),
                    endpoint.getTrigger(), endpoint.getStation(), this::trigger);
        }
        meters = CameraMetrics.bind(endpoint.getComponent().getMeterRegistry(), health);
        threads = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "vision-" + endpoint.getStation(), 2);
        threads.submit(this::readLoop);
        if (endpoint.triggered()) {
            if (endpoint.getComponent().getMeterRegistry() != null) {
                triggersMissed = Counter.builder("visionhub.vision.trigger.missed").tag("station", endpoint.getStation())
                        .description("PLC triggers whose frame could not be had before the deadline")
                        .register(endpoint.getComponent().getMeterRegistry());
            }
            threads.submit(this::triggerLoop);
        } else {
            threads.submit(this::inspectLoop);
        }
        LOG.info("vision:{} started: camera {} from {}, model {} {}, line {}{}", endpoint.getStation(),
                endpoint.cameraId(), endpoint.getSource(), model.model().ref().name(), model.model().ref().version(),
                endpoint.getLine(), endpoint.triggered() ? ", inspecting on triggers from " + endpoint.getTrigger() : "");
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (triggerRegistration != null) {
            triggerRegistration.close();
            triggerRegistration = null;
        }
        // the source is closed by its reading thread (FFmpeg must not be closed under a running grab); a blocked
        // read returns within timeoutMs
        if (threads != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(threads);
            // the frame being inspected finishes (and its image lands) before stop returns
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("vision:{}: camera thread still busy 10 s after stop; it ends when its read times out",
                        endpoint.getStation());
            }
            threads = null;
        }
        if (meters != null) {
            meters.close();
            meters = null;
        }
        super.doStop();
    }

    private void readLoop() {
        long backoff = endpoint.getReconnectDelay();
        boolean everOpened = false;
        while (running) {
            FrameSource s = null;
            try {
                s = endpoint.createFrameSource();
                s.open();
                if (everOpened) {
                    health.reconnected();
                    LOG.info("vision:{}: {} reopened", endpoint.getStation(), s.describe());
                }
                everOpened = true;
                health.connected(true);
                backoff = endpoint.getReconnectDelay();
                Frame f;
                while (running && (f = s.next()) != null) {
                    health.frameRead(f.captureTime());
                    if (s.lossless() || endpoint.isLossless()) {
                        handoff.put(f);
                    } else {
                        handoff.offer(f);
                    }
                }
                if (!running) {
                    return;
                }
                if (s.finite()) {
                    LOG.info("vision:{}: {} played to the end; no more frames from this source", endpoint.getStation(),
                            s.describe());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                health.sourceError(e.getMessage());
                LOG.warn("vision:{}: {}; retrying in {} ms", endpoint.getStation(), e.getMessage(), backoff);
            } finally {
                health.connected(false);
                if (s != null) {
                    s.close();
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(endpoint.getReconnectMaxDelay(), backoff * 2);
        }
    }

    private void inspectLoop() {
        while (running) {
            Frame f;
            try {
                f = handoff.take(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (f != null) {
                inspectAndEmit(f, null);
            }
        }
    }

    /** Inspects the frame and emits its event (with the part id where given); false when inspection failed. */
    private boolean inspectAndEmit(Frame f, String partId) {
        InspectionEvent event;
        try {
            event = inspector.inspect(f);
            health.inspected(event.latency().totalMs());
            if (meters != null) {
                meters.recordInspection(event.latency().totalMs());
            }
        } catch (RuntimeException e) {
            health.inspectionError(e.getMessage());
            LOG.warn("vision:{}: frame {} of camera {} not inspected{}: {}", endpoint.getStation(), f.sequence(),
                    f.camera(), partId == null ? "" : " (part " + partId + ")", e.getMessage());
            return false;
        }
        emit(partId == null ? event : event.withPartId(partId));
        return true;
    }

    /** Called by the trigger endpoint's dispatcher for a trigger of this station. */
    void trigger(PlcTrigger t) {
        if (!running || !triggers.offer(t)) {
            missed(t, running ? "64 triggers already waiting (the model is slower than the PLC cycle)" : "consumer stopping");
        }
    }

    /** Triggered mode: waits for triggers, inspects the frame of each trigger's moment. */
    private void triggerLoop() {
        while (running) {
            PlcTrigger t;
            try {
                t = triggers.poll(500, TimeUnit.MILLISECONDS);
                if (t == null) {
                    continue;
                }
                if (t.deadline() != null && Instant.now().isAfter(t.deadline())) {
                    missed(t, "its deadline " + t.deadline() + " had passed when it was taken up (triggers waiting "
                            + "behind a slow inspection?)");
                    continue;
                }
                Frame f = frameOf(t);
                if (f == null) {
                    if (running) {
                        missed(t, "no frame captured between the trigger and its deadline " + t.deadline()
                                + " (camera " + health.camera() + " delivering frames?)");
                    }
                    continue;
                }
                if (!inspectAndEmit(f, t.partId())) {
                    missed(t, "inspection of frame " + f.sequence() + " failed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The first frame captured at or after the trigger, waiting until the trigger's deadline; null if none came. */
    private Frame frameOf(PlcTrigger t) throws InterruptedException {
        Instant from = t.triggeredAt() != null ? t.triggeredAt() : Instant.now();
        Instant deadline = t.deadline() != null ? t.deadline() : from.plusMillis(endpoint.getTimeoutMs());
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

    private void missed(PlcTrigger t, String why) {
        if (triggersMissed != null) {
            triggersMissed.increment();
        }
        LOG.warn("vision:{}: trigger for part {} not inspected: {}; the PLC handshake's fail-safe applies",
                endpoint.getStation(), t.partId(), why);
    }

    private void emit(InspectionEvent event) {
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(event);
            VisionProducer.setHeaders(in, event);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("vision:" + endpoint.getStation() + ": route failed for inspection "
                    + event.id(), exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }
}
