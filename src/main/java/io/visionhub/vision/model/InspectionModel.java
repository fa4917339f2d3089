package io.visionhub.vision.model;

import io.visionhub.event.ModelRef;
import java.awt.image.BufferedImage;

/**
 * A loaded model with its card: judges one image. Implementations are thread-safe for concurrent
 * {@link #inspect} calls and throw {@link ModelException} naming the model and the problem.
 */
public interface InspectionModel extends AutoCloseable {

    /** Name, version, sha256 of the .onnx file, and kind. */
    ModelRef ref();

    /** Runs pre-processing, the ONNX session and post-processing on one image. */
    ModelVerdict inspect(BufferedImage image);

    @Override
    void close();
}
