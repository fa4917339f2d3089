package io.visionhub.onvif;

import io.visionhub.onvif.OnvifException.Kind;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * WS-Discovery (2005/04, as ONVIF uses it) probe: sends a SOAP 1.2 Probe for {@code dn:NetworkVideoTransmitter}
 * and one for {@code tds:Device} to the multicast group 239.255.255.250:3702 out of a chosen network interface (or
 * unicast to one address), collects the ProbeMatches that answer our MessageIDs until the timeout, and returns one
 * entry per device (by endpoint reference). Answers that are not XML or not ProbeMatches are skipped and counted,
 * never fatal: one broken device on the network must not hide the others.
 */
public final class WsDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(WsDiscovery.class);

    public static final String GROUP = "239.255.255.250";
    public static final int PORT = 3702;
    public static final String WSD_NS = "http://schemas.xmlsoap.org/ws/2005/04/discovery";
    public static final String WSA_NS = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    public static final String DN_NS = "http://www.onvif.org/ver10/network/wsdl";

    /** What the probe found, and how many answers it could not read. */
    public record Result(List<DiscoveredDevice> devices, int unreadable) {}

    private WsDiscovery() {}

    /**
     * Probes and waits the whole timeout for answers.
     *
     * @param networkInterface interface name (eth0) or one of its IP addresses; null or empty: the system's choice
     * @param target the multicast group and port, or a unicast address (a camera, or a responder on loopback)
     */
    public static Result probe(String networkInterface, InetSocketAddress target, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new OnvifException(
                    Kind.BAD_INPUT, "discovery timeout " + timeout + " is out of range (1 ms to 1 min)");
        }
        NetworkInterface nif = networkInterface(networkInterface);
        String[] ids = {"uuid:" + UUID.randomUUID(), "uuid:" + UUID.randomUUID()};
        Set<String> ours = Set.of(ids);
        Map<String, DiscoveredDevice> found = new LinkedHashMap<>();
        int unreadable = 0;
        try (MulticastSocket socket = new MulticastSocket(0)) {
            if (nif != null) {
                socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
            }
            socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 4);
            socket.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            byte[][] probes = {
                probe(ids[0], "dn:NetworkVideoTransmitter"), probe(ids[1], "tds:Device"),
            };
            for (byte[] p : probes) {
                socket.send(new DatagramPacket(p, p.length, target));
            }
            long end = System.nanoTime() + timeout.toNanos();
            byte[] buf = new byte[65_535];
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                String from = packet.getAddress().getHostAddress() + ":" + packet.getPort();
                byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
                try {
                    for (DiscoveredDevice d : matches(data, ours, from)) {
                        found.putIfAbsent(d.endpointReference(), d);
                    }
                } catch (IllegalArgumentException e) {
                    unreadable++;
                    LOG.warn("ONVIF discovery: unreadable answer from {}: {}", from, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new OnvifException(
                    Kind.UNREACHABLE,
                    "ONVIF discovery could not probe " + target + (nif == null ? "" : " on " + nif.getName()) + ": "
                            + e.getMessage(),
                    e);
        }
        return new Result(new ArrayList<>(found.values()), unreadable);
    }

    /** The multicast group on the standard port. */
    public static InetSocketAddress multicastTarget(int port) {
        return new InetSocketAddress(GROUP, port <= 0 ? PORT : port);
    }

    static NetworkInterface networkInterface(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            NetworkInterface nif = NetworkInterface.getByName(name.trim());
            if (nif == null && (Character.isDigit(name.trim().charAt(0)) || name.contains(":"))) {
                nif = NetworkInterface.getByInetAddress(InetAddress.getByName(name.trim()));
            }
            if (nif == null) {
                throw new OnvifException(
                        Kind.BAD_INPUT,
                        "no network interface '" + name + "' on this machine; " + "interfaces: " + interfaces()
                                + " (visionhub.onvif.discovery.interface)");
            }
            return nif;
        } catch (IOException e) {
            throw new OnvifException(Kind.BAD_INPUT, "network interface '" + name + "': " + e.getMessage(), e);
        }
    }

    private static String interfaces() {
        try {
            return NetworkInterface.networkInterfaces()
                    .map(NetworkInterface::getName)
                    .sorted()
                    .toList()
                    .toString();
        } catch (SocketException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    /** A Probe message. */
    public static byte[] probe(String messageId, String types) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<s:Envelope xmlns:s=\"" + SoapXml.SOAP_NS + "\" xmlns:a=\"" + WSA_NS + "\" xmlns:d=\"" + WSD_NS
                + "\" xmlns:dn=\"" + DN_NS + "\" xmlns:tds=\"" + SoapXml.TDS + "\"><s:Header>"
                + "<a:Action s:mustUnderstand=\"1\">" + WSD_NS + "/Probe</a:Action>"
                + "<a:MessageID>" + messageId + "</a:MessageID>"
                + "<a:ReplyTo><a:Address>" + WSA_NS + "/role/anonymous</a:Address></a:ReplyTo>"
                + "<a:To s:mustUnderstand=\"1\">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
                + "</s:Header><s:Body><d:Probe><d:Types>" + types + "</d:Types></d:Probe></s:Body></s:Envelope>";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The devices of a ProbeMatches answer to one of our probes; empty for an answer to someone else's probe (or
     * another message, such as a Hello); IllegalArgumentException for an answer that cannot be read.
     */
    static List<DiscoveredDevice> matches(byte[] data, Set<String> ours, String from) {
        Document doc = SoapXml.parse(data);
        Element body = SoapXml.body(doc);
        if (body == null) {
            throw new IllegalArgumentException("not a SOAP envelope");
        }
        String relatesTo = SoapXml.text(SoapXml.header(doc), "RelatesTo");
        Element pm = SoapXml.child(body, "ProbeMatches");
        if (pm == null || relatesTo == null || !ours.contains(relatesTo)) {
            return List.of();
        }
        List<DiscoveredDevice> out = new ArrayList<>();
        for (Element m : SoapXml.children(pm, "ProbeMatch")) {
            String epr = SoapXml.text(m, "EndpointReference", "Address");
            if (epr == null || epr.isEmpty()) {
                throw new IllegalArgumentException("ProbeMatch without EndpointReference/Address");
            }
            List<URI> xaddrs = new ArrayList<>();
            List<String> rejected = new ArrayList<>();
            for (String x : words(SoapXml.text(m, "XAddrs"))) {
                try {
                    xaddrs.add(OnvifClient.serviceAddress(x));
                } catch (IllegalArgumentException e) {
                    rejected.add("'" + x + "' (" + e.getMessage() + ")");
                }
            }
            out.add(new DiscoveredDevice(
                    epr, words(SoapXml.text(m, "Types")), words(SoapXml.text(m, "Scopes")), xaddrs, from, rejected));
        }
        return out;
    }

    private static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }
}
