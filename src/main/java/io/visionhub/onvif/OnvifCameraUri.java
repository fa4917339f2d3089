package io.visionhub.onvif;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.vision.source.FfmpegFrameSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A camera source {@code onvif://user:secret@host[:port]/<profile>[/snapshot][?path=/dev/path&https=true]}: the
 * camera's device service at {@code http://host[:port]/onvif/device_service} (or at {@code path}, over HTTPS with
 * {@code https=true}, for cameras whose discovery XAddrs say so), the media profile by token or name (empty: the
 * first profile), and whether frames come from the profile's RTSP stream (default) or its snapshot URI. User and
 * password are percent-decoded; {@link #toString()} masks the password.
 */
public record OnvifCameraUri(
        String host,
        int port,
        String username,
        String password,
        String profile,
        boolean snapshot,
        String servicePath,
        boolean https) {

    public static final String SCHEME = "onvif://";
    public static final String DEVICE_SERVICE_PATH = "/onvif/device_service";

    public static OnvifCameraUri parse(String source) {
        if (source == null || !source.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new OnvifException(
                    Kind.BAD_INPUT,
                    "not an onvif source: " + FfmpegFrameSource.redact(source)
                            + " (expected onvif://user:password@host[:port]/<profile>)");
        }
        URI u;
        try {
            u = new URI(source);
        } catch (URISyntaxException e) {
            throw new OnvifException(
                    Kind.BAD_INPUT,
                    "bad onvif source " + FfmpegFrameSource.redact(source) + ": " + e.getReason()
                            + " (expected onvif://user:password@host[:port]/<profile>; percent-encode reserved characters in "
                            + "the password, or use the endpoint's username and password options)");
        }
        if (u.getHost() == null) {
            throw new OnvifException(
                    Kind.BAD_INPUT,
                    "onvif source " + FfmpegFrameSource.redact(source)
                            + " has no host (expected onvif://user:password@host[:port]/<profile>)");
        }
        String user = null;
        String pass = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            pass = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        path = path.startsWith("/") ? path.substring(1) : path;
        boolean snap = false;
        if (path.endsWith("/snapshot") || path.equals("snapshot")) {
            snap = true;
            path = path.substring(0, path.length() - "snapshot".length());
            path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }
        if (path.contains("/")) {
            throw new OnvifException(
                    Kind.BAD_INPUT,
                    "onvif source " + FfmpegFrameSource.redact(source) + ": '" + path
                            + "' is not a profile (expected onvif://host/<profile> or onvif://host/<profile>/snapshot)");
        }
        String servicePath = DEVICE_SERVICE_PATH;
        boolean https = false;
        if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
            for (String kv : u.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                String key = eq < 0 ? kv : kv.substring(0, eq);
                String value = eq < 0 ? "" : kv.substring(eq + 1);
                switch (key) {
                    case "path" -> {
                        if (!isServicePath(value)) {
                            throw new OnvifException(
                                    Kind.BAD_INPUT,
                                    "onvif source " + FfmpegFrameSource.redact(source) + ": path '" + value
                                            + "' is not the path of a device service (expected /..., as in the "
                                            + "camera's XAddr)");
                        }
                        servicePath = value;
                    }
                    case "https" -> {
                        if (!value.equals("true") && !value.equals("false")) {
                            throw new OnvifException(
                                    Kind.BAD_INPUT,
                                    "onvif source " + FfmpegFrameSource.redact(source) + ": https must be true or "
                                            + "false, not '" + value + "'");
                        }
                        https = value.equals("true");
                    }
                    default ->
                        throw new OnvifException(
                                Kind.BAD_INPUT,
                                "onvif source " + FfmpegFrameSource.redact(source) + ": unknown option '" + key
                                        + "' (options: path, https)");
                }
            }
        }
        return new OnvifCameraUri(u.getHost(), u.getPort(), user, pass, decode(path), snap, servicePath, https);
    }

    /** The device service URL of the camera. */
    public URI deviceService() {
        return URI.create((https ? "https://" : "http://") + hostPort() + servicePath);
    }

    /**
     * The onvif:// source (no credentials) that reads this profile of the camera whose device service is at this
     * URL (a discovery XAddr): path and https only when they differ from the usual.
     */
    public static String sourceFor(URI deviceService, String profile) {
        String host = deviceService.getHost();
        String hostPort = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                + (deviceService.getPort() > 0 ? ":" + deviceService.getPort() : "");
        boolean https = "https".equalsIgnoreCase(deviceService.getScheme());
        String path =
                deviceService.getRawPath() == null || deviceService.getRawPath().isEmpty()
                        ? "/"
                        : deviceService.getRawPath();
        List<String> query = new ArrayList<>();
        if (!path.equals(DEVICE_SERVICE_PATH)) {
            query.add("path=" + path);
        }
        if (https) {
            query.add("https=true");
        }
        return SCHEME + hostPort + "/" + profile + (query.isEmpty() ? "" : "?" + String.join("&", query));
    }

    public String hostPort() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return h + (port > 0 ? ":" + port : "");
    }

    /** The address with the password masked, for logs, events and health. */
    @Override
    public String toString() {
        List<String> query = new ArrayList<>();
        if (!DEVICE_SERVICE_PATH.equals(servicePath)) {
            query.add("path=" + servicePath);
        }
        if (https) {
            query.add("https=true");
        }
        return SCHEME + (username == null ? "" : username + (password == null ? "" : ":***") + "@") + hostPort() + "/"
                + profile + (snapshot ? "/snapshot" : "") + (query.isEmpty() ? "" : "?" + String.join("&", query));
    }

    /** A device service path: an absolute, raw (percent-encoded) URL path without query or fragment. */
    public static boolean isServicePath(String raw) {
        if (raw == null || !raw.startsWith("/")) {
            return false;
        }
        try {
            return URI.create("http://h" + raw).getRawPath().equals(raw);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
