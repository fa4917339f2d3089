package io.visionhub.vision.component;

import io.micrometer.core.instrument.Counter;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.FrameRefusedException;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.model.ModelHandle;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * Inspects the image in the message body (encoded bytes, InputStream, File/Path, BufferedImage or a Frame)
 * and replaces the body with the {@link InspectionEvent}. Camera and part id come from the
 * {@link VisionConstants#CAMERA} and {@link VisionConstants#PART_ID} headers when set.
 * <p>
 * In triggered mode (option {@code triggered}) the body is a {@link PartTrigger} (from {@code plc:<station>}): the
 * producer reads its source all the time and inspects the first frame captured at or after the trigger, before the
 * trigger's deadline; the event carries the trigger's part id. No frame in time fails the exchange (counted in
 * {@code visionhub.vision.trigger.missed}); the PLC's fail-safe then applies.
 */
public class VisionProducer extends DefaultProducer {

    private final VisionEndpoint endpoint;
    private ModelHandle model;
    private FrameInspector inspector;
    /** Inspectors of the models picked per frame (a product's recipe, the station's promoted champion). */
    private final Map<String, FrameInspector> selected = new ConcurrentHashMap<>();

    private TriggeredCapture capture;
    private Counter triggersMissed;

    public VisionProducer(VisionEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        model = endpoint.modelHandle();
        inspector = endpoint.inspector(model);
        if (endpoint.isTriggered()) {
            capture = new TriggeredCapture(
                    endpoint,
                    getEndpoint().getCamelContext().getExecutorServiceManager(),
                    this,
                    endpoint.getComponent().getMeterRegistry());
            if (endpoint.getComponent().getMeterRegistry() != null) {
                triggersMissed = Counter.builder("visionhub.vision.trigger.missed")
                        .tag("station", endpoint.getStation())
                        .description("PLC triggers whose frame could not be had before the deadline")
                        .register(endpoint.getComponent().getMeterRegistry());
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (capture != null) {
            capture.close();
            capture = null;
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        if (capture != null) {
            inspectTrigger(in, in.getMandatoryBody(PartTrigger.class));
            return;
        }
        String camera = in.getHeader(VisionConstants.CAMERA, endpoint.cameraId(), String.class);
        String partId = in.getHeader(VisionConstants.PART_ID, String.class);
        Instant capture = in.getHeader(VisionConstants.CAPTURE_TIME, Instant.class);
        if (capture == null) {
            capture = Instant.now();
        }
        Object body = in.getBody();
        Frame frame;
        if (body instanceof Frame f) {
            frame = f;
        } else if (body instanceof BufferedImage img) {
            frame = new Frame(camera, 0, capture, img, null, partId);
        } else {
            byte[] bytes = bytes(body, camera, exchange);
            frame = new Frame(camera, 0, capture, null, bytes, partId);
        }
        String location = endpoint.modelLocationFor(frame.captureTime());
        InspectionEvent event = inspectorFor(location).inspect(frame);
        endpoint.challenge(frame, event, location);
        in.setBody(event);
        setHeaders(in, event);
    }

    /** The endpoint's inspector, or the one of the model picked for this frame (loaded once, shared). */
    private FrameInspector inspectorFor(String location) {
        if (location == null) {
            return inspector;
        }
        return selected.computeIfAbsent(
                location, l -> endpoint.inspector(endpoint.getComponent().model(l)));
    }

    /** Triggered mode: the frame of the trigger's moment, inspected under the trigger's part id. */
    private void inspectTrigger(Message in, PartTrigger t) throws Exception {
        if (t.station() != null && !t.station().equals(endpoint.getStation())) {
            throw new IllegalArgumentException(
                    "vision:" + endpoint.getStation() + " got a trigger of station " + t.station() + " (part "
                            + t.partId() + "); route plc:" + t.station() + " to vision:" + t.station());
        }
        Frame f = capture.frameOf(t);
        if (f == null) {
            if (triggersMissed != null) {
                triggersMissed.increment();
            }
            throw new TriggerNotInspectedException("vision:" + endpoint.getStation() + ": no frame captured between "
                    + "the trigger of part " + t.partId() + " and its deadline " + t.deadline() + " (camera "
                    + endpoint.cameraId() + " delivering frames?); the PLC's fail-safe applies");
        }
        InspectionEvent event;
        String location = endpoint.modelLocationFor(f.captureTime());
        try {
            event = inspectorFor(location).inspect(f);
            endpoint.challenge(f, event, location);
        } catch (FrameRefusedException e) {
            // a part whose frame cannot be judged is still a part: its record goes down the route (UNCERTAIN)
            event = inspectorFor(location).refused(f, e);
        }
        capture.inspected(event.latency().totalMs());
        event = event.withPartId(t.partId());
        if (t.triggeredAt() != null && f.captureTime() != null && event.latency() != null) {
            // the frame's capture time is its exposure start as the source knows it (GigE: docs/cameras.md)
            double delay = Duration.between(t.triggeredAt(), f.captureTime()).toNanos() / 1e6;
            event = event.withLatency(event.latency().withTriggerToExposureMs(Math.round(delay * 1000.0) / 1000.0));
        }
        in.setBody(event);
        setHeaders(in, event);
    }

    private static byte[] bytes(Object body, String camera, Exchange exchange) throws Exception {
        if (body == null) {
            throw new ModelException("camera " + camera + ": message body is empty, expected an image");
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof File f) {
            return Files.readAllBytes(f.toPath());
        }
        if (body instanceof Path p) {
            return Files.readAllBytes(p);
        }
        if (body instanceof InputStream is) {
            return is.readAllBytes();
        }
        byte[] converted = exchange.getContext().getTypeConverter().tryConvertTo(byte[].class, exchange, body);
        if (converted == null) {
            throw new ModelException("camera " + camera + ": cannot inspect a body of type "
                    + body.getClass().getName() + "; send image bytes, a file or a stream");
        }
        return converted;
    }

    static void setHeaders(Message in, InspectionEvent event) {
        in.setHeader(VisionConstants.INSPECTION_ID, event.id());
        in.setHeader(VisionConstants.STATION, event.station());
        in.setHeader(VisionConstants.CAMERA, event.camera());
        in.setHeader(VisionConstants.LINE, event.line());
        in.setHeader(VisionConstants.VERDICT, event.result().name());
        if (event.anomalyScore() != null) {
            in.setHeader(VisionConstants.ANOMALY_SCORE, event.anomalyScore());
        }
        if (event.partId() != null) {
            in.setHeader(VisionConstants.PART_ID, event.partId());
        }
        in.setHeader(VisionConstants.MODEL_NAME, event.model().name());
        in.setHeader(VisionConstants.MODEL_VERSION, event.model().version());
        if (event.image() != null) {
            in.setHeader(VisionConstants.IMAGE_SHA256, event.image().sha256());
        }
    }
}
