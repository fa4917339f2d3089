package io.visionhub.vision.gige;

import io.visionhub.event.PartTrigger;
import io.visionhub.vision.Frame;
import io.visionhub.vision.pixel.GenicamPixelFormat;
import io.visionhub.vision.pixel.PixelConverter;
import io.visionhub.vision.pixel.UnsupportedPixelFormatException;
import io.visionhub.vision.source.FrameSource;
import java.awt.image.BufferedImage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames from a GigE Vision / GenICam camera through Aravis: {@code gige://<camera id>?<Feature>=<value>&...}, the
 * features set by name in the order given (PixelFormat, ExposureTime, Gain, AcquisitionFrameRate, TriggerMode,
 * TriggerSource, ...) each time the camera is opened, so a camera that comes back after a power cycle gets them again.
 * Features the model card asks for (its {@code camera.features}) are set first; a feature in both takes the route's
 * value, since the route describes the station and the card only what the model was made for.
 * <p>
 * Each frame is converted from the camera's buffer in place (a view of Aravis' memory) into the image the models
 * read; the buffer goes straight back to the stream. In software-trigger mode (TriggerMode=On,
 * TriggerSource=Software) the hub fires one exposure per part ({@link #trigger}) and the frame that comes back
 * carries the part id. A camera silent for the read timeout while free running, or not answering a feature read
 * while waiting for triggers, counts as lost: the caller reopens it with backoff.
 */
public final class GigeFrameSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(GigeFrameSource.class);

    /** Buffers in the stream's pool: one being converted, the others filling. */
    static final int BUFFERS = 4;
    /** Longest single wait for a buffer, so that a stop (interrupt) is seen promptly. */
    private static final long SLICE_MS = 250;

    /** How the camera's exposures start. */
    public enum TriggerKind {
        /** continuous acquisition (TriggerMode=Off) */
        FREE_RUN,
        /** the hub fires TriggerSoftware per part */
        SOFTWARE,
        /** the camera's own input line (TriggerSource=Line0/Line1...), wired to the PLC or a sensor */
        LINE
    }

    private final String camera;
    private final String deviceId;
    private final Map<String, String> features;
    /** Features of the model card, without those the route sets too (the route wins). */
    private final Map<String, String> cardFeatures;
    /** The card that asked for {@link #cardFeatures}, as errors name it. */
    private final String cardName;

    private final long timeoutMs;
    private final long maxPixels;
    private final GigeStreamCounters counters;
    private GigeCamera cam;
    private long sequence;
    private long exposureMicros;
    private volatile TriggerKind trigger = TriggerKind.FREE_RUN;
    /** Software triggers fired and not yet answered by a frame, oldest first. */
    private final Deque<Pending> pending = new ArrayDeque<>();

    private record Pending(String partId, Instant firedAt, Instant deadline) {}

    /**
     * @param camera    camera id in events and metrics
     * @param uri       {@code gige://<Aravis device id>?Feature=value&...}
     * @param counters  the camera's stream counters, kept across reopenings (may be null)
     */
    public GigeFrameSource(String camera, String uri, long timeoutMs, long maxPixels, GigeStreamCounters counters) {
        this(camera, uri, timeoutMs, maxPixels, counters, Map.of(), null);
    }

    /**
     * @param cardFeatures GenICam features of the model card ({@code camera.features}), set before the route's
     * @param cardName     the card they come from, as errors name it
     */
    public GigeFrameSource(
            String camera,
            String uri,
            long timeoutMs,
            long maxPixels,
            GigeStreamCounters counters,
            Map<String, String> cardFeatures,
            String cardName) {
        if (!uri.startsWith("gige://") || uri.length() == "gige://".length()) {
            throw new GigeException(
                    "camera " + camera + ": source " + uri + " is not gige://<camera id>[?Feature=value&...]");
        }
        String rest = uri.substring("gige://".length());
        int q = rest.indexOf('?');
        this.deviceId = decode(q < 0 ? rest : rest.substring(0, q));
        this.features = q < 0 ? Map.of() : parse(camera, rest.substring(q + 1));
        this.camera = camera;
        this.timeoutMs = Math.max(SLICE_MS, timeoutMs);
        this.maxPixels = maxPixels;
        this.counters = counters;
        Map<String, String> fromCard = new LinkedHashMap<>(cardFeatures == null ? Map.of() : cardFeatures);
        java.util.List<String> both =
                fromCard.keySet().stream().filter(features::containsKey).toList();
        fromCard.keySet().removeAll(both);
        this.cardFeatures = fromCard;
        this.cardName = cardName;
        if (!both.isEmpty()) {
            LOG.info(
                    "camera {}: the route's source sets {} as model card {} does: the route's values win",
                    camera,
                    both,
                    cardName);
        }
    }

    private static Map<String, String> parse(String camera, String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new GigeException("camera " + camera + ": GenICam setting '" + pair
                        + "' in the gige:// source is not Feature=value");
            }
            out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The GenICam settings of the URI, in order. */
    public Map<String, String> features() {
        return features;
    }

    /** The model card's GenICam settings this source applies (those the URI does not set), in order. */
    public Map<String, String> cardFeatures() {
        return cardFeatures;
    }

    public String deviceId() {
        return deviceId;
    }

    @Override
    public void open() {
        GigeCamera c = GigeCamera.open(deviceId);
        try {
            if (c.has("AcquisitionMode")) {
                c.set("AcquisitionMode", "Continuous");
            }
            for (Map.Entry<String, String> e : cardFeatures.entrySet()) {
                try {
                    c.set(e.getKey(), e.getValue());
                } catch (GigeException ex) {
                    throw new GigeException(
                            "camera " + camera + " (" + deviceId + "): GenICam feature " + e.getKey()
                                    + " from model card " + cardName + " (camera.features): " + ex.getMessage(),
                            ex);
                }
            }
            for (Map.Entry<String, String> e : features.entrySet()) {
                c.set(e.getKey(), e.getValue());
            }
            String format = c.get("PixelFormat");
            GenicamPixelFormat.fromName(format); // refuse an unsupported format before streaming
            long w = Long.parseLong(c.get("Width"));
            long h = Long.parseLong(c.get("Height"));
            if (w * h > maxPixels) {
                throw new GigeException("camera " + camera + " (" + deviceId + ") delivers " + w + "x" + h + " = "
                        + w * h + " pixels per frame, above the limit of " + maxPixels
                        + " (visionhub.vision.max-frame-pixels); set Width/Height or binning, or raise the limit");
            }
            exposureMicros = c.has("ExposureTime") ? Math.round(Double.parseDouble(c.get("ExposureTime"))) : 0;
            trigger = triggerKind(c);
            c.startStreaming(BUFFERS);
            if (counters != null) {
                counters.streamOpened(c::statistics);
            }
            LOG.info(
                    "camera {}: GigE camera {} ({}) streaming {} {}x{}, {}",
                    camera,
                    deviceId,
                    c.describe(),
                    format,
                    w,
                    h,
                    trigger == TriggerKind.FREE_RUN ? "free running" : "triggered by " + trigger);
        } catch (UnsupportedPixelFormatException e) {
            c.close();
            throw new GigeException("camera " + camera + " (" + deviceId + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        cam = c;
    }

    private static TriggerKind triggerKind(GigeCamera c) {
        if (!c.has("TriggerMode") || !"On".equals(c.get("TriggerMode"))) {
            return TriggerKind.FREE_RUN;
        }
        String src = c.has("TriggerSource") ? c.get("TriggerSource") : "";
        return "Software".equals(src) ? TriggerKind.SOFTWARE : TriggerKind.LINE;
    }

    /** How the open camera's exposures start. */
    public TriggerKind triggerKind() {
        return trigger;
    }

    /** A GenICam feature of the open camera as it reads now (what the features of the source set). */
    public String feature(String name) {
        GigeCamera c = cam;
        if (c == null) {
            throw new GigeException("camera " + camera + " (" + deviceId + ") is not open");
        }
        return c.get(name);
    }

    @Override
    public Frame next() {
        GigeCamera c = cam;
        if (c == null) {
            throw new GigeException("camera " + camera + " (" + deviceId + ") is not open");
        }
        long silentSince = System.nanoTime();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                return null; // stopping: the reader sees it is no longer running
            }
            Frame f = c.next(SLICE_MS, this::frame);
            if (f != null) {
                return f;
            }
            if ((System.nanoTime() - silentSince) / 1_000_000 < timeoutMs) {
                continue;
            }
            if (trigger == TriggerKind.FREE_RUN) {
                throw new GigeException("camera " + camera + " (" + deviceId + "): no frame for " + timeoutMs
                        + " ms (camera off, cable or network down, or UDP from the camera blocked)");
            }
            // triggered cameras are silent between parts: a feature read tells whether the camera is still there
            try {
                c.get("TriggerMode");
            } catch (GigeException e) {
                throw new GigeException(
                        "camera " + camera + " (" + deviceId + ") does not answer while waiting for " + "triggers ("
                                + e.getMessage() + "); camera off, cable or network down?",
                        e);
            }
            silentSince = System.nanoTime();
        }
    }

    private Frame frame(java.nio.ByteBuffer data, int width, int height, int pixelFormat, long systemNanos, long id) {
        BufferedImage image = PixelConverter.toImage(
                GenicamPixelFormat.fromCode(pixelFormat),
                data,
                width,
                height,
                "camera " + camera + " (" + deviceId + ")");
        Instant arrived = Instant.ofEpochSecond(0, systemNanos);
        // exposure start, estimated: the first packet leaves after the exposure (and the start of read-out)
        Instant capture = arrived.minusNanos(exposureMicros * 1000);
        String partId = null;
        if (trigger == TriggerKind.SOFTWARE) {
            Pending p = claim(arrived);
            if (p != null) {
                partId = p.partId();
                // the exposure cannot have started before the trigger was sent
                if (capture.isBefore(p.firedAt())) {
                    capture = p.firedAt();
                }
            }
        }
        return new Frame(camera, sequence++, capture, image, null, partId);
    }

    /** The oldest software trigger fired before this frame arrived; triggers past their deadline are given up. */
    private synchronized Pending claim(Instant arrived) {
        while (!pending.isEmpty()) {
            Pending p = pending.pollFirst();
            if (p.deadline() != null && p.deadline().isBefore(arrived)) {
                continue; // its part has had the fail-safe already; this frame is a later one
            }
            if (p.firedAt().isAfter(arrived)) {
                pending.addFirst(p);
                return null;
            }
            return p;
        }
        return null;
    }

    @Override
    public boolean hubTriggered() {
        return trigger == TriggerKind.SOFTWARE;
    }

    /** Fires one exposure (TriggerSoftware) for this part; the frame that answers it carries its part id. */
    @Override
    public void trigger(PartTrigger t) {
        GigeCamera c = cam;
        if (c == null || trigger != TriggerKind.SOFTWARE) {
            throw new GigeException("camera " + camera + " (" + deviceId + ") is not open in software-trigger mode "
                    + "(TriggerMode=On, TriggerSource=Software)");
        }
        synchronized (this) {
            pending.addLast(new Pending(t.partId(), Instant.now(), t.deadline()));
        }
        c.softwareTrigger();
    }

    @Override
    public String describe() {
        return "camera " + camera + " (gige://" + deviceId + ")";
    }

    @Override
    public void close() {
        GigeCamera c = cam;
        cam = null;
        if (c != null) {
            if (counters != null) {
                counters.streamClosed();
            }
            c.close();
        }
    }
}
