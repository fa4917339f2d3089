package io.visionhub.vision.component;

import io.visionhub.vision.Frame;
import io.visionhub.vision.source.FrameSource;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading thread of a station's camera, shared by the camera consumer and the triggered producer: opens the
 * endpoint's source, hands every frame on, reopens a lost stream with exponential backoff (reconnectDelay up to
 * reconnectMaxDelay), and stops at the end of a finite source or when told to. The source is opened and closed on
 * this thread only (FFmpeg must not be closed under a running grab).
 */
final class CameraReader {

    private static final Logger LOG = LoggerFactory.getLogger(CameraReader.class);

    /** Where each frame goes (a handoff); may block, as a lossless source's handoff does. */
    @FunctionalInterface
    interface FrameSink {
        void accept(FrameSource source, Frame frame) throws InterruptedException;
    }

    private CameraReader() {}

    /**
     * Reads until {@code running} turns false, the source ends or the thread is interrupted.
     *
     * @param name the camera as logs name it, e.g. {@code vision:station-1}
     */
    static void run(
            VisionEndpoint endpoint, CameraHealth health, String name, BooleanSupplier running, FrameSink sink) {
        run(endpoint, health, name, running, sink, s -> {});
    }

    /** As above; {@code opened} hears of each source once it is open and of null once it is closed. */
    static void run(
            VisionEndpoint endpoint,
            CameraHealth health,
            String name,
            BooleanSupplier running,
            FrameSink sink,
            Consumer<FrameSource> opened) {
        long backoff = endpoint.getReconnectDelay();
        boolean everOpened = false;
        while (running.getAsBoolean()) {
            FrameSource s = null;
            try {
                s = endpoint.createFrameSource();
                s.open();
                if (everOpened) {
                    health.reconnected();
                    LOG.info("{}: {} reopened", name, s.describe());
                }
                everOpened = true;
                health.connected(true);
                opened.accept(s);
                backoff = endpoint.getReconnectDelay();
                Frame f;
                while (running.getAsBoolean() && (f = s.next()) != null) {
                    health.frameRead(f.captureTime());
                    sink.accept(s, f);
                }
                if (!running.getAsBoolean()) {
                    return;
                }
                if (s.finite()) {
                    LOG.info("{}: {} played to the end; no more frames from this source", name, s.describe());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                health.sourceError(e.getMessage());
                LOG.warn("{}: {}; retrying in {} ms", name, e.getMessage(), backoff);
            } finally {
                health.connected(false);
                opened.accept(null);
                if (s != null) {
                    s.close();
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(endpoint.getReconnectMaxDelay(), backoff * 2);
        }
    }
}
