package io.visionhub.onvif;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.vision.Frame;
import io.visionhub.vision.source.FfmpegFrameSource;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.FrameSourceException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames of an ONVIF camera's media profile ({@code onvif://user:secret@host[:port]/<profile>[/snapshot]}): each
 * {@link #open()} asks the camera for the profile's stream URI (or snapshot URI) afresh, then reads it with FFmpeg
 * (the camera's credentials added to the RTSP URL) or polls the snapshot at fps. The camera reader opens a new
 * source after every lost stream, so a camera whose stream URI changed (a firmware update, a re-provisioned
 * profile) is resolved again and keeps delivering. ONVIF errors (a refused login, a profile that is gone) become
 * FrameSourceExceptions with the camera's message, so the reader retries them with backoff and health shows them.
 */
public final class OnvifFrameSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(OnvifFrameSource.class);

    private final String camera;
    private final OnvifCameraUri address;
    private final double fps;
    private final int timeoutMs;
    private final long maxPixels;
    private FrameSource stream;
    private OnvifClient client;
    private URI snapshot;
    private long nextAt;
    private long sequence;
    private String resolved = "not resolved";

    public OnvifFrameSource(String camera, String source, double fps, int timeoutMs, long maxPixels) {
        this.camera = camera;
        try {
            this.address = OnvifCameraUri.parse(source);
        } catch (OnvifException e) {
            throw new FrameSourceException("camera " + camera + ": " + e.getMessage(), e);
        }
        this.fps = fps;
        this.timeoutMs = timeoutMs;
        this.maxPixels = maxPixels;
    }

    @Override
    public void open() {
        try {
            client = new OnvifClient(
                    address.deviceService(), address.username(), address.password(), Duration.ofMillis(timeoutMs));
            try {
                client.syncClock();
            } catch (OnvifException e) {
                if (e.kind() == Kind.UNREACHABLE) {
                    throw e;
                }
                LOG.debug("camera {}: GetSystemDateAndTime failed, using the hub's clock: {}", camera, e.getMessage());
            }
            OnvifProfile profile = client.profile(address.profile());
            if (address.snapshot()) {
                snapshot = client.snapshotUri(profile.token());
                resolved = FfmpegFrameSource.redact(snapshot.toString());
                nextAt = System.nanoTime();
                client.get(snapshot); // fail fast when the snapshot does not answer
            } else {
                URI uri = client.streamUri(profile.token());
                resolved = FfmpegFrameSource.redact(uri.toString());
                FfmpegFrameSource s = new FfmpegFrameSource(camera, withCredentials(uri), timeoutMs, false, maxPixels);
                s.open();
                stream = s;
            }
            LOG.info("camera {}: {} profile {} resolved to {}", camera, address, profile.token(), resolved);
        } catch (OnvifException e) {
            throw new FrameSourceException("camera " + camera + " (" + address + "): " + e.getMessage(), e);
        }
    }

    /** The stream URL with the camera's credentials as user info (RTSP digest/basic), unless it carries its own. */
    String withCredentials(URI uri) {
        if (address.username() == null || uri.getRawUserInfo() != null) {
            return uri.toString();
        }
        String info = encode(address.username()) + (address.password() == null ? "" : ":" + encode(address.password()));
        String s = uri.toString();
        int at = s.indexOf("://") + 3;
        return s.substring(0, at) + info + "@" + s.substring(at);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public Frame next() {
        if (stream != null) {
            return stream.next();
        }
        if (snapshot == null) {
            throw new FrameSourceException("camera " + camera + ": " + address + " is not open");
        }
        if (!awaitTick()) {
            return null;
        }
        try {
            return new Frame(camera, sequence++, Instant.now(), null, client.get(snapshot), null);
        } catch (OnvifException e) {
            throw new FrameSourceException("camera " + camera + " (" + address + "): " + e.getMessage(), e);
        }
    }

    /** Holds snapshot polling to fps (each tick one period after the previous); false when interrupted. */
    private boolean awaitTick() {
        if (fps <= 0) {
            return true;
        }
        long wait;
        while ((wait = nextAt - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        nextAt += (long) (1e9 / fps);
        return true;
    }

    @Override
    public String describe() {
        return "camera " + camera + " (" + address + " -> " + resolved + ")";
    }

    @Override
    public void close() {
        FrameSource s = stream;
        stream = null;
        if (s != null) {
            s.close();
        }
        snapshot = null;
    }
}
