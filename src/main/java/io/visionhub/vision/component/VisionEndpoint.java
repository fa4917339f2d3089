package io.visionhub.vision.component;

import io.visionhub.event.InspectionEvent;
import io.visionhub.onvif.OnvifCameraUri;
import io.visionhub.onvif.OnvifFrameSource;
import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.FrameStore;
import io.visionhub.vision.gige.GigeFrameSource;
import io.visionhub.vision.gige.GigeStreamCounters;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.source.FfmpegFrameSource;
import io.visionhub.vision.source.FolderFrameSource;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.HttpSnapshotSource;
import io.visionhub.vision.source.SimulatedFrameSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inspects frames from a camera (RTSP, HTTP, snapshot, video file, image folder, simulated parts) or the image in a
 * message with an ONNX model described by its model card, and emits one inspection event per frame.
 * <p>
 * One endpoint is one inspection station: {@code vision:station-1?source=sim&model=models/demo-anomaly}. As a
 * consumer it reads frames from the source, inspects each and emits one InspectionEvent per frame; as a producer it
 * inspects the image in the message body (bytes, file, stream or BufferedImage). The options are documented on their
 * setters; camel-component-maven-plugin generates the configurer, URI factory and JSON metadata from them.
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "vision",
        title = "Vision inspection",
        syntax = "vision:station",
        category = {Category.AI},
        headersClass = VisionConstants.class)
