package io.visionhub.vision.model;

import io.visionhub.event.ModelRef;
import io.visionhub.vision.pixel.YCbCrPlanes;
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

    /**
     * The smallest image ({@code [width, height]}) that gives this model the same view of a {@code frameWidth x
     * frameHeight} frame, because the model resizes every frame down to its input; {@code null} when it needs the
     * frame at full size. A JPEG frame may then be decoded at a reduced DCT scale (1/2, 3/8 ...) of at least this
     * size and given to {@link #inspect(BufferedImage, int, int)}.
     */
    default int[] reducedInputSize(int frameWidth, int frameHeight) {
        return null;
    }

    /**
     * Inspects {@code reduced}, a smaller copy of a {@code frameWidth x frameHeight} frame (at least {@link
     * #reducedInputSize} large); boxes and masks come back in frame pixels. Models that need the full frame accept
     * only an image of the frame's own size.
     */
    default ModelVerdict inspect(BufferedImage reduced, int frameWidth, int frameHeight) {
        if (reduced.getWidth() != frameWidth || reduced.getHeight() != frameHeight) {
            throw new ModelException("model " + ref().name() + " needs the " + frameWidth + "x" + frameHeight
                    + " frame at full size, got a " + reduced.getWidth() + "x" + reduced.getHeight() + " copy");
        }
        return inspect(reduced);
    }

    /**
     * {@link #inspect(BufferedImage, int, int)} for a frame given as the YCbCr planes of a JPEG decoded reduced. The
     * ONNX models convert, resize and normalise the planes in one pass; by default they become an image first.
     */
    default ModelVerdict inspect(YCbCrPlanes reduced, int frameWidth, int frameHeight) {
        return inspect(reduced.toImage(), frameWidth, frameHeight);
    }

    /**
     * A frame's model input filled ahead of its run (pre-processing on another thread while the previous frame's
     * model runs: decode-ahead); run it with {@link #runPrepared} on the model that made it, once.
     */
    interface PreparedInput {
        /** Milliseconds the pre-processing took where it was done. */
        double preprocessMs();
    }

    /**
     * Fills this model's input from a frame ahead of its run: {@code planes} (a JPEG decoded reduced) or {@code image}
     * (full size or reduced) showing a {@code frameWidth x frameHeight} frame; null where this model does not prepare
     * inputs ahead (then {@link #inspect} does it all). May throw as {@link #inspect} would for a bad frame.
     */
    default PreparedInput prepareInput(BufferedImage image, YCbCrPlanes planes, int frameWidth, int frameHeight) {
        return null;
    }

    /** Runs a {@link #prepareInput prepared input} and post-processes it: the rest of {@link #inspect}. */
    default ModelVerdict runPrepared(PreparedInput input) {
        throw new ModelException("model " + ref().name() + " does not run inputs prepared ahead");
    }

    @Override
    void close();
}
