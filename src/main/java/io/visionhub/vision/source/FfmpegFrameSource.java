package io.visionhub.vision.source;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.vision.Frame;
import io.visionhub.vision.ImageDecoder;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Frames through FFmpeg (JavaCV): RTSP (over TCP), HTTP MJPEG streams and video files. A live stream that
 * ends or stalls past the timeout throws, so the caller reconnects; a video file is finite and is played at
 * its own frame rate (so the newest-frame-wins handoff sees what a camera would send).
 * <p>
 * Listen mode (an encoder pushes with ANNOUNCE/RECORD): FFmpeg bounds only the wait for the connection
 * ({@code listen_timeout}); the connection it accepts has no read timeout (its rtsp demuxer passes {@code timeout}
 * only to the connections it makes itself, and JavaCV sets no interrupt callback), so an encoder that connects and
 * goes silent, mid-handshake or mid-stream, would hold the reader for good. FFmpeg's calls therefore run on a thread
 * of the source's own, and the reader waits for each (open, frame) at most the timeout: past it the source gives up,
 * the caller reopens with backoff, and the stuck call's grabber is closed on that thread once FFmpeg returns (when
 * the silent peer's connection closes).
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
    /** Listen mode: the thread FFmpeg's calls run on (see the class comment); null otherwise or when closed. */
    private ExecutorService ffmpegThread;

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
                g.setOption("listen_timeout", String.valueOf(listenTimeoutSeconds()));
            } else {
                g.setOption("timeout", micros);
            }
        } else if (url.startsWith("http://") || url.startsWith("https://")) {
            g.setOption("rw_timeout", micros);
            g.setOption("reconnect", "0");
        }
        if (listen && isRtsp()) {
            startListening(g);
        } else {
            start(g);
        }
        checkSizeAndKeep(g);
    }

    private boolean isRtsp() {
        return url.startsWith("rtsp://") || url.startsWith("rtsps://");
    }

    private void start(FFmpegFrameGrabber g) {
        try {
            g.start();
        } catch (Exception | LinkageError e) {
            safeClose(g);
            throw cannotOpen(e);
        }
    }

    private FrameSourceException cannotOpen(Throwable e) {
        return new FrameSourceException(
                "camera " + camera + ": cannot open " + redact(url) + ": " + redact(String.valueOf(e.getMessage()))
                        + " (check the address, credentials and that the camera is reachable)",
                e);
    }

    /**
     * Listen mode: waits for an encoder (FFmpeg's listen_timeout, about the timeout) and then at most the timeout for
     * its handshake and first frames; gives up past that.
     */
    private void startListening(FFmpegFrameGrabber g) {
        ExecutorService thread = SingleThreadExecutors.inOrder(null, this, "ffmpeg-listen-" + camera);
        long budget = TimeUnit.SECONDS.toMillis(listenTimeoutSeconds()) + timeoutMs;
        // startUnsafe: JavaCV's start() holds one lock for the whole process (avcodec.class) while it opens, so a
        // listener waiting for its encoder, or stuck on a silent one, would stop every other camera of the hub from
        // opening or closing; FFmpeg 7's open and codec init are thread-safe without it
        Future<Void> started = thread.submit(() -> {
            g.startUnsafe();
            return null;
        });
        try {
            started.get(budget, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(thread, g);
            throw new FrameSourceException("camera " + camera + ": listening on " + redact(url) + ", an encoder "
                    + "connected but sent no complete RTSP handshake (ANNOUNCE, SETUP, RECORD) and first frames "
                    + "within " + timeoutMs + " ms (readTimeout); gave up on it to listen again");
        } catch (ExecutionException e) {
            abandon(thread, g);
            throw cannotOpen(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(thread, g);
            throw new FrameSourceException("camera " + camera + ": stopped while listening on " + redact(url));
        }
        ffmpegThread = thread;
    }

    private int listenTimeoutSeconds() {
        return Math.max(1, timeoutMs / 1000);
    }

    /** Closes the grabber on its own thread once FFmpeg's call in progress there returns; the thread then ends. */
    private static void abandon(ExecutorService thread, FFmpegFrameGrabber g) {
        thread.execute(() -> safeClose(g));
        thread.shutdown();
    }

    private void checkSizeAndKeep(FFmpegFrameGrabber g) {
        int w = g.getImageWidth();
        int h = g.getImageHeight();
        long pixels = (long) w * h;
        if (pixels > maxPixels) {
            close(g);
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
            f = ffmpegThread == null ? grabber.grabImage() : grabListening();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null; // stopping
        } catch (FrameSourceException e) {
            throw e;
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

    /** Hides a password in scheme://user:pass@host URLs (rtsp, http, onvif); "null" for none. */
    public static String redact(String url) {
        return url == null ? "null" : url.replaceAll("://([^:/@]*):[^@/]*@", "://$1:***@");
    }

    /** Listen mode: the next frame from FFmpeg's thread, waited for at most the timeout. */
    private org.bytedeco.javacv.Frame grabListening() throws Exception {
        Future<org.bytedeco.javacv.Frame> next =
                ffmpegThread.submit((Callable<org.bytedeco.javacv.Frame>) grabber::grabImage);
        try {
            return next.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandonGrabber();
            throw new FrameSourceException("camera " + camera + ": the encoder pushing to " + redact(url)
                    + " sent no frame for " + timeoutMs + " ms (readTimeout); gave up on it to listen again");
        } catch (InterruptedException e) {
            abandonGrabber();
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        }
    }

    /** Listen mode, FFmpeg's call stuck: the grabber is closed on its thread when the call returns. */
    private void abandonGrabber() {
        FFmpegFrameGrabber g = grabber;
        ExecutorService thread = ffmpegThread;
        grabber = null;
        ffmpegThread = null;
        abandon(thread, g);
    }

    @Override
    public void close() {
        FFmpegFrameGrabber g = grabber;
        grabber = null;
        if (g != null) {
            close(g);
        }
    }

    /** Closes on FFmpeg's thread in listen mode (after any call still running there), here otherwise. */
    private void close(FFmpegFrameGrabber g) {
        ExecutorService thread = ffmpegThread;
        ffmpegThread = null;
        if (thread == null) {
            safeClose(g);
            return;
        }
        Future<?> closed = thread.submit(() -> safeClose(g));
        thread.shutdown();
        try {
            closed.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // a call stuck on a silent peer: the grabber is closed when it returns
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
