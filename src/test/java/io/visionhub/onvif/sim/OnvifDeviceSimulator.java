package io.visionhub.onvif.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.visionhub.onvif.HttpDigest;
import io.visionhub.onvif.SoapXml;
import io.visionhub.onvif.UsernameToken;
import io.visionhub.onvif.WsDiscovery;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * An ONVIF camera simulator (Profile S/T subset) for tests, answering as the published WSDLs define:
 * <ul>
 *   <li>device service ({@code /onvif/device_service}, ver10/device/wsdl): GetSystemDateAndTime (no login),
 *       GetDeviceInformation, GetCapabilities, GetServices;</li>
 *   <li>media service ({@code /onvif/media_service}, ver10/media/wsdl): GetProfiles, GetStreamUri, GetSnapshotUri;
 *   </li>
 *   <li>events service ({@code /onvif/events_service}, ver10/events/wsdl): CreatePullPointSubscription, and on the
 *       subscription PullMessages (long poll), Renew, Unsubscribe;</li>
 *   <li>a WS-Discovery responder (ProbeMatches on the multicast group and unicast, on a port the test picks);</li>
 *   <li>the RTSP stream of each profile from FFmpeg ({@link RtspStreamSimulator}) and a JPEG snapshot per profile
 *       (HTTP digest required, as cameras do).</li>
 * </ul>
 * Every call but GetSystemDateAndTime needs a WS-UsernameToken PasswordDigest of the configured user (or, in
 * {@link #httpDigestOnly} mode, HTTP digest authentication); a wrong one gets the SOAP fault ter:NotAuthorized.
 * Tests change it at run time: the password, the profiles, a profile's stream path, raw answers per operation.
 */
public final class OnvifDeviceSimulator implements AutoCloseable {

    private static final String REALM = "onvif-sim";

    /** A media profile and the RTSP path of its stream. */
    public record Profile(String token, String name, String streamPath) {}

    /** Which media services the camera offers: Media (ver10, Profile S), Media2 (ver20, Profile T) or both. */
    public enum MediaServices {
        MEDIA,
        MEDIA2,
        BOTH
    }

    /** Path of the Media2 service. */
    public static final String MEDIA2_PATH = "/onvif/media2_service";

    private final HttpServer http;
    private final RtspStreamSimulator rtsp;
    private final String endpointReference = "urn:uuid:" + UUID.randomUUID();
    private final List<Profile> profiles = new CopyOnWriteArrayList<>();
    private final Map<String, UnaryOperator<String>> rawAnswers = new ConcurrentHashMap<>();
    private final Map<Integer, BlockingQueue<String>> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger subscriptionIds = new AtomicInteger();
    private final AtomicInteger refusedLogins = new AtomicInteger();
    private final List<String> operations = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final MediaServices media;
    private final String devicePath;
    private final String encoding;
    private volatile String xaddrs;
    private final byte[] snapshot;
    private volatile String username;
    private volatile String password;
    private volatile boolean httpDigestOnly;
    private volatile String initialDigitalInput = "false";
    private MulticastSocket discovery;
    private Thread discoveryThread;
    private volatile boolean discoveryGarbageFirst;

    public OnvifDeviceSimulator(Path workDir, String username, String password) throws IOException {
        this(workDir, username, password, MediaServices.MEDIA, "/onvif/device_service", false);
    }

    /**
     * @param media the media services offered (GetServices lists them; GetCapabilities has Media only when ver10
     *     is offered, as the ver10 schema has no Media2)
     * @param devicePath where the device service answers (cameras differ: /onvif/device_service is only the usual)
     * @param h265 the streams are H.265 (libx265) and the encoder configurations say H265, else MPEG-4
     */
    public OnvifDeviceSimulator(
            Path workDir, String username, String password, MediaServices media, String devicePath, boolean h265)
            throws IOException {
        this.username = username;
        this.password = password;
        this.media = media;
        this.devicePath = devicePath;
        this.encoding = h265 ? "H265" : "MPEG4";
        profiles.add(new Profile("profile_main", "mainStream", "/live/main"));
        profiles.add(new Profile("profile_sub", "subStream", "/live/sub"));
        rtsp = new RtspStreamSimulator(workDir, h265, "/live/main", "/live/sub");
        snapshot = jpeg();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", this::soap);
        http.createContext("/snapshot/", this::snapshot);
        http.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "onvif-sim-http");
            t.setDaemon(true);
            return t;
        }));
        http.start();
    }

    // ---- what the tests see and change -------------------------------------------------------------------------

    public int port() {
        return http.getAddress().getPort();
    }

    /** host:port as onvif:// sources and the REST API take it. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public String endpointReference() {
        return endpointReference;
    }

    public RtspStreamSimulator rtsp() {
        return rtsp;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** Checks HTTP digest instead of the WS-UsernameToken (401 with a Digest challenge without it). */
    public void httpDigestOnly(boolean on) {
        this.httpDigestOnly = on;
    }

    /** Logins refused so far (wrong token or digest). */
    public int refusedLogins() {
        return refusedLogins.get();
    }

    /** SOAP operations answered, as "path operation", in order (which service answered). */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The device service URL. */
    public String deviceService() {
        return base() + devicePath;
    }

    /** The XAddrs text of the ProbeMatch (default: the device service); tests put several or malformed ones. */
    public void xaddrs(String xaddrs) {
        this.xaddrs = xaddrs;
    }

    /** SOAP operations answered, in order. */
    public List<String> operations() {
        return List.copyOf(operations);
    }

    /** Removes a profile; clients of its stream are cut off (its path is no longer served). */
    public void removeProfile(String token) {
        profiles.removeIf(p -> p.token().equals(token));
        rtsp.servePaths(profiles.stream().map(Profile::streamPath).toArray(String[]::new));
    }

    /** Gives a profile a new stream path: the old one stops (clients cut off, DESCRIBE 404), the new one serves. */
    public void changeStreamPath(String token, String newPath) {
        profiles.replaceAll(p -> p.token().equals(token) ? new Profile(p.token(), p.name(), newPath) : p);
        rtsp.servePaths(profiles.stream().map(Profile::streamPath).toArray(String[]::new));
    }

    /**
     * Answers this operation with the body the function makes of the normal answer (malformed-answer tests). The
     * key is the operation's name (any service) or "path name" (one service, e.g. "/onvif/media2_service GetProfiles").
     */
    public void rawAnswer(String operation, UnaryOperator<String> answer) {
        rawAnswers.put(operation, answer);
    }

    /** The LogicalState reported as the initial state (PropertyOperation=Initialized) of a new subscription. */
    public void initialDigitalInput(boolean state) {
        this.initialDigitalInput = String.valueOf(state);
    }

    /** Raises a digital input change (tns1:Device/Trigger/DigitalInput, LogicalState) on every subscription. */
    public void digitalInput(boolean state) {
        publish(notification(
                "tns1:Device/Trigger/DigitalInput",
                "Changed",
                "InputToken",
                "DI_0",
                "LogicalState",
                String.valueOf(state)));
    }

    /** Raises a motion alarm change (tns1:VideoSource/MotionAlarm, State). */
    public void motion(boolean state) {
        publish(notification(
                "tns1:VideoSource/MotionAlarm", "Changed", "Source", "VideoSource_1", "State", String.valueOf(state)));
    }

    /** Raises an event of another topic (not a trigger). */
    public void otherEvent() {
        publish(notification("tns1:Monitoring/ProcessorUsage", "Changed", "Token", "cpu", "Value", "0.5"));
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }

    // ---- WS-Discovery ------------------------------------------------------------------------------------------

    /** Answers probes on group:port (joined on the loopback interface) and unicast to 127.0.0.1:port. */
    public void startDiscovery(int port) throws IOException {
        discovery = new MulticastSocket(port);
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        discovery.joinGroup(new InetSocketAddress(WsDiscovery.GROUP, port), lo);
        discoveryThread = new Thread(this::discoveryLoop, "onvif-sim-discovery");
        discoveryThread.setDaemon(true);
        discoveryThread.start();
    }

    /** Sends a datagram that is not XML before each ProbeMatches (a broken device on the network). */
    public void discoveryGarbageFirst(boolean on) {
        this.discoveryGarbageFirst = on;
    }

    private void discoveryLoop() {
        byte[] buf = new byte[65_535];
        while (!discovery.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                discovery.receive(p);
                Document doc = SoapXml.parse(Arrays.copyOf(p.getData(), p.getLength()));
                Element body = SoapXml.body(doc);
                Element probe = SoapXml.child(body, "Probe");
                if (probe == null) {
                    continue;
                }
                String types = SoapXml.text(probe, "Types");
                if (types != null
                        && !types.isEmpty()
                        && !types.contains("NetworkVideoTransmitter")
                        && !types.contains("Device")) {
                    continue;
                }
                String messageId = SoapXml.text(SoapXml.header(doc), "MessageID");
                if (discoveryGarbageFirst) {
                    byte[] junk = "<not-soap".getBytes(StandardCharsets.UTF_8);
                    discovery.send(new DatagramPacket(junk, junk.length, p.getSocketAddress()));
                }
                byte[] answer = probeMatches(messageId).getBytes(StandardCharsets.UTF_8);
                discovery.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (SocketException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // not a probe we can read: a real device ignores it too
            }
        }
    }

    private String probeMatches(String relatesTo) {
        String a = WsDiscovery.WSA_NS;
        String d = WsDiscovery.WSD_NS;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"" + SoapXml.SOAP_NS + "\" xmlns:a=\""
                + a + "\" xmlns:d=\"" + d + "\" xmlns:dn=\"" + WsDiscovery.DN_NS + "\" xmlns:tds=\"" + SoapXml.TDS
                + "\"><s:Header><a:MessageID>uuid:" + UUID.randomUUID() + "</a:MessageID><a:RelatesTo>" + relatesTo
                + "</a:RelatesTo><a:To>" + a + "/role/anonymous</a:To><a:Action>" + d
                + "/ProbeMatches</a:Action></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference>"
                + "<a:Address>" + endpointReference + "</a:Address></a:EndpointReference>"
                + "<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
                + "<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming "
                + "onvif://www.onvif.org/Profile/T onvif://www.onvif.org/name/Vision%20Hub%20Simulator "
                + "onvif://www.onvif.org/hardware/SIM-1 onvif://www.onvif.org/location/line-1</d:Scopes>"
                + "<d:XAddrs>" + (xaddrs != null ? xaddrs : deviceService()) + "</d:XAddrs>"
                + "<d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>";
    }

    // ---- SOAP --------------------------------------------------------------------------------------------------

    private void soap(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] request = ex.getRequestBody().readAllBytes();
            Document doc;
            Element op;
            try {
                doc = SoapXml.parse(request);
                op = firstElement(SoapXml.body(doc));
            } catch (RuntimeException e) {
                send(ex, 400, fault("s:Sender", "ter:WellFormed", "request is not a SOAP envelope"));
                return;
            }
            if (op == null) {
                send(ex, 400, fault("s:Sender", "ter:WellFormed", "empty SOAP body"));
                return;
            }
            String name = op.getLocalName();
            if (!isService(ex.getRequestURI().getPath())) {
                ex.sendResponseHeaders(404, -1); // what a web server says of a path that is not a service
                return;
            }
            if (!"GetSystemDateAndTime".equals(name) && !authorized(ex, doc)) {
                refusedLogins.incrementAndGet();
                if (httpDigestOnly) {
                    challenge(ex);
                } else {
                    send(ex, 400, fault("s:Sender", "ter:NotAuthorized", "Sender not Authorized"));
                }
                return;
            }
            operations.add(name);
            String path = ex.getRequestURI().getPath();
            calls.add(path + " " + name);
            String body = answer(path, name, op);
            UnaryOperator<String> raw = rawAnswers.getOrDefault(path + " " + name, rawAnswers.get(name));
            if (raw != null) {
                send(ex, 200, raw.apply(body == null ? "" : SoapXml.envelope("", body)));
                return;
            }
            if (body == null) {
                send(ex, 400, fault("s:Sender", "ter:ActionNotSupported", "no " + name + " at " + path));
                return;
            }
            send(ex, 200, SoapXml.envelope("", body));
        }
    }

    private String answer(String path, String op, Element request) {
        if (path.equals(devicePath)) {
            return switch (op) {
                case "GetSystemDateAndTime" -> systemDateAndTime();
                case "GetDeviceInformation" ->
                    "<tds:GetDeviceInformationResponse><tds:Manufacturer>Vision Hub"
                            + "</tds:Manufacturer><tds:Model>ONVIF simulator</tds:Model><tds:FirmwareVersion>1.0"
                            + "</tds:FirmwareVersion><tds:SerialNumber>SIM-0001</tds:SerialNumber><tds:HardwareId>SIM-1"
                            + "</tds:HardwareId></tds:GetDeviceInformationResponse>";
                case "GetCapabilities" ->
                    "<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>"
                            + deviceService() + "</tt:XAddr></tt:Device><tt:Events><tt:XAddr>" + base()
                            + "/onvif/events_service</tt:XAddr><tt:WSSubscriptionPolicySupport>false"
                            + "</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport>"
                            + "</tt:Events>"
                            + (media == MediaServices.MEDIA2
                                    ? ""
                                    : "<tt:Media><tt:XAddr>" + base() + "/onvif/media_service</tt:XAddr>"
                                            + "<tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>"
                                            + "<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP>"
                                            + "</tt:StreamingCapabilities></tt:Media>")
                            + "</tds:Capabilities></tds:GetCapabilitiesResponse>";
                case "GetServices" ->
                    "<tds:GetServicesResponse>" + service(SoapXml.TDS, devicePath)
                            + (media == MediaServices.MEDIA2 ? "" : service(SoapXml.TRT, "/onvif/media_service"))
                            + (media == MediaServices.MEDIA ? "" : service(SoapXml.TR2, MEDIA2_PATH))
                            + service(SoapXml.TEV, "/onvif/events_service")
                            + "</tds:GetServicesResponse>";
                default -> null;
            };
        }
        if (path.equals(MEDIA2_PATH) && media != MediaServices.MEDIA) {
            return media2Answer(op, SoapXml.text(request, "ProfileToken"), request);
        }
        if (path.equals("/onvif/media_service") && media != MediaServices.MEDIA2) {
            String token = SoapXml.text(request, "ProfileToken");
            return switch (op) {
                case "GetProfiles" -> {
                    StringBuilder b = new StringBuilder("<trt:GetProfilesResponse>");
                    for (Profile p : profiles) {
                        b.append("<trt:Profiles token=\"")
                                .append(p.token())
                                .append("\" fixed=\"true\"><tt:Name>")
                                .append(p.name())
                                .append("</tt:Name><tt:VideoSourceConfiguration token=\"vsc\">"
                                        + "<tt:Name>vsc</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>"
                                        + "VideoSource_1</tt:SourceToken><tt:Bounds x=\"0\" y=\"0\" width=\"320\" "
                                        + "height=\"240\"/></tt:VideoSourceConfiguration>"
                                        + "<tt:VideoEncoderConfiguration token=\"vec_")
                                .append(p.token())
                                .append("\"><tt:Name>enc</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>")
                                .append(encoding)
                                .append("</tt:Encoding><tt:Resolution><tt:Width>320</tt:Width><tt:Height>240"
                                        + "</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality>"
                                        + "</tt:VideoEncoderConfiguration></trt:Profiles>");
                    }
                    yield b.append("</trt:GetProfilesResponse>").toString();
                }
                case "GetStreamUri" ->
                    profile(token) == null
                            ? null
                            : "<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>"
                                    + rtsp.uri(profile(token).streamPath())
                                    + "</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
                                    + "<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>"
                                    + "</trt:MediaUri></trt:GetStreamUriResponse>";
                case "GetSnapshotUri" ->
                    profile(token) == null
                            ? null
                            : "<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>" + base() + "/snapshot/" + token
                                    + ".jpg</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
                                    + "<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>"
                                    + "</trt:MediaUri></trt:GetSnapshotUriResponse>";
                default -> null;
            };
        }
        if (path.equals("/onvif/events_service") && op.equals("CreatePullPointSubscription")) {
            int id = subscriptionIds.incrementAndGet();
            BlockingQueue<String> queue = new LinkedBlockingQueue<>();
            queue.add(notification(
                    "tns1:Device/Trigger/DigitalInput",
                    "Initialized",
                    "InputToken",
                    "DI_0",
                    "LogicalState",
                    initialDigitalInput));
            subscriptions.put(id, queue);
            Instant now = Instant.now();
            return "<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>" + base()
                    + "/onvif/subscription/" + id + "</wsa:Address></tev:SubscriptionReference><wsnt:CurrentTime>"
                    + now + "</wsnt:CurrentTime><wsnt:TerminationTime>" + now.plusSeconds(60)
                    + "</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>";
        }
        if (path.startsWith("/onvif/subscription/")) {
            int id = Integer.parseInt(path.substring("/onvif/subscription/".length()));
            BlockingQueue<String> queue = subscriptions.get(id);
            if (queue == null) {
                return null; // unknown or ended subscription
            }
            Instant now = Instant.now();
            return switch (op) {
                case "PullMessages" -> {
                    Duration timeout = Duration.parse(SoapXml.text(request, "Timeout"));
                    int limit = Integer.parseInt(SoapXml.text(request, "MessageLimit"));
                    List<String> messages = new ArrayList<>();
                    try {
                        String first = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        if (first != null) {
                            messages.add(first);
                            queue.drainTo(messages, limit - 1);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield "<tev:PullMessagesResponse><tev:CurrentTime>" + now + "</tev:CurrentTime>"
                            + "<tev:TerminationTime>" + now.plusSeconds(60) + "</tev:TerminationTime>"
                            + String.join("", messages) + "</tev:PullMessagesResponse>";
                }
                case "Renew" ->
                    "<wsnt:RenewResponse><wsnt:TerminationTime>" + now.plusSeconds(60)
                            + "</wsnt:TerminationTime><wsnt:CurrentTime>" + now
                            + "</wsnt:CurrentTime></wsnt:RenewResponse>";
                case "Unsubscribe" -> {
                    subscriptions.remove(id);
                    yield "<wsnt:UnsubscribeResponse/>";
                }
                default -> null;
            };
        }
        return null;
    }

    /**
     * Media2 (ver20/media/wsdl): GetProfiles with the configurations of the Types asked (a profile's video source
     * and encoder), GetStreamUri for Protocol RTSP (RTP interleaved over the RTSP connection), GetSnapshotUri.
     */
    private String media2Answer(String op, String token, Element request) {
        return switch (op) {
            case "GetProfiles" -> {
                List<String> types = SoapXml.children(request, "Type").stream()
                        .map(e -> e.getTextContent().trim())
                        .toList();
                boolean all = types.isEmpty() || types.contains("All");
                StringBuilder b = new StringBuilder("<tr2:GetProfilesResponse>");
                for (Profile p : profiles) {
                    b.append("<tr2:Profiles token=\"")
                            .append(p.token())
                            .append("\" fixed=\"true\"><tr2:Name>")
                            .append(p.name())
                            .append("</tr2:Name><tr2:Configurations>");
                    if (all || types.contains("VideoSource")) {
                        b.append("<tr2:VideoSource token=\"vsc\"><tt:Name>vsc</tt:Name><tt:UseCount>2</tt:UseCount>"
                                + "<tt:SourceToken>VideoSource_1</tt:SourceToken><tt:Bounds x=\"0\" y=\"0\" "
                                + "width=\"320\" height=\"240\"/></tr2:VideoSource>");
                    }
                    if (all || types.contains("VideoEncoder")) {
                        b.append("<tr2:VideoEncoder token=\"vec2_")
                                .append(p.token())
                                .append("\" GovLength=\"10\"")
                                .append(encoding.equals("H265") ? " Profile=\"Main\"" : "")
                                .append("><tt:Name>enc2</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>")
                                .append(encoding)
                                .append("</tt:Encoding><tt:Resolution><tt:Width>320</tt:Width><tt:Height>240"
                                        + "</tt:Height></tt:Resolution><tt:RateControl ConstantBitRate=\"false\">"
                                        + "<tt:FrameRateLimit>10</tt:FrameRateLimit><tt:BitrateLimit>512"
                                        + "</tt:BitrateLimit></tt:RateControl><tt:Quality>5</tt:Quality>"
                                        + "</tr2:VideoEncoder>");
                    }
                    b.append("</tr2:Configurations></tr2:Profiles>");
                }
                yield b.append("</tr2:GetProfilesResponse>").toString();
            }
            case "GetStreamUri" -> {
                String protocol = SoapXml.text(request, "Protocol");
                yield profile(token) == null || !"RTSP".equals(protocol)
                        ? null
                        : "<tr2:GetStreamUriResponse><tr2:Uri>"
                                + rtsp.uri(profile(token).streamPath()) + "</tr2:Uri></tr2:GetStreamUriResponse>";
            }
            case "GetSnapshotUri" ->
                profile(token) == null
                        ? null
                        : "<tr2:GetSnapshotUriResponse><tr2:Uri>" + base() + "/snapshot/" + token
                                + ".jpg</tr2:Uri></tr2:GetSnapshotUriResponse>";
            default -> null;
        };
    }

    private boolean isService(String path) {
        return path.equals(devicePath)
                || (path.equals("/onvif/media_service") && media != MediaServices.MEDIA2)
                || (path.equals(MEDIA2_PATH) && media != MediaServices.MEDIA)
                || path.equals("/onvif/events_service")
                || path.startsWith("/onvif/subscription/");
    }

    private Profile profile(String token) {
        return profiles.stream()
                .filter(p -> p.token().equals(token))
                .findFirst()
                .orElse(null);
    }

    private String service(String ns, String path) {
        return "<tds:Service><tds:Namespace>" + ns + "</tds:Namespace><tds:XAddr>" + base() + path
                + "</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>";
    }

    private static String systemDateAndTime() {
        ZonedDateTime t = Instant.now().truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
        return "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
                + "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>"
                + "<tt:UTCDateTime><tt:Time><tt:Hour>" + t.getHour() + "</tt:Hour><tt:Minute>" + t.getMinute()
                + "</tt:Minute><tt:Second>" + t.getSecond() + "</tt:Second></tt:Time><tt:Date><tt:Year>"
                + t.getYear() + "</tt:Year><tt:Month>" + t.getMonthValue() + "</tt:Month><tt:Day>"
                + t.getDayOfMonth() + "</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime>"
                + "</tds:GetSystemDateAndTimeResponse>";
    }

    private static String notification(
            String topic, String operation, String sourceName, String sourceValue, String dataName, String value) {
        return "<wsnt:NotificationMessage><wsnt:Topic Dialect=\"http://www.onvif.org/ver10/tev/topicExpression/"
                + "ConcreteSet\">" + topic + "</wsnt:Topic><wsnt:Message><tt:Message UtcTime=\""
                + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "\" PropertyOperation=\"" + operation + "\">"
                + "<tt:Source><tt:SimpleItem Name=\"" + sourceName + "\" Value=\"" + sourceValue + "\"/></tt:Source>"
                + "<tt:Data><tt:SimpleItem Name=\"" + dataName + "\" Value=\"" + value + "\"/></tt:Data>"
                + "</tt:Message></wsnt:Message></wsnt:NotificationMessage>";
    }

    private void publish(String notification) {
        subscriptions.values().forEach(q -> q.add(notification));
    }

    /** The WS-UsernameToken (or, in HTTP digest mode, the Authorization header) checks out. */
    private boolean authorized(HttpExchange ex, Document doc) {
        if (httpDigestOnly) {
            return digestAuthorized(ex, "POST");
        }
        Element token = SoapXml.find(SoapXml.header(doc), "UsernameToken");
        if (token == null) {
            return false;
        }
        String user = SoapXml.text(token, "Username");
        String digest = SoapXml.text(token, "Password");
        String nonce = SoapXml.text(token, "Nonce");
        String created = SoapXml.text(token, "Created");
        if (user == null || digest == null || nonce == null || created == null) {
            return false;
        }
        try {
            Instant when = Instant.parse(created);
            if (Duration.between(when, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
                return false; // replay window of a real camera
            }
            return user.equals(username) && digest.equals(UsernameToken.digest(nonce, created, password));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean digestAuthorized(HttpExchange ex, String method) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        Map<String, String> f = HttpDigest.fields(h);
        if (f.isEmpty() || !username.equals(f.get("username")) || !REALM.equals(f.get("realm"))) {
            return false;
        }
        return HttpDigest.expectedResponse(f, password, method).equals(f.get("response"));
    }

    private static void challenge(HttpExchange ex) throws IOException {
        ex.getResponseHeaders()
                .add(
                        "WWW-Authenticate",
                        "Digest realm=\"" + REALM + "\", qop=\"auth\", nonce=\"" + UUID.randomUUID()
                                + "\", algorithm=MD5");
        ex.sendResponseHeaders(401, -1);
    }

    private void snapshot(HttpExchange ex) throws IOException {
        try (ex) {
            if (!digestAuthorized(ex, "GET")) {
                refusedLogins.incrementAndGet();
                challenge(ex);
                return;
            }
            String token = ex.getRequestURI()
                    .getPath()
                    .substring("/snapshot/".length())
                    .replace(".jpg", "");
            if (profile(token) == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "image/jpeg");
            ex.sendResponseHeaders(200, snapshot.length);
            ex.getResponseBody().write(snapshot);
        }
    }

    private static String fault(String code, String subcode, String reason) {
        return SoapXml.envelope(
                "",
                "<s:Fault xmlns:ter=\"http://www.onvif.org/ver10/error\"><s:Code><s:Value>" + code
                        + "</s:Value><s:Subcode><s:Value>" + subcode + "</s:Value></s:Subcode></s:Code><s:Reason>"
                        + "<s:Text xml:lang=\"en\">" + reason + "</s:Text></s:Reason></s:Fault>");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/soap+xml; charset=utf-8");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port();
    }

    private static Element firstElement(Element parent) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, 320, 240);
        g.setColor(Color.WHITE);
        g.fillOval(110, 70, 100, 100);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        http.stop(0);
        rtsp.close();
    }
}
