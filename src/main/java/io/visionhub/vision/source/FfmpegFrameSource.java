package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import io.visionhub.vision.ImageDecoder;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Frames through FFmpeg (JavaCV): RTSP (over TCP), HTTP MJPEG streams and video files. A live stream that
 * ends or stalls past the timeout throws, so the caller reconnects; a video file is finite and is played at
 * its own frame rate (so the newest-frame-wins handoff sees what a camera would send).
 */
public final class FfmpegFrameSource implements FrameSource {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final String camera;
    private final String url;
    private final int timeoutMs;
    private final boolean file;
    private FFmpegFrameGrabber grabber;
    private final Java2DFrameConverter converter = new Java2DFrameConverter();
    private long sequence;
    private Pacer pacer = new Pacer(0);

    private final boolean listen;
    private final long maxPixels;

    public FfmpegFrameSource(String camera, String url, int timeoutMs) {
        this(camera, url, timeoutMs, false);
    }

    /** @param listen RTSP only: wait for an encoder that pushes (ANNOUNCE/RECORD) instead of pulling */
    public FfmpegFrameSource(String camera, String url, int timeoutMs, boolean listen) {
        this(camera, url, timeoutMs, listen, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** @param maxPixels a stream whose frames are larger (width x height, known once open) is refused */
    public FfmpegFrameSource(String camera, String url, int timeoutMs, boolean listen, long maxPixels) {
        this.maxPixels = maxPixels;
        this.listen = listen;
        this.camera = camera;
        this.url = url;
        this.timeoutMs = timeoutMs;
        this.file = !url.contains("://") || url.startsWith("file:");
    }

    @Override
    public void open() {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(url.startsWith("file:") ? url.substring(5) : url);
        String micros = String.valueOf(TimeUnit.MILLISECONDS.toMicros(timeoutMs));
        if (url.startsWith("rtsp://") || url.startsWith("rtsps://")) {
            g.setOption("rtsp_transport", "tcp");
            if (listen) {
                g.setOption("rtsp_flags", "listen");
                g.setOption("listen_timeout", String.valueOf(Math.max(1, timeoutMs / 1000)));
            } else {
                g.setOption("timeout", micros);
            }
        } else if (url.startsWith("http://") || url.startsWith("https://")) {
            g.setOption("rw_timeout", micros);
            g.setOption("reconnect", "0");
        }
        try {
            g.start();
        } catch (Exception | LinkageError e) {
            safeClose(g);
            throw new FrameSourceException(
                    "camera " + camera + ": cannot open " + redact(url) + ": " + redact(String.valueOf(e.getMessage()))
                            + " (check the address, credentials and that the camera is reachable)",
                    e);
        }
        int w = g.getImageWidth();
        int h = g.getImageHeight();
        long pixels = (long) w * h;
        if (pixels > maxPixels) {
            safeClose(g);
            throw new FrameSourceException("camera " + camera + ": " + redact(url) + " delivers " + w + "x" + h
                    + " = " + pixels + " pixels per frame, above the limit of " + maxPixels
                    + " pixels (visionhub.vision.max-frame-pixels); lower the camera's resolution or raise the limit");
        }
        grabber = g;
        double rate = g.getFrameRate();
        pacer = new Pacer(file && rate > 0 && rate < 1000 ? rate : 0);
    }

    @Override
    public Frame next() {
        if (grabber == null) {
            throw new FrameSourceException("camera " + camera + ": " + redact(url) + " is not open");
        }
        org.bytedeco.javacv.Frame f;
        try {
            f = grabber.grabImage();
        } catch (Exception e) {
            throw new FrameSourceException(
                    "camera " + camera + ": stream " + redact(url) + " failed: "
                            + redact(String.valueOf(e.getMessage())),
                    e);
        }
        if (f == null || f.image == null) {
            if (file) {
                return null;
            }
            throw new FrameSourceException("camera " + camera + ": stream " + redact(url) + " ended");
        }
        BufferedImage converted = converter.convert(f);
        if (converted == null) {
            throw new FrameSourceException(
                    "camera " + camera + ": frame of " + redact(url) + " could not be converted");
        }
        // the converter reuses its image; the handoff needs a frame of its own
        BufferedImage copy = new BufferedImage(converted.getWidth(), converted.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(converted, 0, 0, null);
        g.dispose();
        if (!pacer.awaitTick()) {
            return null;
        }
        return new Frame(camera, sequence++, Instant.now(), copy, null, null);
    }

    @Override
    public boolean finite() {
        return file;
    }

    @Override
    public String describe() {
        return "camera " + camera + " (" + redact(url) + ")";
    }

    /** Hides a password in rtsp://user:pass@host URLs. */
    static String redact(String url) {
        return url.replaceAll("://([^:/@]+):[^@/]*@", "://$1:***@");
    }

    @Override
    public void close() {
        FFmpegFrameGrabber g = grabber;
        grabber = null;
        if (g != null) {
            safeClose(g);
        }
    }

    private static void safeClose(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (Exception ignored) {
            // closing a broken stream
        }
    }
}
