package io.visionhub.onvif;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.onvif.SoapXml.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger LOG = LoggerFactory.getLogger(OnvifClient.class);

    private final URI deviceService;
    private final String username;
    private final String password;
    private final Duration timeout;
    private final HttpClient http;
    private volatile Duration clockOffset = Duration.ZERO;
    private volatile HttpDigest digest;
    private volatile boolean basic;
    private volatile URI mediaService;
    private volatile URI media2Service;
    private volatile URI eventsService;
    private volatile boolean servicesRead;
    private volatile boolean media2Refused;
    private volatile String media2Error;

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

    /**
     * A client of the first of these device service addresses (a camera's discovery XAddrs, often one per network
     * interface or one HTTP and one HTTPS) that answers GetSystemDateAndTime with SOAP, its clock read. An address
     * that does not answer, or answers something that is not SOAP (a web page, 404), is passed over; a camera that
     * answers with a SOAP fault (or refuses the login for it) is the device service. When none answers, the error
     * names each address and what it did.
     */
    public static OnvifClient firstAnswering(
            List<URI> deviceServices, String username, String password, Duration timeout) {
        if (deviceServices == null || deviceServices.isEmpty()) {
            throw new OnvifException(Kind.BAD_INPUT, "no device service address (XAddr) to ask");
        }
        List<String> tried = new ArrayList<>();
        OnvifException last = null;
        for (URI x : deviceServices) {
            OnvifClient c = new OnvifClient(x, username, password, timeout);
            try {
                c.syncClock();
                return c;
            } catch (NotSoapException e) {
                tried.add(x + ": " + e.getMessage());
                last = e;
            } catch (OnvifException e) {
                if (e.kind() != Kind.UNREACHABLE) {
                    return c; // a SOAP fault or refused login: this is the device service, it just said no
                }
                tried.add(x + ": " + e.getMessage());
                last = e;
            }
        }
        if (tried.size() == 1) {
            throw last;
        }
        throw new OnvifException(
                last.kind(),
                "none of the camera's " + tried.size() + " device service addresses answered: "
                        + String.join("; ", tried),
                last);
    }

    /** The answer is not a SOAP envelope: not the device service (a web page, a 404, another server). */
    private static final class NotSoapException extends OnvifException {
        NotSoapException(Kind kind, String message) {
            super(kind, message);
        }
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

    /**
     * The media service the client reads profiles and stream URIs from: Media2 (ver20, Profile T) when the camera
     * offers it and it answers, else Media (ver10, Profile S). Found by GetServices, or GetCapabilities for cameras
     * that fault on GetServices (older Profile S firmware); cached.
     */
    public URI mediaService() {
        return usesMedia2() ? media2Service : media1Service();
    }

    /** "Media2" (ver20) or "Media" (ver10): the media service profiles and stream URIs come from. */
    public String mediaVersion() {
        return usesMedia2() ? "Media2" : "Media";
    }

    private boolean usesMedia2() {
        if (!servicesRead) {
            readServices();
        }
        if (media2Service == null && mediaService == null) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " announces no media service (no service of " + SoapXml.TR2 + " or "
                            + SoapXml.TRT + " in GetServices, no Capabilities/Media/XAddr): not an ONVIF Profile S/T "
                            + "video camera?");
        }
        return media2Service != null && !media2Refused;
    }

    private URI media1Service() {
        if (mediaService == null) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " offers only Media2 (" + SoapXml.TR2 + "), which refused: " + media2Error);
        }
        return mediaService;
    }

    /** The event service address, or empty when the camera has none. */
    public Optional<URI> eventsService() {
        if (!servicesRead) {
            readServices();
        }
        return Optional.ofNullable(eventsService);
    }

    private void readServices() {
        try {
            Element r = call(
                    deviceService,
                    SoapXml.TDS,
                    "GetServices",
                    "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>",
                    true);
            for (Element s : SoapXml.children(r, "Service")) {
                String ns = SoapXml.text(s, "Namespace");
                if (SoapXml.TRT.equals(ns)) {
                    mediaService = xaddr(SoapXml.text(s, "XAddr"), "GetServices (Media)");
                } else if (SoapXml.TR2.equals(ns)) {
                    media2Service = xaddr(SoapXml.text(s, "XAddr"), "GetServices (Media2)");
                } else if (SoapXml.TEV.equals(ns)) {
                    eventsService = xaddr(SoapXml.text(s, "XAddr"), "GetServices (Events)");
                }
            }
        } catch (OnvifException e) {
            if (e.kind() != Kind.FAULT) {
                throw e; // a refused login, a dead camera or a bad XAddr is not helped by asking GetCapabilities
            }
        }
        if (mediaService == null && media2Service == null) {
            // cameras older than ONVIF 2.0 have no GetServices; GetCapabilities knows no Media2
            Element r = call(
                    deviceService,
                    SoapXml.TDS,
                    "GetCapabilities",
                    "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>",
                    true);
            Element caps = SoapXml.find(r, "Capabilities");
            mediaService = xaddr(SoapXml.text(SoapXml.child(caps, "Media"), "XAddr"), "GetCapabilities");
            if (eventsService == null) {
                eventsService = xaddr(SoapXml.text(SoapXml.child(caps, "Events"), "XAddr"), "GetCapabilities");
            }
        }
        servicesRead = true;
    }

    private URI xaddr(String s, String operation) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return serviceAddress(s);
        } catch (IllegalArgumentException e) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " answered " + operation + " with a bad XAddr '" + s + "': "
                            + e.getMessage());
        }
    }

    /**
     * An ONVIF service address (an XAddr): an absolute http or https URL with a host; IllegalArgumentException
     * naming what is wrong otherwise.
     */
    public static URI serviceAddress(String s) {
        URI u;
        try {
            u = new URI(s.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
        }
        if (u.getScheme() == null
                || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("not an http or https URL");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("no host");
        }
        return u;
    }

    /**
     * Runs a media call on Media2 when the camera offers it, else on Media (ver10). A camera that offers both and
     * faults on the Media2 call (firmware that lists Media2 but does not implement it) is asked on Media from then
     * on; a refused login or a dead camera is not retried.
     */
    private <T> T media(Function<URI, T> media2, Function<URI, T> media1) {
        if (usesMedia2()) {
            try {
                return media2.apply(media2Service);
            } catch (OnvifException e) {
                if (e.kind() != Kind.FAULT || mediaService == null) {
                    throw e;
                }
                LOG.info("camera {}: Media2 refused ({}); using Media (ver10) instead", label(), e.getMessage());
                media2Error = e.getMessage();
                media2Refused = true;
            }
        }
        return media1.apply(media1Service());
    }

    public List<OnvifProfile> profiles() {
        return media(this::profiles2, this::profiles1);
    }

    private List<OnvifProfile> profiles1(URI service) {
        Element r = call(service, SoapXml.TRT, "GetProfiles", "<trt:GetProfiles/>", true);
        List<OnvifProfile> out = new ArrayList<>();
        for (Element p : SoapXml.children(r, "Profiles")) {
            Element enc = SoapXml.child(p, "VideoEncoderConfiguration");
            out.add(profile(p, enc, "GetProfiles"));
        }
        return out;
    }

    /** Media2 GetProfiles: the video source and encoder configurations only (no audio, PTZ, analytics). */
    private List<OnvifProfile> profiles2(URI service) {
        Element r = call(
                service,
                SoapXml.TR2,
                "GetProfiles",
                "<tr2:GetProfiles><tr2:Type>VideoSource</tr2:Type><tr2:Type>VideoEncoder</tr2:Type></tr2:GetProfiles>",
                true);
        List<OnvifProfile> out = new ArrayList<>();
        for (Element p : SoapXml.children(r, "Profiles")) {
            Element enc = SoapXml.child(SoapXml.child(p, "Configurations"), "VideoEncoder");
            out.add(profile(p, enc, "GetProfiles (Media2)"));
        }
        return out;
    }

    private OnvifProfile profile(Element p, Element encoder, String operation) {
        String token = p.getAttribute("token");
        if (token.isEmpty()) {
            throw new OnvifException(
                    Kind.MALFORMED, "camera " + label() + " answered " + operation + " with a profile without a token");
        }
        Element res = SoapXml.child(encoder, "Resolution");
        return new OnvifProfile(
                token,
                SoapXml.text(p, "Name"),
                SoapXml.text(encoder, "Encoding"),
                intOr0(SoapXml.text(res, "Width")),
                intOr0(SoapXml.text(res, "Height")));
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

    /**
     * The RTSP URI of a profile: Media2 GetStreamUri with Protocol RTSP (RTP interleaved on the RTSP connection),
     * or Media GetStreamUri with RTP-Unicast over RTSP.
     */
    public URI streamUri(String profileToken) {
        return mediaUri(
                "GetStreamUri",
                profileToken,
                "<tr2:Protocol>RTSP</tr2:Protocol>",
                "<trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol>"
                        + "</tt:Transport></trt:StreamSetup>");
    }

    /** The HTTP snapshot (JPEG) URI of a profile. */
    public URI snapshotUri(String profileToken) {
        return mediaUri("GetSnapshotUri", profileToken, "", "");
    }

    /**
     * A URI operation of a profile over Media2 ({@code tr2:}, answer in Uri) or Media ({@code trt:}, answer in
     * MediaUri/Uri): the request holds the service's own settings, then the profile token.
     */
    private URI mediaUri(String operation, String profileToken, String media2Settings, String media1Settings) {
        String token = SoapXml.escape(profileToken);
        return media(
                m2 -> mediaUri(
                        call(
                                m2,
                                SoapXml.TR2,
                                operation,
                                "<tr2:" + operation + ">" + media2Settings + "<tr2:ProfileToken>" + token
                                        + "</tr2:ProfileToken></tr2:" + operation + ">",
                                true),
                        operation + " (Media2)",
                        profileToken,
                        "Uri"),
                m1 -> mediaUri(
                        call(
                                m1,
                                SoapXml.TRT,
                                operation,
                                "<trt:" + operation + ">" + media1Settings + "<trt:ProfileToken>" + token
                                        + "</trt:ProfileToken></trt:" + operation + ">",
                                true),
                        operation,
                        profileToken,
                        "MediaUri",
                        "Uri"));
    }

    private URI mediaUri(Element response, String operation, String token, String... path) {
        String uri = SoapXml.text(response, path);
        if (uri == null || uri.isEmpty()) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " answered " + operation + " of profile " + token + " without "
                            + String.join("/", path));
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

    /**
     * GET of a camera URL (a snapshot), with the camera's credentials as HTTP digest when asked, or as HTTP Basic
     * when Basic is all the camera offers (the snapshot URIs of some cameras; never for SOAP calls).
     */
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
        return call(endpoint, namespace + "/" + operation, operation, bodyXml, authenticate, "", namespace);
    }

    /**
     * One SOAP call with an explicit action (the events service's actions are not namespace/operation) and extra
     * header elements (WS-Addressing for subscriptions).
     */
    public Element call(
            URI endpoint, String action, String operation, String bodyXml, boolean authenticate, String extraHeader) {
        return call(endpoint, action, operation, bodyXml, authenticate, extraHeader, null);
    }

    private Element call(
            URI endpoint,
            String action,
            String operation,
            String bodyXml,
            boolean authenticate,
            String extraHeader,
            String namespace) {
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
        return response(r, operation, namespace);
    }

    private HttpResponse<byte[]> send(
            HttpRequest.Builder request, String method, URI uri, String operation, byte[] body) {
        HttpDigest d = digest;
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        boolean basicSent = false;
        if (d != null && username != null) {
            request.setHeader("Authorization", d.authorization(username, password, method, path));
        } else if (basic && username != null && "GET".equals(method)) {
            request.setHeader("Authorization", basicAuthorization());
            basicSent = true;
        }
        HttpResponse<byte[]> r = exchange(request.build(), operation);
        if (r.statusCode() != 401 || username == null) {
            return r;
        }
        List<String> offered = r.headers().allValues("WWW-Authenticate");
        HttpDigest challenge = HttpDigest.select(offered);
        boolean stale = challenge != null
                && offered.stream()
                        .anyMatch(h -> h.toLowerCase(java.util.Locale.ROOT).contains("stale=true"));
        if (challenge == null) {
            List<String> unsupported = HttpDigest.unsupportedAlgorithms(offered);
            boolean basicOffered = offered.stream().anyMatch(h -> h.regionMatches(true, 0, "Basic", 0, 5));
            if ("GET".equals(method) && basicOffered && !basicSent && d == null) {
                // a snapshot URI behind HTTP Basic: answered once, then sent with every poll
                basic = true;
                request.setHeader("Authorization", basicAuthorization());
                return exchange(request.build(), operation);
            }
            if (!unsupported.isEmpty()) {
                throw new OnvifException(
                        Kind.AUTH,
                        "camera " + label() + " asks for HTTP digest authentication with algorithm "
                                + String.join(", ", unsupported) + " for " + operation
                                + ", which the hub does not answer (it answers MD5, SHA-256 and their -sess"
                                + " variants): allow MD5 or SHA-256 digest in the camera's security settings");
            }
            // no digest offered: the 401 is the answer
            return r;
        }
        if (d != null && !stale) {
            // our digest was refused for a reason other than an old nonce
            return r;
        }
        digest = challenge;
        request.setHeader("Authorization", challenge.authorization(username, password, method, path));
        return exchange(request.build(), operation);
    }

    private String basicAuthorization() {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
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
                            + (tlsFailure(e)
                                            || "https"
                                                    .equalsIgnoreCase(
                                                            request.uri().getScheme())
                                    ? " (HTTPS: check that the camera serves HTTPS on this port and that its"
                                            + " certificate is trusted by the hub's Java trust store,"
                                            + " javax.net.ssl.trustStore; and the address and port)"
                                    : " (check the address and port, that the camera is on and ONVIF is enabled)"),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OnvifException(Kind.UNREACHABLE, "camera " + label() + ": interrupted during " + operation, e);
        }
    }

    private Element response(HttpResponse<byte[]> r, String operation, String namespace) {
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
            throw new NotSoapException(
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
        if (namespace != null && !namespace.equals(response.getNamespaceURI())) {
            throw new OnvifException(
                    Kind.MALFORMED,
                    "camera " + label() + " answered " + operation + " with a " + operation + "Response of namespace "
                            + (response.getNamespaceURI() == null ? "none" : response.getNamespaceURI())
                            + " instead of " + namespace + wrongNamespaceHint(namespace, response.getNamespaceURI()));
        }
        return response;
    }

    private static String wrongNamespaceHint(String expected, String got) {
        if (SoapXml.TR2.equals(expected) && SoapXml.TRT.equals(got)) {
            return " (a Media ver10 answer to a Media2 call: the camera's GetServices gives Media2 the address of its"
                    + " Media service)";
        }
        if (SoapXml.TRT.equals(expected) && SoapXml.TR2.equals(got)) {
            return " (a Media2 answer to a Media ver10 call)";
        }
        return "";
    }

    private OnvifException authError(String operation, String what) {
        return new OnvifException(
                Kind.AUTH,
                "camera " + label() + " refused the credentials"
                        + (username == null ? "" : " of user '" + username + "'") + " for " + operation + ": " + what
                        + " (authentication failed: check the username and password, and that the hub's clock or "
                        + "the camera's is right for WS-UsernameToken)");
    }

    private static boolean tlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
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
