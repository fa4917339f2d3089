package io.visionhub.onvif;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.onvif.SoapXml.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A client of one ONVIF camera (Profile S/T): the device service (GetSystemDateAndTime, GetDeviceInformation,
 * GetCapabilities or GetServices) and the media service (GetProfiles, GetStreamUri, GetSnapshotUri), SOAP 1.2 over
 * {@link HttpClient}. Every authenticated call carries a WS-Security UsernameToken (PasswordDigest, Created on the
 * camera's clock as GetSystemDateAndTime tells it); a camera that answers 401 with a Digest challenge gets HTTP
 * digest authentication from then on. Errors are {@link OnvifException}s naming the camera (host and port, never
 * the password), the operation and what to check.
 */
public final class OnvifClient {

    private final URI deviceService;
    private final String username;
    private final String password;
    private final Duration timeout;
    private final HttpClient http;
    private volatile Duration clockOffset = Duration.ZERO;
    private volatile HttpDigest digest;
    private volatile URI mediaService;
    private volatile URI eventsService;

    public OnvifClient(URI deviceService, String username, String password, Duration timeout) {
        this.deviceService = deviceService;
        this.username = username == null || username.isEmpty() ? null : username;
        this.password = password == null ? "" : password;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The camera's clock minus the hub's, from the last GetSystemDateAndTime. */
    public Duration clockOffset() {
        return clockOffset;
    }

    /** host:port of the camera, for messages (no credentials). */
    public String label() {
        return deviceService.getHost() + (deviceService.getPort() > 0 ? ":" + deviceService.getPort() : "");
    }

    public URI deviceService() {
        return deviceService;
    }

    public String username() {
        return username;
    }

    /** Reads the camera's UTC clock (no login needed) and keeps its offset for the tokens' Created time. */
    public Duration syncClock() {
        Element r = call(deviceService, SoapXml.TDS, "GetSystemDateAndTime", "<tds:GetSystemDateAndTime/>", false);
        Element utc = SoapXml.find(r, "UTCDateTime");
        if (utc == null) {
            return clockOffset; // some cameras only give local time: keep our own clock
        }
        try {
            Element d = SoapXml.child(utc, "Date");
            Element t = SoapXml.child(utc, "Time");
            Instant camera = LocalDate.of(
                            Integer.parseInt(SoapXml.text(d, "Year")),
                            Integer.parseInt(SoapXml.text(d, "Month")),
                            Integer.parseInt(SoapXml.text(d, "Day")))
                    .atTime(LocalTime.of(
                            Integer.parseInt(SoapXml.text(t, "Hour")),
                            Integer.parseInt(SoapXml.text(t, "Minute")),
                            Integer.parseInt(SoapXml.text(t, "Second"))))
                    .toInstant(ZoneOffset.UTC);
            clockOffset = Duration.between(Instant.now(), camera);
            return clockOffset;
        } catch (RuntimeException e) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " answered GetSystemDateAndTime with a malformed UTCDateTime: "
                            + e.getMessage());
        }
    }

    public DeviceInformation deviceInformation() {
        Element r = call(deviceService, SoapXml.TDS, "GetDeviceInformation", "<tds:GetDeviceInformation/>", true);
        return new DeviceInformation(
                SoapXml.text(r, "Manufacturer"),
                SoapXml.text(r, "Model"),
                SoapXml.text(r, "FirmwareVersion"),
                SoapXml.text(r, "SerialNumber"),
                SoapXml.text(r, "HardwareId"));
    }

    /** The media service address (GetCapabilities, or GetServices for cameras without it), cached. */
    public URI mediaService() {
        if (mediaService == null) {
            readServices();
        }
        if (mediaService == null) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " announces no media service (Capabilities/Media/XAddr or a service of "
                            + SoapXml.TRT + "): not an ONVIF Profile S/T video camera?");
        }
        return mediaService;
    }

    /** The event service address, or empty when the camera has none. */
    public Optional<URI> eventsService() {
        if (mediaService == null && eventsService == null) {
            readServices();
        }
        return Optional.ofNullable(eventsService);
    }

    private void readServices() {
        try {
            Element r = call(
                    deviceService,
                    SoapXml.TDS,
                    "GetCapabilities",
                    "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>",
                    true);
            Element caps = SoapXml.find(r, "Capabilities");
            mediaService = xaddr(SoapXml.text(SoapXml.child(caps, "Media"), "XAddr"), "GetCapabilities");
            eventsService = xaddr(SoapXml.text(SoapXml.child(caps, "Events"), "XAddr"), "GetCapabilities");
            if (mediaService != null) {
                return;
            }
        } catch (OnvifException e) {
            if (e.kind() != Kind.FAULT) {
                throw e; // a refused login or a dead camera is not helped by asking GetServices
            }
        }
        Element r = call(
                deviceService,
                SoapXml.TDS,
                "GetServices",
                "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>",
                true);
        for (Element s : SoapXml.children(r, "Service")) {
            String ns = SoapXml.text(s, "Namespace");
            URI x = xaddr(SoapXml.text(s, "XAddr"), "GetServices");
            if (SoapXml.TRT.equals(ns)) {
                mediaService = x;
            } else if (SoapXml.TEV.equals(ns)) {
                eventsService = x;
            }
        }
    }

    private URI xaddr(String s, String operation) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            URI u = URI.create(s.trim());
            if (u.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new OnvifException(
                    Kind.MALFORMED, "camera " + label() + " answered " + operation + " with a bad XAddr '" + s + "'");
        }
    }

    public List<OnvifProfile> profiles() {
        Element r = call(mediaService(), SoapXml.TRT, "GetProfiles", "<trt:GetProfiles/>", true);
        List<OnvifProfile> out = new ArrayList<>();
        for (Element p : SoapXml.children(r, "Profiles")) {
            String token = p.getAttribute("token");
            if (token.isEmpty()) {
                throw new OnvifException(
                        Kind.MALFORMED, "camera " + label() + " answered GetProfiles with a profile without a token");
            }
            Element enc = SoapXml.child(p, "VideoEncoderConfiguration");
            Element res = SoapXml.child(enc, "Resolution");
            out.add(new OnvifProfile(
                    token,
                    SoapXml.text(p, "Name"),
                    SoapXml.text(enc, "Encoding"),
                    intOr0(SoapXml.text(res, "Width")),
                    intOr0(SoapXml.text(res, "Height"))));
        }
        return out;
    }

    /**
     * The profile with this token (or, failing that, this name); the first profile when wanted is empty. A profile
     * that is not there is an error that names it and the ones that are.
     */
    public OnvifProfile profile(String wanted) {
        List<OnvifProfile> all = profiles();
        if (all.isEmpty()) {
            throw new OnvifException(Kind.NO_SUCH_PROFILE, "camera " + label() + " has no media profiles");
        }
        if (wanted == null || wanted.isEmpty()) {
            return all.get(0);
        }
        return all.stream()
                .filter(p -> p.token().equals(wanted))
                .findFirst()
                .or(() -> all.stream().filter(p -> wanted.equals(p.name())).findFirst())
                .orElseThrow(() -> new OnvifException(
                        Kind.NO_SUCH_PROFILE,
                        "camera " + label() + " has no media profile '" + wanted + "'; its profiles are "
                                + String.join(
                                        ", ",
                                        all.stream().map(OnvifProfile::summary).toList())
                                + " (use a token or name of these in onvif://host/<profile>)"));
    }

    /** The RTSP URI of a profile (RTP unicast over RTSP). */
    public URI streamUri(String profileToken) {
        Element r = call(
                mediaService(),
                SoapXml.TRT,
                "GetStreamUri",
                "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport>"
                        + "<tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>"
                        + SoapXml.escape(profileToken) + "</trt:ProfileToken></trt:GetStreamUri>",
                true);
        return mediaUri(r, "GetStreamUri", profileToken);
    }

    /** The HTTP snapshot (JPEG) URI of a profile. */
    public URI snapshotUri(String profileToken) {
        Element r = call(
                mediaService(),
                SoapXml.TRT,
                "GetSnapshotUri",
                "<trt:GetSnapshotUri><trt:ProfileToken>" + SoapXml.escape(profileToken)
                        + "</trt:ProfileToken></trt:GetSnapshotUri>",
                true);
        return mediaUri(r, "GetSnapshotUri", profileToken);
    }

    private URI mediaUri(Element response, String operation, String token) {
        String uri = SoapXml.text(response, "MediaUri", "Uri");
        if (uri == null || uri.isEmpty()) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " answered " + operation + " of profile " + token + " without MediaUri/Uri");
        }
        try {
            URI u = URI.create(uri);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " answered " + operation + " of profile " + token + " with a bad URI: "
                            + e.getMessage());
        }
    }

    /** GET of a camera URL (a snapshot), with the camera's credentials as HTTP digest (or Basic) when asked. */
    public byte[] get(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        HttpResponse<byte[]> r = send(b, "GET", uri, "snapshot", null);
        if (r.statusCode() != 200) {
            throw new OnvifException(
                    r.statusCode() == 401 || r.statusCode() == 403 ? Kind.AUTH : Kind.FAULT,
                    "camera " + label() + ": snapshot " + uri.getPath() + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }

    /**
     * One SOAP call: the operation's response element (the Body's child), or an OnvifException for a fault, a
     * refused login, a non-SOAP answer or no answer.
     */
    public Element call(URI endpoint, String namespace, String operation, String bodyXml, boolean authenticate) {
        return call(endpoint, namespace + "/" + operation, operation, bodyXml, authenticate, "");
    }

    /**
     * One SOAP call with an explicit action (the events service's actions are not namespace/operation) and extra
     * header elements (WS-Addressing for subscriptions).
     */
    public Element call(
            URI endpoint, String action, String operation, String bodyXml, boolean authenticate, String extraHeader) {
        String header = (authenticate && username != null
                        ? UsernameToken.create(username, password, Instant.now().plus(clockOffset))
                                .toXml()
                        : "")
                + extraHeader;
        byte[] envelope = SoapXml.envelope(header, bodyXml).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/soap+xml; charset=utf-8; action=\"" + action + "\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope));
        HttpResponse<byte[]> r = send(b, "POST", endpoint, operation, envelope);
        return response(r, operation);
    }

    private HttpResponse<byte[]> send(
            HttpRequest.Builder request, String method, URI uri, String operation, byte[] body) {
        HttpDigest d = digest;
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        if (d != null && username != null) {
            request.setHeader("Authorization", d.authorization(username, password, method, path));
        }
        HttpResponse<byte[]> r = exchange(request.build(), operation);
        if (r.statusCode() != 401 || username == null) {
            return r;
        }
        HttpDigest challenge = HttpDigest.parse(r.headers().allValues("WWW-Authenticate").stream()
                .filter(h -> h.regionMatches(true, 0, "Digest", 0, 6))
                .findFirst()
                .orElse(null));
        boolean stale = challenge != null
                && r.headers().allValues("WWW-Authenticate").stream()
                        .anyMatch(h -> h.toLowerCase().contains("stale=true"));
        if (challenge == null || (d != null && !stale)) {
            // no digest offered, or our digest was refused for a reason other than an old nonce
            return r;
        }
        digest = challenge;
        request.setHeader("Authorization", challenge.authorization(username, password, method, path));
        return exchange(request.build(), operation);
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, String operation) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new OnvifException(
                    Kind.UNREACHABLE,
                    "camera " + label() + " did not answer " + operation + " at "
                            + request.uri().getPath() + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage())
                            + " (check the address and port, that the camera is on and ONVIF is enabled)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OnvifException(Kind.UNREACHABLE, "camera " + label() + ": interrupted during " + operation, e);
        }
    }

    private Element response(HttpResponse<byte[]> r, String operation) {
        byte[] body = r.body();
        Document doc;
        try {
            doc = body == null || body.length == 0 ? null : SoapXml.parse(body);
        } catch (IllegalArgumentException e) {
            doc = null;
        }
        Element soapBody = doc == null ? null : SoapXml.body(doc);
        if (soapBody == null) {
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw authError(
                        operation,
                        "HTTP " + r.statusCode()
                                + (username == null ? " (no username given)" : " after HTTP digest authentication"));
            }
            throw new OnvifException(
                    r.statusCode() >= 200 && r.statusCode() < 300 ? Kind.MALFORMED : Kind.FAULT,
                    "camera " + label() + " answered " + operation + " (HTTP " + r.statusCode()
                            + ") with something that is not a SOAP envelope: " + preview(body)
                            + " (is this the camera's ONVIF device service?)");
        }
        Fault fault = Fault.of(soapBody);
        if (fault != null) {
            if (fault.isAuthentication()) {
                throw authError(operation, "SOAP fault " + fault);
            }
            throw new OnvifException(
                    Kind.FAULT, "camera " + label() + " answered " + operation + " with SOAP fault " + fault);
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw authError(operation, "HTTP " + r.statusCode());
        }
        Element response = firstElement(soapBody);
        if (response == null || !(operation + "Response").equals(response.getLocalName())) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " answered " + operation + " with "
                            + (response == null ? "an empty SOAP body" : "<" + response.getLocalName() + ">")
                            + " instead of " + operation + "Response");
        }
        return response;
    }

    private OnvifException authError(String operation, String what) {
        return new OnvifException(
                Kind.AUTH,
                "camera " + label() + " refused the credentials"
                        + (username == null ? "" : " of user '" + username + "'") + " for " + operation + ": " + what
                        + " (authentication failed: check the username and password, and that the hub's clock or "
                        + "the camera's is right for WS-UsernameToken)");
    }

    private static Element firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    private static String preview(byte[] body) {
        if (body == null || body.length == 0) {
            return "an empty body";
        }
        String s = new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ")
                .trim();
        return "'" + s + (body.length > 80 ? "…" : "") + "'";
    }

    private static int intOr0(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
