package io.visionhub.vision.source;

import io.visionhub.event.PartTrigger;
import io.visionhub.vision.Frame;
import java.time.Instant;

/**
 * Where frames come from: a simulated camera, an RTSP/HTTP stream, a video file or an image folder.
 * One thread calls {@link #open()}, then {@link #next()} until it returns null (end of stream) or throws
 * (stream lost: the caller reconnects with backoff).
 */
public interface FrameSource extends AutoCloseable {

    /** Opens the stream; throws {@link FrameSourceException} naming the camera and the problem. */
    void open();

    /** The next frame, blocking until one is there; null at the end of a finite source. */
    Frame next();

    /** Camera id and where it reads from, for logs. */
    String describe();

    /** A finite source (video file, folder) ends instead of reconnecting. */
    default boolean finite() {
        return false;
    }

    /** Every frame is a part that must be inspected (image folders): the reader waits instead of dropping. */
    default boolean lossless() {
        return false;
    }

    /**
     * The hub starts each exposure (a GigE camera in software-trigger mode): no frame comes without {@link #trigger},
     * and the frame that answers a trigger carries its part id.
     */
    default boolean hubTriggered() {
        return false;
    }

    /** Starts one exposure for this part (sources where {@link #hubTriggered()}); may be called from any thread. */
    default void trigger(PartTrigger trigger) {
        throw new UnsupportedOperationException(describe() + " is not triggered by the hub");
    }

    /**
     * The route has finished with this frame's part and its record is in the ledger: a source that holds each part until then (an image folder) lets it go now. Called by the inspecting
     * thread; a frame that never gets here (a crash, a failed inspection) stays with the source and is read again
     * when the source next opens.
     */
    default void recorded(Frame frame) {}

    /**
     * This frame could not be inspected (its image could not be stored on a full disk, the model failed), so its part
     * has no record: a source that holds each part offers it again a little later.
     */
    default void notInspected(Frame frame) {}

    /**
     * Non-null when this frame is read again after a restart (a file that was already there when the source opened,
     * perhaps recorded by a process that died before {@link #recorded}): a record of it, if any, was captured at or
     * after the instant returned. The consumer then asks the ledger before recording the part a second time.
     */
    default Instant readAgainSince(Frame frame) {
        return null;
    }

    @Override
    void close();
}
