package io.visionhub.vision.component;

import org.apache.camel.spi.Metadata;

/** Header names of the vision component. */
public final class VisionConstants {

    @Metadata(description = "Inspection event id (UUID)", javaType = "String")
    public static final String INSPECTION_ID = "CamelVisionInspectionId";

    @Metadata(description = "Station id", javaType = "String")
    public static final String STATION = "CamelVisionStation";

    @Metadata(
            description = "Camera id; on the producer it names the camera of the image in the body",
            javaType = "String")
    public static final String CAMERA = "CamelVisionCamera";

    @Metadata(description = "Line id", javaType = "String")
    public static final String LINE = "CamelVisionLine";

    @Metadata(description = "Verdict: OK, NG or UNCERTAIN", javaType = "String")
    public static final String VERDICT = "CamelVisionVerdict";

    @Metadata(description = "Anomaly score, where the model gives one", javaType = "Double")
    public static final String ANOMALY_SCORE = "CamelVisionAnomalyScore";

    @Metadata(description = "Part id; on the producer it is copied into the event", javaType = "String")
    public static final String PART_ID = "CamelVisionPartId";

    @Metadata(description = "Model name", javaType = "String")
    public static final String MODEL_NAME = "CamelVisionModelName";

    @Metadata(description = "Model version", javaType = "String")
    public static final String MODEL_VERSION = "CamelVisionModelVersion";

    @Metadata(description = "SHA-256 of the stored frame", javaType = "String")
    public static final String IMAGE_SHA256 = "CamelVisionImageSha256";

    @Metadata(
            description = "Producer: capture time of the image in the body (java.time.Instant); now when absent",
            javaType = "java.time.Instant")
    public static final String CAPTURE_TIME = "CamelVisionCaptureTime";

    private VisionConstants() {}
}
