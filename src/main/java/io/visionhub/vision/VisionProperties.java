package io.visionhub.vision;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the vision concern (visionhub.vision.*), defaults in config/vision.yaml.
 *
 * @param session   ONNX Runtime session settings shared by all models
 * @param demoModel the demo anomaly model taught at start-up when missing
 * @param imageUriPrefix link prefix of stored images in events
 * @param maxFramePixels largest frame (width x height, read from the image header before decoding) that cameras,
 *                       folders and teaching accept; larger ones are refused without being decoded
 */
@ConfigurationProperties(prefix = "visionhub.vision")
public record VisionProperties(Session session, DemoModel demoModel, String imageUriPrefix, Long maxFramePixels) {

    public VisionProperties {
        session = session == null ? new Session(1, 1, false, "all", 3, false, 0) : session;
        demoModel = demoModel == null ? new DemoModel(true, "models/demo-anomaly", 20, 42) : demoModel;
        imageUriPrefix = imageUriPrefix == null ? "/api/images/" : imageUriPrefix;
        maxFramePixels = maxFramePixels == null ? ImageDecoder.DEFAULT_MAX_PIXELS : maxFramePixels;
        if (maxFramePixels < 1) {
            throw new IllegalArgumentException(
                    "visionhub.vision.max-frame-pixels must be at least 1, got " + maxFramePixels);
        }
    }

    /**
     * @param intraOpThreads threads inside one operator (0 = ORT default)
     * @param interOpThreads threads across operators (0 = ORT default)
     * @param allowSpinning  idle workers spin (costs CPU on small boxes)
     * @param optimization   none, basic, extended, all
     * @param warmupRuns     runs after loading, before the first frame
     * @param cuda           CUDA provider when the GPU build is present
     * @param cudaDevice     CUDA device id
     */
    public record Session(
            @DefaultValue("2") int intraOpThreads,
            @DefaultValue("1") int interOpThreads,
            @DefaultValue("false") boolean allowSpinning,
            @DefaultValue("all") String optimization,
            @DefaultValue("3") int warmupRuns,
            @DefaultValue("false") boolean cuda,
            @DefaultValue("0") int cudaDevice) {}

    /**
     * @param enabled    teach the demo model at start-up when its model.onnx is missing
     * @param path       model folder
     * @param goodImages good simulated parts to teach from
     * @param seed       seed of the simulated parts taught from
     */
    public record DemoModel(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("models/demo-anomaly") String path,
            @DefaultValue("20") int goodImages,
            @DefaultValue("42") long seed) {}
}
