package io.visionhub.vision.component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.vision.FrameStore;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.challenger.ChallengerRun;
import io.visionhub.vision.challenger.ChallengerStore;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.SessionTuning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code vision:} component: creates one endpoint per station and holds what the stations share: the
 * loaded models (one ONNX Runtime session per model folder, hot-swappable) and the image store. Option
 * descriptions are the setters' Javadoc: camel-component-maven-plugin turns them into the component's JSON.
 */
@Component("vision")
public class VisionComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(VisionComponent.class);
    /** Disagreements a challenger keeps (latest), and outcomes kept for the confusion against dispositions. */
    static final int KEEP_DISAGREEMENTS = 200;

    static final int KEEP_OUTCOMES = 20_000;

    @Metadata(label = "advanced", autowired = true)
    private FrameStore imageStore;

    @Metadata(label = "advanced", autowired = true)
    private MeterRegistry meterRegistry;

    @Metadata(defaultValue = "/api/images/")
    private String imageUriPrefix = "/api/images/";

    @Metadata(label = "security", defaultValue = "50000000")
    private long maxFramePixels = ImageDecoder.DEFAULT_MAX_PIXELS;

    @Metadata(label = "advanced", defaultValue = "2")
    private int intraOpThreads = 2;

    @Metadata(label = "advanced", defaultValue = "1")
    private int interOpThreads = 1;

    @Metadata(label = "advanced", defaultValue = "false")
    private boolean allowSpinning;

    @Metadata(label = "advanced", defaultValue = "all", enums = "none,basic,extended,all")
    private String optimization = "all";

    @Metadata(label = "advanced", defaultValue = "3")
    private int warmupRuns = 3;

    @Metadata(label = "advanced", defaultValue = "false")
    private boolean cuda;

    @Metadata(label = "advanced", defaultValue = "0")
    private int cudaDevice;

    @Metadata(defaultValue = "2")
    private int modelWatchSeconds = 2;

    @Metadata(defaultValue = "0")
    private int maxConcurrentInspections;

    /** Inspection slots shared by all cameras (created on first use, so that the option is set by then). */
    private InspectionGate gate;

    private final List<Meter> gateMeters = new ArrayList<>();

    @Metadata(label = "advanced", defaultValue = "0.5")
    private double challengerCpuShare = 0.5;

    private final Map<String, ModelHandle> models = new ConcurrentHashMap<>();
    private final Map<String, String> stamps = new ConcurrentHashMap<>();
    private ScheduledExecutorService watcher;
    /** Per-frame model choice (e.g. per product), found in the registry; null: each endpoint's own model. */
    private ModelSelector modelSelector;
    /** Promoted champions and challengers per station (the model registry), found in the registry; or null. */
    private StationModels stationModels;
    /** Where challengers keep their figures across restarts (found in the registry), or null: memory only. */
    private ChallengerStore challengerStore;
    /** The running challenger of each station. */
    private final Map<String, ChallengerRun> challengers = new ConcurrentHashMap<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException(
                    "vision endpoint " + uri + " needs a station id: vision:<station>?model=...");
        }
        VisionEndpoint endpoint = new VisionEndpoint(uri, this);
        endpoint.setStation(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (imageStore == null) {
            imageStore = getCamelContext().getRegistry().lookupByNameAndType("imageStore", FrameStore.class);
        }
        modelSelector = getCamelContext().getRegistry().findSingleByType(ModelSelector.class);
        stationModels = getCamelContext().getRegistry().findSingleByType(StationModels.class);
        challengerStore = getCamelContext().getRegistry().findSingleByType(ChallengerStore.class);
        if (modelWatchSeconds > 0) {
            watcher = SingleThreadExecutors.scheduled(
                    getCamelContext().getExecutorServiceManager(), this, "vision-model-watch");
            watcher.scheduleWithFixedDelay(this::checkModels, modelWatchSeconds, modelWatchSeconds, TimeUnit.SECONDS);
        }
        if (meterRegistry != null) {
            gateMeters.add(Gauge.builder(
                            "visionhub.vision.inspections.active",
                            this,
                            c -> c.inspectionGate().active())
                    .description("Frames being inspected now, all cameras")
                    .register(meterRegistry));
            gateMeters.add(Gauge.builder(
                            "visionhub.vision.inspections.waiting",
                            this,
                            c -> c.inspectionGate().waiting())
                    .description("Cameras waiting for an inspection slot")
                    .register(meterRegistry));
            gateMeters.add(Gauge.builder(
                            "visionhub.vision.inspections.slots",
                            this,
                            c -> c.inspectionGate().slots())
                    .description("Frames inspected at once at most (maxConcurrentInspections)")
                    .register(meterRegistry));
        }
    }

    /**
     * The inspection slots the cameras of this component share, served first come first served (see
     * {@link InspectionGate}).
     */
    public synchronized InspectionGate inspectionGate() {
        if (gate == null) {
            gate = new InspectionGate(InspectionGate.slotsFor(maxConcurrentInspections));
        }
        return gate;
    }

    /** Reloads models whose files changed since they were loaded (and stayed unchanged for one interval). */
    void checkModels() {
        for (String key : models.keySet()) {
            String now = stamp(key);
            String loaded = stamps.get(key);
            if (now == null || now.equals(loaded)) {
                continue;
            }
            String pending = stamps.get(key + "#pending");
            if (!now.equals(pending)) {
                // changed: wait one more interval so a model being copied is complete
                stamps.put(key + "#pending", now);
                continue;
            }
            try {
                reload(key);
            } catch (RuntimeException e) {
                stamps.put(key, now);
                LOG.error(
                        "Model at {} changed but cannot be loaded, still running the previous one: {}",
                        key,
                        e.getMessage());
            }
        }
    }

    /** Size and modification time of the card and the .onnx files of a model folder, or null when unreadable. */
    static String stamp(String location) {
        try {
            Path dir = Files.isDirectory(Path.of(location))
                    ? Path.of(location)
                    : Path.of(location).getParent();
            StringBuilder sb = new StringBuilder();
            try (var files = Files.list(dir)) {
                for (Path p : files.filter(f ->
                                f.toString().endsWith(".onnx") || f.toString().endsWith(".yaml"))
                        .sorted()
                        .toList()) {
                    sb.append(p.getFileName())
                            .append(':')
                            .append(Files.size(p))
                            .append(':')
                            .append(Files.getLastModifiedTime(p).toMillis())
                            .append(';');
                }
            }
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(watcher);
            watcher = null;
        }
        challengers.values().forEach(ChallengerRun::close);
        challengers.clear();
        models.values().forEach(ModelHandle::close);
        models.clear();
        if (meterRegistry != null) {
            gateMeters.forEach(meterRegistry::remove);
        }
        gateMeters.clear();
        synchronized (this) {
            gate = null;
        }
        super.doStop();
    }

    /** The shared handle of the model at this location, loading it on first use. */
    public ModelHandle model(String location) {
        String key = Path.of(location).toAbsolutePath().normalize().toString();
        return models.computeIfAbsent(key, k -> {
            String st = stamp(k);
            ModelHandle h = new ModelHandle(k, loader().load(Path.of(k)));
            if (st != null) {
                stamps.put(k, st);
            }
            return h;
        });
    }

    /** Loads the model at this location again and swaps it in; frames in flight finish on the old one. */
    public InspectionModel reload(String location) {
        String key = Path.of(location).toAbsolutePath().normalize().toString();
        String st = stamp(key);
        InspectionModel next = loader().load(Path.of(key));
        if (st != null) {
            stamps.put(key, st);
        }
        stamps.remove(key + "#pending");
        ModelHandle handle = models.get(key);
        if (handle == null) {
            models.put(key, new ModelHandle(key, next));
        } else {
            handle.swap(next);
        }
        return next;
    }

    /** The registry's model selector, or null. */
    ModelSelector modelSelector() {
        return modelSelector;
    }

    /** The registry's champions and challengers per station, or null. */
    StationModels stationModels() {
        return stationModels;
    }

    /**
     * The challenger run of a station with the model at this location, started on first use; a run with another
     * model is stopped and replaced (its figures go with it). Its executor has one thread and a queue of one frame
     * and refuses more, so the champion never waits for it.
     */
    public ChallengerRun challenger(String station, String location) {
        String key = Path.of(location).toAbsolutePath().normalize().toString();
        return challengers.compute(station, (s, run) -> {
            if (run != null && run.location().equals(key)) {
                return run;
            }
            if (run != null) {
                run.discard();
            }
            ModelHandle handle = model(key);
            ThreadPoolProfile oneFrame = new ThreadPoolProfileBuilder("vision-challenger")
                    .poolSize(1)
                    .maxPoolSize(1)
                    .maxQueueSize(1)
                    .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                    .build();
            ExecutorService executor = getCamelContext()
                    .getExecutorServiceManager()
                    .newThreadPool(this, "vision-challenger-" + station, oneFrame);
            LOG.info(
                    "vision:{}: challenger {} {} ({}) runs on the champion's frames when a core is free",
                    station,
                    handle.model().ref().name(),
                    handle.model().ref().version(),
                    key);
            return new ChallengerRun(
                    station,
                    key,
                    handle,
                    executor,
                    maxFramePixels,
                    KEEP_DISAGREEMENTS,
                    KEEP_OUTCOMES,
                    challengerCpuShare,
                    meterRegistry,
                    challengerStore);
        });
    }

    /** Stops a station's challenger (its figures go with it); false when none ran. */
    public boolean stopChallenger(String station) {
        ChallengerRun run = challengers.remove(station);
        if (run != null) {
            run.discard();
        }
        return run != null;
    }

    /** The running challengers, by station. */
    public Map<String, ChallengerRun> challengers() {
        return Map.copyOf(challengers);
    }

    public ModelLoader loader() {
        return new ModelLoader(sessionTuning());
    }

    public SessionTuning sessionTuning() {
        return new SessionTuning(
                intraOpThreads, interOpThreads, allowSpinning, optimization, warmupRuns, cuda, cudaDevice);
    }

    public MeterRegistry getMeterRegistry() {
        return meterRegistry;
    }

    /** Micrometer registry for the per-camera metrics (frames, drops, reconnects, errors, latency). */
    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public int getModelWatchSeconds() {
        return modelWatchSeconds;
    }

    /**
     * Seconds between checks of the loaded model files; a changed model.onnx or model.yaml is loaded and swapped in
     * without dropping frames (0 = no watching).
     */
    public void setModelWatchSeconds(int modelWatchSeconds) {
        this.modelWatchSeconds = modelWatchSeconds;
    }

    public int getMaxConcurrentInspections() {
        return maxConcurrentInspections;
    }

    /**
     * Frames inspected at once across all cameras of the hub (0 = as many as the machine has cores). Cameras wait
     * for a free slot first come, first served, so when the CPU cannot keep up they take turns and none starves;
     * each camera keeps only its newest frame meanwhile (the rest are dropped and counted). Set before the routes
     * start.
     */
    public void setMaxConcurrentInspections(int maxConcurrentInspections) {
        this.maxConcurrentInspections = maxConcurrentInspections;
    }

    public double getChallengerCpuShare() {
        return challengerCpuShare;
    }

    /**
     * Most of one core a station's challenger may use (0 to 1): after judging a frame for t ms it rests t x (1 -
     * share) / share ms, and frames offered meanwhile are skipped (counted), so that the challenger leaves CPU to the
     * champion on a busy box. 1: as much as it can.
     */
    public void setChallengerCpuShare(double challengerCpuShare) {
        this.challengerCpuShare = challengerCpuShare;
    }

    public FrameStore getImageStore() {
        return imageStore;
    }

    /**
     * Where frames and annotated frames are stored, by the SHA-256 of their bytes (the hub binds its image store).
     * When not set, the bean named imageStore; endpoints that store images refuse to start without one.
     */
    public void setImageStore(FrameStore imageStore) {
        this.imageStore = imageStore;
    }

    public String getImageUriPrefix() {
        return imageUriPrefix;
    }

    /** Link prefix of stored images in events (the SHA-256 is appended). */
    public void setImageUriPrefix(String imageUriPrefix) {
        this.imageUriPrefix = imageUriPrefix;
    }

    public long getMaxFramePixels() {
        return maxFramePixels;
    }

    /**
     * Largest frame accepted, in pixels (width x height read from the image header before decoding); a larger frame
     * is refused and recorded as UNCERTAIN with defect frame_too_large.
     */
    public void setMaxFramePixels(long maxFramePixels) {
        this.maxFramePixels = maxFramePixels;
    }

    public int getIntraOpThreads() {
        return intraOpThreads;
    }

    /** ONNX Runtime intra-op threads (0 = the ONNX Runtime default). */
    public void setIntraOpThreads(int intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
    }

    public int getInterOpThreads() {
        return interOpThreads;
    }

    /** ONNX Runtime inter-op threads (0 = the ONNX Runtime default). */
    public void setInterOpThreads(int interOpThreads) {
        this.interOpThreads = interOpThreads;
    }

    public boolean isAllowSpinning() {
        return allowSpinning;
    }

    /** Let idle ONNX Runtime workers spin (lower latency, busy cores). */
    public void setAllowSpinning(boolean allowSpinning) {
        this.allowSpinning = allowSpinning;
    }

    public String getOptimization() {
        return optimization;
    }

    /** ONNX Runtime graph optimisation level. */
    public void setOptimization(String optimization) {
        this.optimization = optimization;
    }

    public int getWarmupRuns() {
        return warmupRuns;
    }

    /** Inference runs on a blank frame after a model loads, so the first part is not slow. */
    public void setWarmupRuns(int warmupRuns) {
        this.warmupRuns = warmupRuns;
    }

    public boolean isCuda() {
        return cuda;
    }

    /** Use the CUDA execution provider (needs the onnxruntime_gpu build). */
    public void setCuda(boolean cuda) {
        this.cuda = cuda;
    }

    public int getCudaDevice() {
        return cudaDevice;
    }

    /** CUDA device id. */
    public void setCudaDevice(int cudaDevice) {
        this.cudaDevice = cudaDevice;
    }
}
