package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Polls a camera's HTTP snapshot URL (one JPEG per GET) at the given rate. User info in the URL
 * ({@code http://user:pass@camera/snapshot.jpg}) is sent as HTTP Basic authentication, since Java's HTTP client
 * ignores it.
 */
public final class HttpSnapshotSource implements FrameSource {

    private final String camera;
    private final URI uri;
    private final Pacer pacer;
    private final Duration timeout;
    private final String authorization;
    private HttpClient client;
    private long sequence;

    public HttpSnapshotSource(String camera, String url, double fps, int timeoutMs) {
        this.camera = camera;
        URI given = URI.create(url);
        String userInfo = given.getRawUserInfo();
        if (userInfo == null) {
            this.uri = given;
            this.authorization = null;
        } else {
            this.uri = URI.create(url.replaceFirst("://[^@/]*@", "://"));
            String decoded = URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
            this.authorization =
                    "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
        }
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
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(uri).timeout(timeout).GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<byte[]> r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new FrameSourceException("camera " + camera + ": snapshot "
                        + FfmpegFrameSource.redact(uri.toString()) + " answered HTTP " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new FrameSourceException(
                    "camera " + camera + ": snapshot " + FfmpegFrameSource.redact(uri.toString()) + " failed: " + e, e);
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
