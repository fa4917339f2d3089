package io.visionhub.vision.component;

import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.SimulatedFrameSource;
import io.visionhub.vision.source.FfmpegFrameSource;
import io.visionhub.vision.source.FolderFrameSource;
import io.visionhub.vision.source.HttpSnapshotSource;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One inspection station: {@code vision:station-1?source=sim&model=models/demo-anomaly&line=line-1&fps=2}.
 * As a consumer it reads frames from the source, inspects each and emits one InspectionEvent per frame; as a
 * producer it inspects the image in the message body (bytes, file, stream or BufferedImage).
 */
@UriEndpoint(firstVersion = "1.0.0", scheme = "vision", title = "Vision inspection", syntax = "vision:station",
        category = {Category.AI}, headersClass = VisionConstants.class)
public class VisionEndpoint extends DefaultEndpoint {

    @UriPath(description = "Inspection station id")
    @Metadata(required = true)
    private String station;
    @UriParam(description = "Model folder holding model.yaml and the .onnx file (or the card file itself)")
    @Metadata(required = true)
    private String model;
    @UriParam(description = "Production line of the station", defaultValue = "line-1")
    private String line = "line-1";
    @UriParam(description = "Camera id; the station id when not set")
    private String camera;
    @UriParam(label = "consumer", description = "Frame source: sim (simulated parts), rtsp://..., http(s)://... "
            + "(MJPEG through FFmpeg), snapshot:http(s)://... (one JPEG per GET), a video file, or folder:<path> (images a "
            + "smart camera drops)", defaultValue = "sim")
    private String source = "sim";
    @UriParam(label = "consumer", description = "Frames per second to take from the source (sim, snapshot, folder "
            + "polling); streams deliver at their own rate and the newest frame wins", defaultValue = "2")
    private double fps = 2;
    @UriParam(label = "consumer", description = "Milliseconds a stream may stay silent (or take to open) before it "
            + "counts as lost and is reopened with backoff", defaultValue = "5000")
    private int timeoutMs = 5000;
    @UriParam(label = "consumer", description = "RTSP: listen on the source address for an encoder or camera that "
            + "pushes its stream (RTSP ANNOUNCE/RECORD) instead of pulling from a camera", defaultValue = "false")
    private boolean rtspListen;
    @UriParam(label = "consumer", description = "Never drop a frame: the reader waits for the inspector instead of "
            + "the newest frame replacing an uninspected one (always on for folder sources)", defaultValue = "false")
    private boolean lossless;
    @UriParam(label = "consumer", description = "Triggered mode: Camel endpoint URI (e.g. seda:plc-trigger, where the PLC "
            + "handshake sends io.visionhub.plc.PlcTrigger bodies) from which this station takes its triggers. The source is "
            + "still read (newest frame wins) but only the first frame captured at or after each trigger of this station is "
            + "inspected, within the trigger's deadline, and its event carries the trigger's part id. A trigger without a "
            + "frame in time is logged and counted (visionhub.vision.trigger.missed). Stations may share one endpoint. "
            + "Empty: free-running, every frame is inspected")
    private String trigger;
    @UriParam(label = "consumer", description = "First reconnect delay in ms; doubles up to reconnectMaxDelay", defaultValue = "200")
    private long reconnectDelay = 200;
    @UriParam(label = "consumer", description = "Longest reconnect delay in ms", defaultValue = "10000")
    private long reconnectMaxDelay = 10000;
    @UriParam(label = "consumer", description = "Seed of the simulated parts", defaultValue = "42")
    private long seed = 42;
    @UriParam(label = "consumer", description = "Share of simulated parts with a defect", defaultValue = "0.2")
    private double defectRate = 0.2;
    @UriParam(description = "Store frames in the image store (by content hash)", defaultValue = "true")
    private boolean storeImages = true;
    @UriParam(description = "Store an annotated copy (boxes drawn) when defects are found", defaultValue = "true")
    private boolean annotate = true;
    @UriParam(description = "Format of stored frames that arrive as pixels (streams, sim): jpg (quality 0.9, ~5 ms "
            + "for 640x480) or png (lossless, ~10x slower on noisy frames); encoded frames are stored as received",
            defaultValue = "jpg")
    private String imageFormat = "jpg";

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
        return new FrameInspector(station, line, handle,
                storeImages ? getComponent().getImageStore() : null, annotate, imageFormat,
                getComponent().getImageUriPrefix());
    }

    FrameSource createFrameSource() {
        if ("sim".equalsIgnoreCase(source) || "simulated".equalsIgnoreCase(source)) {
            return new SimulatedFrameSource(cameraId(), new SimulatedPartGenerator(seed, defectRate), fps);
        }
        if (source.startsWith("folder:")) {
            return new FolderFrameSource(cameraId(), java.nio.file.Path.of(source.substring("folder:".length())), fps);
        }
        if (source.startsWith("snapshot:")) {
            return new HttpSnapshotSource(cameraId(), source.substring("snapshot:".length()), fps, timeoutMs);
        }
        return new FfmpegFrameSource(cameraId(), source, timeoutMs, rtspListen);
    }

    public String cameraId() {
        return camera == null || camera.isBlank() ? station : camera;
    }

    public String getStation() {
        return station;
    }

    public void setStation(String station) {
        this.station = station;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getLine() {
        return line;
    }

    public void setLine(String line) {
        this.line = line;
    }

    public String getCamera() {
        return camera;
    }

    public void setCamera(String camera) {
        this.camera = camera;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public double getFps() {
        return fps;
    }

    public void setFps(double fps) {
        this.fps = fps;
    }

    public int getTimeoutMs() {
        return timeoutMs;
    }

    public void setTimeoutMs(int timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public boolean isLossless() {
        return lossless;
    }

    public void setLossless(boolean lossless) {
        this.lossless = lossless;
    }

    public String getTrigger() {
        return trigger;
    }

    public void setTrigger(String trigger) {
        this.trigger = trigger;
    }

    boolean triggered() {
        return trigger != null && !trigger.isBlank();
    }

    public boolean isRtspListen() {
        return rtspListen;
    }

    public void setRtspListen(boolean rtspListen) {
        this.rtspListen = rtspListen;
    }

    public long getReconnectDelay() {
        return reconnectDelay;
    }

    public void setReconnectDelay(long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public long getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public void setReconnectMaxDelay(long reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public double getDefectRate() {
        return defectRate;
    }

    public void setDefectRate(double defectRate) {
        this.defectRate = defectRate;
    }

    public boolean isStoreImages() {
        return storeImages;
    }

    public void setStoreImages(boolean storeImages) {
        this.storeImages = storeImages;
    }

    public boolean isAnnotate() {
        return annotate;
    }

    public void setAnnotate(boolean annotate) {
        this.annotate = annotate;
    }

    public String getImageFormat() {
        return imageFormat;
    }

    public void setImageFormat(String imageFormat) {
        this.imageFormat = imageFormat;
    }
}
