package io.visionhub.vision.component;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.priority.InferenceThreads;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.FrameRefusedException;
import io.visionhub.vision.RecordedParts;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.source.FfmpegFrameSource;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.LatestFrameHandoff;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads frames on one thread and inspects on another, joined by a newest-frame-wins handoff: a slow model
 * never lets frames queue up (drops are counted). A lost stream is reopened with exponential backoff.
 * Each inspected frame becomes one exchange whose body is the {@link InspectionEvent}. (PLC-triggered inspection
 * is the producer's triggered mode: {@code from: plc:<station>} then {@code to: vision:<station>?triggered=true}.)
 *
 * <p>With {@code decodeAhead=true} a third thread sits between the two: it takes the next frame from the handoff
 * as soon as the inspecting thread has taken the previous decoded one, decodes it (JPEG frames) and fills the model's
 * input from it while that one's model runs, so that decoding and pre-processing overlap inference on another core
 * ({@link DecodedFrameSlot}: one prepared frame waits at most, in order, none prepared in vain). Per-frame throughput
 * rises by about the decode and pre-processing time where a core is free; the frame inspected is then the newest when
 * its decode began, not when its inference began (up to one inspection older).
 */
public class VisionConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(VisionConsumer.class);

    private final VisionEndpoint endpoint;
    private final LatestFrameHandoff handoff = new LatestFrameHandoff();
    /** Decoded frames waiting for the inspecting thread, with decodeAhead only. */
    private final DecodedFrameSlot decodedSlot = new DecodedFrameSlot();

    private final CameraHealth health;
    private ExecutorService threads;
    private volatile boolean running;
    /** The source the reader reads now: told when a frame's part is recorded ({@link FrameSource#recorded}). */
    private volatile FrameSource reading;

    private ModelHandle model;
    private FrameInspector inspector;
    /** Inspectors of models chosen per frame by the component's ModelSelector, by model folder. */
    private final Map<String, FrameInspector> selected = new ConcurrentHashMap<>();

    private CameraMetrics meters;

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
        meters = CameraMetrics.bind(endpoint.getComponent().getMeterRegistry(), health);
        // the camera's threads are born on a normal-priority thread, whoever starts the route (RoutingPriority)
        threads = InferenceThreads.start(() -> {
            ExecutorService pool = getEndpoint()
                    .getCamelContext()
                    .getExecutorServiceManager()
                    .newFixedThreadPool(this, "vision-" + endpoint.getStation(), endpoint.isDecodeAhead() ? 3 : 2);
            pool.submit(this::readLoop);
            if (endpoint.isDecodeAhead()) {
                pool.submit(this::decodeLoop);
            }
            pool.submit(this::inspectLoop);
            return pool;
        });
        LOG.info(
                "vision:{} started: camera {} from {}, model {} {}, line {}",
                endpoint.getStation(),
                endpoint.cameraId(),
                FfmpegFrameSource.redact(endpoint.getSource()), // a password in the source URL is not logged
                model.model().ref().name(),
                model.model().ref().version(),
                endpoint.getLine());
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        // the source is closed by its reading thread (FFmpeg must not be closed under a running grab); a blocked
        // read returns within readTimeout
        if (threads != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(threads);
            // the frame being inspected finishes (and its image lands) before stop returns
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn(
                        "vision:{}: camera thread still busy 10 s after stop; it ends when its read times out",
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
        CameraReader.run(endpoint, health, "vision:" + endpoint.getStation(), () -> running, (source, frame) -> {
            // in flight from here until inspected, refused or replaced by a newer frame (CameraHealth.inFlight)
            reading = source;
            health.frameHeld();
            if (source.lossless() || endpoint.isLossless()) {
                handoff.put(frame);
            } else if (handoff.offer(frame)) {
                health.frameReleased(); // the older frame in the slot was dropped
            }
        });
    }

    /**
     * Waits for a frame, then for this camera's turn at the inspection slots the cameras share, and only then takes
     * the newest frame: the frame inspected is the freshest, and a camera holds no frame while it waits its turn.
     * The event goes down the route after the slot is given back, so a slow route does not hold up other cameras.
     */
    private void inspectLoop() {
        InferenceThreads.claimNormalPriority("vision:" + endpoint.getStation());
        InspectionGate gate = endpoint.getComponent().inspectionGate();
        boolean ahead = endpoint.isDecodeAhead();
        while (running) {
            try {
                if (!(ahead
                        ? decodedSlot.awaitFilled(500, TimeUnit.MILLISECONDS)
                        : handoff.awaitFilled(500, TimeUnit.MILLISECONDS))) {
                    continue;
                }
                gate.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Frame f;
            InspectionEvent event;
            try {
                FrameInspector.Prepared p = ahead ? decodedSlot.poll() : null;
                // only this thread takes: the frame awaited is there, or a newer one
                f = ahead ? (p == null ? null : p.frame()) : handoff.poll();
                event = f == null ? null : inspect(f, p);
            } finally {
                gate.release();
            }
            if (f != null) {
                health.frameReleased();
            }
            try {
                FrameSource s = reading;
                if (event != null && (recordedBefore(s, f, event) || emit(event)) && s != null) {
                    s.recorded(f); // an image folder lets go of the part's file only now (FolderFrameSource)
                } else if (f != null && s != null) {
                    s.notInspected(f); // no record: an image folder offers the file again later
                }
            } catch (RuntimeException e) {
                // one part's failure must not end the station's inspection thread (it would wait for ever)
                LOG.error(
                        "vision:{}: after frame {}{}: {}; the station goes on with the next frame",
                        endpoint.getStation(),
                        f == null ? "-" : f.sequence(),
                        f == null || f.partId() == null ? "" : " (part " + f.partId() + ")",
                        e.toString(),
                        e);
            }
        }
    }

    /**
     * The decode-ahead thread: whenever the decoded-frame slot is empty (the inspecting thread took the last one), takes
     * the newest frame from the handoff, decodes it and fills the input of the model it will be inspected with; a frame that cannot
     * be decoded goes on with its error, to be refused (UNCERTAIN) by the inspecting thread as without decode-ahead.
     */
    private void decodeLoop() {
        while (running) {
            try {
                if (!decodedSlot.awaitEmpty(500, TimeUnit.MILLISECONDS)
                        || !handoff.awaitFilled(500, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Frame f = handoff.poll(); // only this thread takes from the handoff now
            if (f == null) {
                continue;
            }
            FrameInspector.Prepared p;
            try {
                p = inspectorFor(endpoint.modelLocationFor(f.captureTime())).prepare(f);
            } catch (RuntimeException e) {
                // no inspector for the frame's model: the inspecting thread meets the same failure and reports it
                p = new FrameInspector.Prepared(f, null, null, 0, null);
            }
            decodedSlot.put(p);
        }
    }

    /**
     * Inspects the frame (decoded ahead when {@code ahead} is not null); the event (UNCERTAIN for a refused frame),
     * or null when inspection failed.
     */
    private InspectionEvent inspect(Frame f, FrameInspector.Prepared ahead) {
        String location = null;
        try {
            location = endpoint.modelLocationFor(f.captureTime());
            InspectionEvent event = inspectorFor(location).inspect(f, ahead);
            endpoint.challenge(f, event, location);
            health.inspected(event.latency().totalMs());
            if (meters != null) {
                meters.recordInspection(event.latency().totalMs());
            }
            return event;
        } catch (FrameRefusedException e) {
            // a part whose frame cannot be judged is still a part: its record goes down the route (UNCERTAIN)
            health.inspectionError(e.getMessage());
            LOG.warn(
                    "vision:{}: frame {} of camera {}{} refused: {}; recorded as UNCERTAIN with defect {}",
                    endpoint.getStation(),
                    f.sequence(),
                    f.camera(),
                    f.partId() == null ? "" : " (part " + f.partId() + ")",
                    e.getMessage(),
                    e.reason().defectClass());
            // named after the model this frame would have been judged by (the champion after a promotion)
            return (location == null ? inspector : inspectorFor(location)).refused(f, e);
        } catch (RuntimeException e) {
            health.inspectionError(e.getMessage());
            LOG.warn(
                    "vision:{}: frame {} of camera {} not inspected{}: {}",
                    endpoint.getStation(),
                    f.sequence(),
                    f.camera(),
                    f.partId() == null ? "" : " (part " + f.partId() + ")",
                    e.getMessage());
            return null;
        }
    }

    /**
     * The endpoint's inspector, or the one of the model picked for this frame (the recipe of the product on the line
     * when the frame was captured, or the station's promoted champion; looked up per frame, so a promotion takes
     * effect at the next frame); models load once and stay shared by the component.
     */
    private FrameInspector inspectorFor(String location) {
        if (location == null) {
            return inspector;
        }
        return selected.computeIfAbsent(
                location, l -> endpoint.inspector(endpoint.getComponent().model(l)));
    }

    /**
     * A frame read again after a restart whose part the ledger already holds (the process died after the record,
     * before the source let go of the file): not recorded a second time.
     */
    private boolean recordedBefore(FrameSource s, Frame f, InspectionEvent event) {
        Instant since = s == null || f.partId() == null ? null : s.readAgainSince(f);
        if (since == null) {
            return false;
        }
        RecordedParts parts = getEndpoint().getCamelContext().getRegistry().findSingleByType(RecordedParts.class);
        if (parts == null
                || !parts.recorded(
                        endpoint.getStation(),
                        f.partId(),
                        event.image() == null ? null : event.image().sha256(), // a refused frame stores no image
                        since)) {
            return false;
        }
        LOG.info(
                "vision:{}: part {} was recorded before the restart (same image); its file is not recorded twice",
                endpoint.getStation(),
                f.partId());
        return true;
    }

    /**
     * Sends the event down the route; true when the route finished with it, false when it failed or its error handler
     * kept the event without a ledger record.
     */
    private boolean emit(InspectionEvent event) {
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(event);
            VisionProducer.setHeaders(in, event);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        boolean failed = exchange.getException() != null;
        // the route's error handler kept the event without a ledger record (the ledger refused it: a full disk, a
        // closed database): not done either, so an image folder offers the part again instead of letting go of it
        boolean keptUnrecorded = !failed
                && exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null
                && exchange.getMessage().getHeader(InspectionLedger.HEADER_SEQUENCE) == null;
        if (failed) {
            getExceptionHandler()
                    .handleException(
                            "vision:" + endpoint.getStation() + ": route failed for inspection " + event.id(),
                            exchange,
                            exchange.getException());
        }
        releaseExchange(exchange, false);
        return !failed && !keptUnrecorded;
    }
}
