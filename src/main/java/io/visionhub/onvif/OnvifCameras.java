package io.visionhub.onvif;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.vision.source.FfmpegFrameSource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the REST API and the CLI show of ONVIF cameras: the devices a WS-Discovery probe finds and, per camera, its
 * device information and media profiles with their stream and snapshot URIs. A camera that refuses the login or
 * answers nonsense gets its error in its entry, so one bad camera does not hide the others. No password appears in
 * anything returned.
 */
public final class OnvifCameras {

    /** host or host:port (a name, IPv4, or [IPv6]) of a camera's device service. */
    private static final Pattern ADDRESS =
            Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,252}))(:\\d{1,5})?$");

    /** A camera found by discovery, with its profiles when credentials were at hand. */
    public record Camera(
            String address,
            String endpointReference,
            String name,
            String hardware,
            String location,
            List<String> xaddrs,
            List<String> scopes,
            CameraProfiles details) {}

    /**
     * A camera's device information and profiles, the device service that answered and the media service they came
     * from ("Media2" or "Media"), or the error that kept them from us.
     */
    public record CameraProfiles(
            String address,
            String deviceService,
            String mediaService,
            DeviceInformation device,
            List<Profile> profiles,
            String error,
            String errorKind) {}

    /** A media profile with the URIs to read it (credentials not included). */
    public record Profile(
            String token,
            String name,
            String encoding,
            int width,
            int height,
            String streamUri,
            String snapshotUri,
            String source) {}

    /** A discovery's answer. */
    public record Discovery(
            String networkInterface, int port, long timeoutMs, int unreadableAnswers, List<Camera> cameras) {}

    private final Function<String, String[]> credentials;
    private final Duration requestTimeout;

    /** @param credentials user and password for a camera address (either may be null) */
    public OnvifCameras(Function<String, String[]> credentials, Duration requestTimeout) {
        this.credentials = credentials;
        this.requestTimeout = requestTimeout;
    }

    /** Probes, then lists each camera's profiles (one after the other) when it has credentials. */
    public Discovery discover(String networkInterface, int port, Duration timeout, boolean withProfiles) {
        InetSocketAddress target = WsDiscovery.multicastTarget(port);
        WsDiscovery.Result r = WsDiscovery.probe(networkInterface, target, timeout);
        List<Camera> cameras = new ArrayList<>();
        for (DiscoveredDevice d : r.devices()) {
            CameraProfiles details = null;
            if (withProfiles && credentials.apply(d.address())[0] != null) {
                details = profiles(d);
            }
            cameras.add(new Camera(
                    d.address(),
                    d.endpointReference(),
                    d.name(),
                    d.hardware(),
                    d.scope("location"),
                    d.xaddrs().stream().map(URI::toString).toList(),
                    d.scopes(),
                    details));
        }
        return new Discovery(
                networkInterface == null || networkInterface.isBlank() ? "default" : networkInterface,
                target.getPort(),
                timeout.toMillis(),
                r.unreadable(),
                cameras);
    }

    /**
     * Device information and profiles of the camera at host[:port] (device service /onvif/device_service); a
     * camera error is returned in the entry, a malformed address is an OnvifException(BAD_INPUT).
     */
    public CameraProfiles profiles(String address) {
        return profiles(address, null, false);
    }

    /**
     * The same for a camera whose device service is at another path (null: /onvif/device_service) or over HTTPS, as
     * its XAddr says.
     */
    public CameraProfiles profiles(String address, String path, boolean https) {
        if (address == null || !ADDRESS.matcher(address).matches()) {
            throw new OnvifException(
                    Kind.BAD_INPUT, "'" + address + "' is not a camera address: expected host or host:port");
        }
        String p = path == null || path.isEmpty() ? OnvifCameraUri.DEVICE_SERVICE_PATH : path;
        if (!OnvifCameraUri.isServicePath(p)) {
            throw new OnvifException(
                    Kind.BAD_INPUT,
                    "path '" + path
                            + "' is not the path of a device service (expected /..., as in the camera's XAddr)");
        }
        return profiles(address, List.of(URI.create((https ? "https://" : "http://") + address + p)));
    }

    /** Device information and profiles of a discovered camera, asked at its XAddrs (the first that answers). */
    public CameraProfiles profiles(DiscoveredDevice d) {
        if (d.xaddrs().isEmpty()) {
            return new CameraProfiles(
                    d.address(),
                    null,
                    null,
                    null,
                    List.of(),
                    "camera " + d.endpointReference() + " (" + d.from() + ") announced no usable device service "
                            + "address"
                            + (d.rejectedXaddrs().isEmpty()
                                    ? " (no XAddrs in its ProbeMatch)"
                                    : ": " + String.join(", ", d.rejectedXaddrs()))
                            + "; ask it by address if you know its device service",
                    Kind.MALFORMED.name());
        }
        return profiles(d.address(), d.xaddrs());
    }

    private CameraProfiles profiles(String address, List<URI> deviceServices) {
        String[] c = credentials.apply(address);
        try {
            OnvifClient client = OnvifClient.firstAnswering(deviceServices, c[0], c[1], requestTimeout);
            DeviceInformation info = client.deviceInformation();
            List<Profile> out = new ArrayList<>();
            for (OnvifProfile p : client.profiles()) {
                out.add(new Profile(
                        p.token(),
                        p.name(),
                        p.encoding(),
                        p.width(),
                        p.height(),
                        uri(() -> client.streamUri(p.token())),
                        uri(() -> client.snapshotUri(p.token())),
                        OnvifCameraUri.sourceFor(client.deviceService(), p.token())));
            }
            return new CameraProfiles(
                    address, client.deviceService().toString(), client.mediaVersion(), info, out, null, null);
        } catch (OnvifException e) {
            return new CameraProfiles(
                    address,
                    null,
                    null,
                    null,
                    List.of(),
                    e.getMessage(),
                    e.kind().name());
        }
    }

    /** A profile URI, or null when the camera has none for it (no snapshot support, say). */
    private static String uri(java.util.function.Supplier<URI> call) {
        try {
            return FfmpegFrameSource.redact(call.get().toString());
        } catch (OnvifException e) {
            if (e.kind() == Kind.AUTH || e.kind() == Kind.UNREACHABLE) {
                throw e;
            }
            return null;
        }
    }
}