public class VisionEndpoint extends DefaultEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(VisionEndpoint.class);

    @UriPath
    @Metadata(required = true)
    private String station;

    @UriParam
    @Metadata(required = true)
    private String model;

    @UriParam
    private String challenger;

    @UriParam(defaultValue = "line-1")
    private String line = "line-1";

    @UriParam
    private String camera;

    @UriParam(label = "consumer", defaultValue = "sim")
    private String source = "sim";

    @UriParam(label = "security", secret = true)
    private String username;

    @UriParam(label = "security", secret = true)
    private String password;

    @UriParam(label = "consumer", defaultValue = "2")
    private double fps = 2;

    @UriParam(label = "consumer", defaultValue = "5000", javaType = "java.time.Duration")
    private long readTimeout = 5000;
    // the old name of readTimeout, kept for one release so that routes written with it still start; the annotation
    // anchor of the option only: its setter and getter use readTimeout
    @Deprecated
    @UriParam(label = "consumer,advanced", javaType = "java.time.Duration")
    @Metadata(deprecationNote = "Use readTimeout")
    private long timeoutMs;

    @UriParam(label = "consumer,advanced", defaultValue = "false")
    private boolean rtspListen;

    @UriParam(label = "consumer,advanced", defaultValue = "false")
    private boolean lossless;

    @UriParam(label = "consumer,advanced", defaultValue = "false")
    private boolean decodeAhead;

    @UriParam(label = "producer", defaultValue = "false")
    private boolean triggered;

    @UriParam(label = "consumer,advanced", defaultValue = "200", javaType = "java.time.Duration")
    private long reconnectDelay = 200;

    @UriParam(label = "consumer,advanced", defaultValue = "10000", javaType = "java.time.Duration")
    private long reconnectMaxDelay = 10000;

    @UriParam(label = "consumer,advanced", defaultValue = "42")
    private long seed = 42;

    @UriParam(label = "consumer,advanced", defaultValue = "0.2")
    private double defectRate = 0.2;

    @UriParam(defaultValue = "true")
    private boolean storeImages = true;

    @UriParam(defaultValue = "true")
    private boolean annotate = true;

    @UriParam(defaultValue = "jpg", enums = "jpg,png")
    private String imageFormat = "jpg";

    private GigeStreamCounters gigeCounters;

    public VisionEndpoint(String uri, VisionComponent component) {
        super(uri, component);
    }

    @Override
    public VisionComponent getComponent() {
        return (VisionComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new VisionProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        VisionConsumer consumer = new VisionConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The model handle of this endpoint (loads the model on first use). */
    ModelHandle modelHandle() {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("vision:" + station + " needs model=<model folder>");
        }
        return getComponent().model(model);
    }

    FrameInspector inspector(ModelHandle handle) {
        FrameStore store = getComponent().getImageStore();
        if (storeImages && store == null) {
            throw new IllegalStateException("vision:" + station + " stores frames (storeImages=true) but the vision "
                    + "component has no imageStore: bind a FrameStore bean named imageStore (the hub's images "
                    + "concern provides it) or set storeImages=false");
        }
        return new FrameInspector(
                station,
                line,
                handle,
                storeImages ? store : null,
                annotate,
                imageFormat,
                getComponent().getImageUriPrefix(),
                getComponent().getMaxFramePixels());
    }

    /**
     * The model folder a frame is inspected with when it is not the endpoint's own: the recipe of the product on the
     * line at capture time (ModelSelector), else the station's promoted champion (StationModels); null: the own.
     */
    String modelLocationFor(Instant captureTime) {
        ModelSelector selector = getComponent().modelSelector();
        String location = selector == null ? null : selector.modelFor(station, line, captureTime);
        if (location != null) {
            return location;
        }
        StationModels stations = getComponent().stationModels();
        return stations == null ? null : stations.championOf(station);
    }

    /**
     * Hands an inspected frame to the station's challenger, if one runs (the registry's, else the challenger
     * option); returns at once. A challenger that is the model which judged the frame is not asked.
     */
    void challenge(Frame frame, InspectionEvent event, String judgedBy) {
        StationModels stations = getComponent().stationModels();
        String location = stations == null ? null : stations.challengerOf(station);
        if (location == null) {
            location = challenger;
        }
        if (location == null || location.isBlank()) {
            return;
        }
        String own = judgedBy == null ? model : judgedBy;
        if (own != null
                && Path.of(own)
                        .toAbsolutePath()
                        .normalize()
                        .equals(Path.of(location).toAbsolutePath().normalize())) {
            return;
        }
        try {
            getComponent().challenger(station, location).offer(frame, event);
        } catch (RuntimeException e) {
            // a challenger that cannot load never touches the champion's frame
            LOG.warn("vision:{}: challenger {} not run: {}", station, location, e.getMessage());
        }
    }

    FrameSource createFrameSource() {
        if ("sim".equalsIgnoreCase(source) || "simulated".equalsIgnoreCase(source)) {
            return new SimulatedFrameSource(cameraId(), new SimulatedPartGenerator(seed, defectRate), fps);
        }
        if (source.startsWith("folder:")) {
            return new FolderFrameSource(
                    cameraId(),
                    Path.of(source.substring("folder:".length())),
                    fps,
                    getComponent().getMaxFramePixels());
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, readTimeout);
        if (source.regionMatches(true, 0, OnvifCameraUri.SCHEME, 0, OnvifCameraUri.SCHEME.length())) {
            // resolved through ONVIF on each (re)open: a camera whose stream URI changed keeps working
            return new OnvifFrameSource(
                    cameraId(),
                    withCredentials(source),
                    fps,
                    timeout,
                    getComponent().getMaxFramePixels());
        }
        if (source.startsWith("gige://")) {
            Path card = modelCardFile();
            return new GigeFrameSource(
                    cameraId(),
                    source,
                    timeout,
                    getComponent().getMaxFramePixels(),
                    gigeCounters(),
                    card == null ? Map.of() : ModelCard.read(card).cameraFeatures(),
                    card == null ? null : card.toString());
        }
        if (source.startsWith("snapshot:")) {
            return new HttpSnapshotSource(
                    cameraId(), withCredentials(source.substring("snapshot:".length())), fps, timeout);
        }
        return new FfmpegFrameSource(
                cameraId(),
                withCredentials(source),
                timeout,
                rtspListen,
                getComponent().getMaxFramePixels());
    }

    /**
     * The card of the endpoint's own model (the model option), read again at each (re)open so that an edited card's
     * camera block applies at the next reconnect; null without a model.
     */
    private Path modelCardFile() {
        if (model == null || model.isBlank()) {
            return null;
        }
        Path p = Path.of(model);
        return Files.isDirectory(p) ? p.resolve(ModelCard.CARD_FILE) : p;
    }

    /** The GigE stream counters of this endpoint's camera, kept across reconnects, registered once. */
    private synchronized GigeStreamCounters gigeCounters() {
        if (gigeCounters == null) {
            gigeCounters = new GigeStreamCounters().bind(getComponent().getMeterRegistry(), station, cameraId());
        }
        return gigeCounters;
    }

    @Override
    protected void doStop() throws Exception {
        GigeStreamCounters c = gigeCounters;
        gigeCounters = null;
        if (c != null) {
            c.close();
        }
        super.doStop();
    }

    /**
     * The camera URL with username and password as its user info (FFmpeg and the snapshot source take them from
     * there), percent-encoded; unchanged when no username is set or the URL carries its own.
     */
    String withCredentials(String url) {
        int scheme = url.indexOf("://");
        if (username == null || username.isEmpty() || scheme < 0) {
            return url;
        }
        int hostStart = scheme + 3;
        int pathStart = url.indexOf('/', hostStart);
        String authority = pathStart < 0 ? url.substring(hostStart) : url.substring(hostStart, pathStart);
        if (authority.contains("@")) {
            return url;
        }
        String userInfo = encode(username) + (password == null ? "" : ":" + encode(password));
        return url.substring(0, hostStart) + userInfo + "@" + url.substring(hostStart);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public String cameraId() {
        return camera == null || camera.isBlank() ? station : camera;
    }

    public String getStation() {
        return station;
    }

    /** Inspection station id: names the station in events, metrics, health and the PLC handshake. */
    public void setStation(String station) {
        this.station = station;
    }

    public String getModel() {
        return model;
    }

    /** Model folder holding model.yaml and the .onnx file (or the card file itself). */
    public void setModel(String model) {
        this.model = model;
    }

    public String getChallenger() {
        return challenger;
    }

    /**
     * Challenger model folder: judged on the same frames as the champion, on its own thread with a queue of one
     * frame (frames are skipped, and counted, while it is busy, so the champion never waits); agreement and
     * disagreements show under /api/models/challengers. Its verdicts reach neither the line nor the ledger.
     */
    public void setChallenger(String challenger) {
        this.challenger = challenger;
    }

    public String getLine() {
        return line;
    }

    /** Production line of the station. */
    public void setLine(String line) {
        this.line = line;
    }

    public String getCamera() {
        return camera;
    }

    /** Camera id in events and metrics; the station id when not set. */
    public void setCamera(String camera) {
        this.camera = camera;
    }

    public String getSource() {
        return source;
    }

    /**
     * Frame source: sim (simulated parts), rtsp://..., http(s)://... (MJPEG through FFmpeg), snapshot:http(s)://...
     * (one JPEG per GET), onvif://host[:port]/profile[/snapshot] (the profile's RTSP or snapshot URI, asked of the
     * camera through ONVIF at each reconnect), a video file, folder:path (images a smart camera drops), or gige://camera-id (a GigE
     * Vision / GenICam camera through Aravis; GenICam features such as PixelFormat or ExposureTime as the query of its
     * URL, wrapped in RAW(...), set after the model card's camera.features, so the URL's win; docs/cameras.md). Put camera credentials in username and password rather than in the
     * URL.
     */
    public void setSource(String source) {
        this.source = source;
    }

    public double getFps() {
        return fps;
    }

    /**
     * Frames per second to take from the source (sim, snapshot, folder polling); streams deliver at their own rate
     * and the newest frame wins.
     */
    public void setFps(double fps) {
        this.fps = fps;
    }

    public long getReadTimeout() {
        return readTimeout;
    }

    /**
     * How long a stream may stay silent (or take to open) before it counts as lost and is reopened with backoff
     * (milliseconds, or a duration such as 5s); also how long a trigger without a deadline waits for its frame.
     */
    public void setReadTimeout(long readTimeout) {
        this.readTimeout = readTimeout;
    }

    /** @deprecated use {@link #getReadTimeout()}: the same value, under the option's old name */
    @Deprecated
    public long getTimeoutMs() {
        return readTimeout;
    }

    /**
     * The old name of readTimeout (milliseconds), accepted for one release with a warning.
     *
     * @deprecated use readTimeout
     */
    @Deprecated
    public void setTimeoutMs(long timeoutMs) {
        LOG.warn(
                "vision:{}: option timeoutMs is deprecated and goes in the next release; use readTimeout={} instead "
                        + "(milliseconds, or a duration such as 5s)",
                station,
                timeoutMs);
        this.readTimeout = timeoutMs;
    }

    public String getUsername() {
        return username;
    }

    /**
     * Camera user name for rtsp, http(s), snapshot and onvif sources (sent as the URL's user info; HTTP Basic for
     * snapshots; WS-UsernameToken or HTTP digest for onvif).
     */
    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    /** Camera password for rtsp, http(s), snapshot and onvif sources; never logged. */
    public void setPassword(String password) {
        this.password = password;
    }

    public boolean isLossless() {
        return lossless;
    }

    /**
     * Never drop a frame: the reader waits for the inspector instead of the newest frame replacing an uninspected
     * one (always on for folder sources).
     */
    public void setLossless(boolean lossless) {
        this.lossless = lossless;
    }

    public boolean isDecodeAhead() {
        return decodeAhead;
    }

    /**
     * Decode and pre-process the next frame on a thread of its own while the current frame's model runs (consumer
     * only; off by default): more frames per second where a core is free during inference (intra-op threads below the
     * free cores), most for JPEG frames (snapshot and ONVIF cameras; streams and folders are decoded by their reading
     * thread already), at the price of up to one inspection of extra age for the frame inspected (docs/vision.md,
     * Decode-ahead).
     */
    public void setDecodeAhead(boolean decodeAhead) {
        this.decodeAhead = decodeAhead;
    }

    public boolean isTriggered() {
        return triggered;
    }

    /**
     * Triggered mode (producer): the body is a PartTrigger (from the plc component); the producer reads the source all the
     * time (newest frame wins) and inspects the first frame captured at or after the trigger, within the trigger's
     * deadline; the event carries the trigger's part id. A GigE camera in TriggerMode=On with TriggerSource=Software
     * is fired once per trigger instead, and its answer is taken. A trigger without a frame in time fails the exchange
     * and is counted (visionhub.vision.trigger.missed).
     */
    public void setTriggered(boolean triggered) {
        this.triggered = triggered;
    }

    public boolean isRtspListen() {
        return rtspListen;
    }

    /**
     * RTSP: listen on the source address for an encoder or camera that pushes its stream (RTSP ANNOUNCE/RECORD)
     * instead of pulling from a camera. Each listen waits about readTimeout for a connection; an encoder that connects
     * and then stays silent for readTimeout (mid-handshake or mid-stream) is given up and the source listens again.
     */
    public void setRtspListen(boolean rtspListen) {
        this.rtspListen = rtspListen;
    }

    public long getReconnectDelay() {
        return reconnectDelay;
    }

    /**
     * First wait before a lost or unopened source is reopened (milliseconds, or a duration such as 200ms or 1s);
     * it doubles after each failed try up to reconnectMaxDelay.
     */
    public void setReconnectDelay(long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public long getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    /** Longest wait between tries to reopen a source (milliseconds, or a duration such as 10s). */
    public void setReconnectMaxDelay(long reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    public long getSeed() {
        return seed;
    }

    /** Simulated source: seed of the simulated parts. */
    public void setSeed(long seed) {
        this.seed = seed;
    }

    public double getDefectRate() {
        return defectRate;
    }

    /** Simulated source: share of simulated parts with a defect. */
    public void setDefectRate(double defectRate) {
        this.defectRate = defectRate;
    }

    public boolean isStoreImages() {
        return storeImages;
    }

    /** Store frames in the frame store (by content hash). */
    public void setStoreImages(boolean storeImages) {
        this.storeImages = storeImages;
    }

    public boolean isAnnotate() {
        return annotate;
    }

    /** Store an annotated copy (boxes drawn) when defects are found. */
    public void setAnnotate(boolean annotate) {
        this.annotate = annotate;
    }

    public String getImageFormat() {
        return imageFormat;
    }

    /**
     * Format of stored frames that arrive as pixels (streams, sim): jpg (quality 0.9, about 5 ms for 640x480) or png
     * (lossless, about 10x slower on noisy frames); encoded frames are stored as received.
     */
    public void setImageFormat(String imageFormat) {
        this.imageFormat = imageFormat;
    }
}
