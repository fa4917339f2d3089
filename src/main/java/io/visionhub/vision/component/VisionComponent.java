package io.visionhub.vision.component;

import io.visionhub.images.FileImageStore;
import io.visionhub.images.ImageStore;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.SessionTuning;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code vision:} component: creates one endpoint per station and holds what the stations share: the
 * loaded models (one ONNX Runtime session per model folder, hot-swappable) and the image store.
 */
@org.apache.camel.spi.annotations.Component("vision")
public class VisionComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(VisionComponent.class);

    @Metadata(description = "Store for frames and annotated frames (content-addressed); looked up as bean "
            + "'imageStore' when not set, else a FileImageStore under imagesDir", autowired = true)
    private ImageStore imageStore;
    @Metadata(description = "Micrometer registry for per-camera metrics (frames, drops, reconnects, errors, latency)",
            autowired = true)
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;
    @Metadata(description = "Folder of the file image store used when no imageStore bean exists", defaultValue = "data/images")
    private String imagesDir = "data/images";
    @Metadata(description = "Link prefix of stored images in events (the sha256 is appended)", defaultValue = "/api/images/")
    private String imageUriPrefix = "/api/images/";
    @Metadata(description = "ONNX Runtime intra-op threads (0 = ORT default)", defaultValue = "1")
    private int intraOpThreads = 1;
    @Metadata(description = "ONNX Runtime inter-op threads (0 = ORT default)", defaultValue = "1")
    private int interOpThreads = 1;
    @Metadata(description = "Let idle ONNX Runtime workers spin", defaultValue = "false")
    private boolean allowSpinning;
    @Metadata(description = "Graph optimisation level: none, basic, extended, all", defaultValue = "all")
    private String optimization = "all";
    @Metadata(description = "Warm-up runs after a model loads", defaultValue = "3")
    private int warmupRuns = 3;
    @Metadata(description = "Use the CUDA provider (needs the onnxruntime_gpu build)", defaultValue = "false")
    private boolean cuda;
    @Metadata(description = "CUDA device id", defaultValue = "0")
    private int cudaDevice;

    @Metadata(description = "Seconds between checks of the loaded model files; a changed model.onnx or model.yaml is "
            + "loaded and swapped in without dropping frames (0 = no watching)", defaultValue = "2")
    private int modelWatchSeconds = 2;

    private final Map<String, ModelHandle> models = new ConcurrentHashMap<>();
    private final Map<String, String> stamps = new ConcurrentHashMap<>();
    /** Trigger endpoints of consumers in triggered mode, by endpoint URI (one shared consumer each). */
    final Map<String, TriggerDispatcher> triggerDispatchers = new ConcurrentHashMap<>();
    private java.util.concurrent.ScheduledExecutorService watcher;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("vision endpoint " + uri + " needs a station id: vision:<station>?model=...");
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
            imageStore = getCamelContext().getRegistry().lookupByNameAndType("imageStore", ImageStore.class);
        }
        if (imageStore == null) {
            imageStore = new FileImageStore(Path.of(imagesDir));
            LOG.info("vision component: no 'imageStore' bean, storing frames under {}", Path.of(imagesDir).toAbsolutePath());
        }
        if (modelWatchSeconds > 0) {
            watcher = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "vision-model-watch");
            watcher.scheduleWithFixedDelay(this::checkModels, modelWatchSeconds, modelWatchSeconds,
                    java.util.concurrent.TimeUnit.SECONDS);
        }
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
                LOG.error("Model at {} changed but cannot be loaded, still running the previous one: {}", key, e.getMessage());
            }
        }
    }

    /** Size and modification time of the card and the .onnx files of a model folder, or null when unreadable. */
    static String stamp(String location) {
        try {
            Path dir = java.nio.file.Files.isDirectory(Path.of(location)) ? Path.of(location) : Path.of(location).getParent();
            StringBuilder sb = new StringBuilder();
            try (var files = java.nio.file.Files.list(dir)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".onnx") || f.toString().endsWith(".yaml")).sorted().toList()) {
                    sb.append(p.getFileName()).append(':').append(java.nio.file.Files.size(p)).append(':')
                            .append(java.nio.file.Files.getLastModifiedTime(p).toMillis()).append(';');
                }
            }
            return sb.toString();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(watcher);
            watcher = null;
        }
        models.values().forEach(ModelHandle::close);
        models.clear();
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

    public ModelLoader loader() {
        return new ModelLoader(sessionTuning());
    }

    public SessionTuning sessionTuning() {
        return new SessionTuning(intraOpThreads, interOpThreads, allowSpinning, optimization, warmupRuns, cuda, cudaDevice);
    }

    public io.micrometer.core.instrument.MeterRegistry getMeterRegistry() {
        return meterRegistry;
    }

    public void setMeterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public int getModelWatchSeconds() {
        return modelWatchSeconds;
    }

    public void setModelWatchSeconds(int modelWatchSeconds) {
        this.modelWatchSeconds = modelWatchSeconds;
    }

    public ImageStore getImageStore() {
        return imageStore;
    }

    public void setImageStore(ImageStore imageStore) {
        this.imageStore = imageStore;
    }

    public String getImagesDir() {
        return imagesDir;
    }

    public void setImagesDir(String imagesDir) {
        this.imagesDir = imagesDir;
    }

    public String getImageUriPrefix() {
        return imageUriPrefix;
    }

    public void setImageUriPrefix(String imageUriPrefix) {
        this.imageUriPrefix = imageUriPrefix;
    }

    public int getIntraOpThreads() {
        return intraOpThreads;
    }

    public void setIntraOpThreads(int intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
    }

    public int getInterOpThreads() {
        return interOpThreads;
    }

    public void setInterOpThreads(int interOpThreads) {
        this.interOpThreads = interOpThreads;
    }

    public boolean isAllowSpinning() {
        return allowSpinning;
    }

    public void setAllowSpinning(boolean allowSpinning) {
        this.allowSpinning = allowSpinning;
    }

    public String getOptimization() {
        return optimization;
    }

    public void setOptimization(String optimization) {
        this.optimization = optimization;
    }

    public int getWarmupRuns() {
        return warmupRuns;
    }

    public void setWarmupRuns(int warmupRuns) {
        this.warmupRuns = warmupRuns;
    }

    public boolean isCuda() {
        return cuda;
    }

    public void setCuda(boolean cuda) {
        this.cuda = cuda;
    }

    public int getCudaDevice() {
        return cudaDevice;
    }

    public void setCudaDevice(int cudaDevice) {
        this.cudaDevice = cudaDevice;
    }
}
