package io.visionhub.vision.source;

import io.visionhub.vision.Frame;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** Polls a camera's HTTP snapshot URL (one JPEG per GET) at the given rate. */
public final class HttpSnapshotSource implements FrameSource {

    private final String camera;
    private final URI uri;
    private final Pacer pacer;
    private final Duration timeout;
    private HttpClient client;
    private long sequence;

    public HttpSnapshotSource(String camera, String url, double fps, int timeoutMs) {
        this.camera = camera;
        this.uri = URI.create(url);
        this.pacer = new Pacer(fps);
        this.timeout = Duration.ofMillis(timeoutMs);
    }

    @Override
    public void open() {
        client = HttpClient.newBuilder().connectTimeout(timeout).build();
        pacer.restart();
        fetch(); // fail fast when the camera is not there
    }

    @Override
    public Frame next() {
        if (!pacer.awaitTick()) {
            return null;
        }
        return new Frame(camera, sequence++, Instant.now(), null, fetch(), null);
    }

    private byte[] fetch() {
        try {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new FrameSourceException("camera " + camera + ": snapshot " + FfmpegFrameSource.redact(uri.toString())
                        + " answered HTTP " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new FrameSourceException("camera " + camera + ": snapshot " + FfmpegFrameSource.redact(uri.toString())
                    + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrameSourceException("camera " + camera + ": interrupted", e);
        }
    }

    @Override
    public String describe() {
        return "camera " + camera + " (snapshot " + FfmpegFrameSource.redact(uri.toString()) + ")";
    }

    @Override
    public void close() {
        client = null;
    }
}
