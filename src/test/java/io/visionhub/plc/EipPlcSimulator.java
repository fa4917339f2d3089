package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.outputs.PortPicker;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A SIMULATOR of an EtherNet/IP PLC with Logix-style named tags, written for the hub's tests from the public
 * EtherNet/IP encapsulation and CIP specifications, and only as far as Apache PLC4X's {@code eip} driver (0.13.1)
 * goes (its requests were logged byte by byte first): ListServices (0x0004), RegisterSession (0x0065),
 * UnRegisterSession (0x0066) and SendRRData (0x006F) carrying unconnected CIP messages: Get_Attributes_All of the
 * message router (answered with no classes, so the driver sends each tag request on its own), Unconnected Send
 * (0x52) wrapping Read Tag (0x4C) and Write Tag (0x4D) with an ANSI extended symbol path (0x91). Little-endian
 * throughout.
 * <p>
 * With a connection manager ({@code new EipPlcSimulator(stations, true)}) it answers as a controller that offers
 * connected explicit messaging (CIP class 3): Get_Attributes_All lists the message router (class 0x02) and the
 * connection manager (class 0x06), and the driver then opens a connection with a Large Forward Open (0x5B; Forward
 * Open 0x54 is answered too) and sends each request as SendUnitData (0x0070) with a connected address item (0xA1,
 * the O->T connection id this simulator assigned) and a connected data item (0xB1: sequence count, CIP request);
 * each answer goes back the same way under the originator's T->O id, with the same sequence count; Forward Close
 * (0x4E) ends the connection. A request on a connection id the simulator did not assign is answered with an error
 * status and kept in {@link #unknown()}. Anything else is answered with an error status and kept in {@link #unknown()}, so a test sees what the
 * driver sent that the simulator does not know.
 * <p>
 * Per station, tags named {@code <station>_<Name>}: Trigger, TriggerAck, Reject, ResultReady, Ack (BOOL), PartId,
 * ResultPartId (DINT), ResultCode (INT). A listener hears each write of the hub (station, tag name without the
 * station), after it is applied.
 */
public final class EipPlcSimulator implements SimulatedPlc {

    static final int BOOL = 0xC1;
    static final int INT = 0xC3;
    static final int DINT = 0xC4;
    private static final int ENCAP_HEADER = 24;
    /** Every packet in and out on stderr (-Dvisionhub.test.eip-trace=true), as the driver's requests were captured. */
    private static final boolean TRACE = Boolean.getBoolean("visionhub.test.eip-trace");

    private static final Object[][] TAGS = {
        {"Trigger", BOOL},
        {"TriggerAck", BOOL},
        {"Reject", BOOL},
        {"ResultReady", BOOL},
        {"Ack", BOOL},
        {"PartId", DINT},
        {"ResultPartId", DINT},
        {"ResultCode", INT}
    };

    private final List<String> stations;
    private final Map<String, Tag> tags = new ConcurrentHashMap<>();
    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<String> unknown = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger(0x1000);
    private volatile BiConsumer<String, String> onWrite = (station, name) -> {};
    private volatile boolean closed;
    private final boolean connectionManager;
    /** Open CIP connections: the O->T connection id assigned at the Forward Open -> {T->O id, serial number}. */
    private final Map<Integer, int[]> cipConnections = new ConcurrentHashMap<>();

    private final AtomicInteger nextConnectionId = new AtomicInteger(0x5000_0000);
    private final AtomicInteger forwardOpens = new AtomicInteger();
    private final AtomicInteger connectedRequests = new AtomicInteger();

    /** A tag: its CIP type code and its value's bytes (little-endian). */
    private static final class Tag {
        final int type;
        volatile byte[] value;

        Tag(int type) {
            this.type = type;
            this.value = new byte[type == DINT ? 4 : type == INT ? 2 : 1];
        }
    }

    public EipPlcSimulator(List<String> stations) throws IOException {
        this(stations, false);
    }

    /** With {@code connectionManager}: a controller that offers connected explicit messaging (see above). */
    public EipPlcSimulator(List<String> stations, boolean connectionManager) throws IOException {
        this.stations = stations;
        this.connectionManager = connectionManager;
        for (String st : stations) {
            for (Object[] t : TAGS) {
                tags.put(st + "_" + t[0], new Tag((Integer) t[1]));
            }
        }
        int port = PortPicker.ephemeral("127.0.0.1");
        server = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "eip-simulator-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String endpointUrl() {
        return endpointUrl(port());
    }

    @Override
    public String endpointUrl(int port) {
        // little-endian, as EtherNet/IP is (the driver otherwise starts with big-endian and probes)
        return "eip://127.0.0.1:" + port + "?backplane=1&slot=0&big-endian=false";
    }

    /** The hub's address map of a station (PLC4X eip tag syntax, with the type the writes need). */
    public PlcProperties.StationNodes mapping(String station) {
        String p = "%" + station + "_";
        return PlcProperties.StationNodes.defaults()
                .withProtocol("eip")
                .withTrigger(p + "Trigger:BOOL")
                .withTriggerAck(p + "TriggerAck:BOOL")
                .withReject(p + "Reject:BOOL")
                .withResultReady(p + "ResultReady:BOOL")
                .withPartId(p + "PartId:DINT")
                .withResultPartId(p + "ResultPartId:DINT")
                .withResultCode(p + "ResultCode:INT");
    }

    /** Each write of the hub: the station and the tag's name without the station, after it is applied. */
    public void onWrite(BiConsumer<String, String> listener) {
        this.onWrite = listener;
    }

    /** Forward Opens answered so far. */
    public int forwardOpens() {
        return forwardOpens.get();
    }

    /** CIP requests that came over an open connection (SendUnitData) so far. */
    public int connectedRequests() {
        return connectedRequests.get();
    }

    /** CIP connections open now. */
    public int openConnections() {
        return cipConnections.size();
    }

    /** What the driver sent that the simulator does not know (command or service, in hex); empty when all known. */
    public List<String> unknown() {
        return unknown;
    }

    public boolean bit(String station, String name) {
        return tags.get(station + "_" + name).value[0] != 0;
    }

    public void setBit(String station, String name, boolean value) {
        tags.get(station + "_" + name).value = new byte[] {(byte) (value ? 1 : 0)};
    }

    public int partId(String station) {
        return le(tags.get(station + "_PartId").value).getInt();
    }

    @Override
    public long resultPartId(String station) {
        return le(tags.get(station + "_ResultPartId").value).getInt();
    }

    public short resultCode(String station) {
        return le(tags.get(station + "_ResultCode").value).getShort();
    }

    /** PLC program, first half of a part: the part id, then the trigger. */
    @Override
    public void trigger(String station, long partId) {
        trigger(station, Math.toIntExact(partId));
    }

    /** The station's BOOL tags {@code <station>_Trigger} and so on. */
    @Override
    public boolean signal(String station, Signal signal) {
        return bit(station, signal.tag);
    }

    @Override
    public void setSignal(String station, Signal signal, boolean value) {
        setBit(station, signal.tag, value);
    }

    /** Takes the place of the {@link #onWrite} listener. */
    @Override
    public void onResultReady(Consumer<String> listener) {
        onWrite((station, tag) -> {
            if (tag.equals("ResultReady") && bit(station, tag)) {
                listener.accept(station);
            }
        });
    }

    /** Nothing unknown, and the driver kept to the mode: connected where the connection manager is on, else not. */
    @Override
    public void assertNothingUnknown() {
        assertThat(unknown).as("requests the simulator does not know").isEmpty();
        if (connectionManager) {
            assertThat(forwardOpens()).as("connections opened").isPositive();
            assertThat(connectedRequests()).as("requests over the connection").isPositive();
        } else {
            assertThat(connectedRequests()).as("requests over a connection").isZero();
        }
    }

    public void trigger(String station, int partId) {
        tags.get(station + "_PartId").value = ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(partId)
                .array();
        setBit(station, "Trigger", true);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                connections.add(s);
                Thread t = new Thread(() -> serve(s), "eip-simulator-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** One client connection: encapsulation packets in, one answer each. */
    private void serve(Socket s) {
        try (s;
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream()) {
            long session = 0;
            while (!closed) {
                byte[] header = new byte[ENCAP_HEADER];
                in.readFully(header);
                ByteBuffer h = le(header);
                int command = h.getShort(0) & 0xffff;
                int length = h.getShort(2) & 0xffff;
                byte[] data = new byte[length];
                in.readFully(data);
                byte[] reply;
                long status = 0;
                switch (command) {
                    case 0x0004 -> reply = listServices();
                    case 0x0065 -> {
                        session = sessions.incrementAndGet();
                        reply = data; // protocol version 1, options 0: echoed
                    }
                    case 0x0066 -> {
                        return; // UnRegisterSession: the client closes
                    }
                    case 0x006F -> reply = sendRRData(data);
                    case 0x0070 -> {
                        reply = sendUnitData(data);
                        if (reply == null) {
                            reply = new byte[0];
                            status = 0x0003; // incorrect data: no such connection
                        }
                    }
                    default -> {
                        unknown.add(String.format(
                                "command 0x%04X %s", command, HexFormat.of().formatHex(data)));
                        reply = new byte[0];
                        status = 0x0001; // invalid or unsupported command
                    }
                }
                ByteBuffer answer =
                        ByteBuffer.allocate(ENCAP_HEADER + reply.length).order(ByteOrder.LITTLE_ENDIAN);
                answer.putShort((short) command)
                        .putShort((short) reply.length)
                        .putInt((int) (command == 0x0004 ? 0 : session))
                        .putInt((int) status)
                        .put(header, 12, 8) // the sender context, echoed
                        .putInt(0)
                        .put(reply);
                if (TRACE) {
                    System.err.println("eip simulator: in " + HexFormat.of().formatHex(header)
                            + HexFormat.of().formatHex(data) + " out "
                            + HexFormat.of().formatHex(answer.array()));
                }
                out.write(answer.array());
                out.flush();
            }
        } catch (IOException e) {
            // the client went away (or the simulator closed)
        } finally {
            connections.remove(s);
        }
    }

    /** One item: CIP encapsulation over TCP supported (capability bit 5), named as a Logix controller names it. */
    private static byte[] listServices() {
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + 20).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 1).putShort((short) 0x0100).putShort((short) 20);
        b.putShort((short) 1).putShort((short) 0x0120);
        byte[] name = new byte[16];
        byte[] text = "Communications".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, name, 0, text.length);
        b.put(name);
        return b.array();
    }

    /** Interface handle, timeout, items (null address, unconnected data): the CIP request in, its answer out. */
    private byte[] sendRRData(byte[] data) {
        ByteBuffer in = le(data);
        in.getInt(); // interface handle
        in.getShort(); // timeout
        int items = in.getShort() & 0xffff;
        byte[] cip = null;
        for (int i = 0; i < items; i++) {
            int type = in.getShort() & 0xffff;
            int len = in.getShort() & 0xffff;
            byte[] item = new byte[len];
            in.get(item);
            if (type == 0x00B2) {
                cip = item;
            }
        }
        byte[] answer = cip == null ? new byte[] {(byte) 0x80, 0, 0x08, 0} : cip(cip);
        ByteBuffer out = ByteBuffer.allocate(6 + 2 + 4 + 4 + answer.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0).putShort((short) 0).putShort((short) 2);
        out.putShort((short) 0).putShort((short) 0); // null address item
        out.putShort((short) 0x00B2).putShort((short) answer.length).put(answer);
        return out.array();
    }

    /**
     * Connected data: interface handle, timeout, a connected address item (0xA1: the O->T connection id) and a
     * connected data item (0xB1: sequence count, CIP request); the answer under the T->O id with the same sequence
     * count. Null (and kept in {@link #unknown()}) for a connection this simulator did not open.
     */
    private byte[] sendUnitData(byte[] data) {
        ByteBuffer in = le(data);
        in.getInt(); // interface handle
        in.getShort(); // timeout
        int items = in.getShort() & 0xffff;
        Integer connectionId = null;
        byte[] connected = null;
        for (int i = 0; i < items; i++) {
            int type = in.getShort() & 0xffff;
            int len = in.getShort() & 0xffff;
            byte[] item = new byte[len];
            in.get(item);
            if (type == 0x00A1 && len == 4) {
                connectionId = le(item).getInt();
            } else if (type == 0x00B1 && len >= 2) {
                connected = item;
            }
        }
        int[] connection = connectionId == null ? null : cipConnections.get(connectionId);
        if (connection == null || connected == null) {
            unknown.add("SendUnitData on no open connection: " + HexFormat.of().formatHex(data));
            return null;
        }
        connectedRequests.incrementAndGet();
        short sequence = le(connected).getShort();
        byte[] answer = cip(java.util.Arrays.copyOfRange(connected, 2, connected.length));
        ByteBuffer out =
                ByteBuffer.allocate(4 + 2 + 2 + 8 + 4 + 2 + answer.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0).putShort((short) 0).putShort((short) 2);
        out.putShort((short) 0x00A1).putShort((short) 4).putInt(connection[0]);
        out.putShort((short) 0x00B1)
                .putShort((short) (2 + answer.length))
                .putShort(sequence)
                .put(answer);
        return out.array();
    }

    /** A CIP message request: service, request path (words), data; the reply: service | 0x80, 0, status, 0, data. */
    private byte[] cip(byte[] m) {
        int service = m[0] & 0xff;
        int pathBytes = 2 * (m[1] & 0xff);
        byte[] path = java.util.Arrays.copyOfRange(m, 2, 2 + pathBytes);
        ByteBuffer body = le(m).position(2 + pathBytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (service) {
            case 0x01 -> {
                if (connectionManager) {
                    // Get_Attributes_All of the message router: classes message router (0x02) and connection manager
                    // (0x06), one connection available, the open ones
                    return new byte[] {(byte) 0x81, 0, 0, 0, 2, 0, 2, 0, 6, 0, 1, 0, (byte) cipConnections.size(), 0};
                }
                // Get_Attributes_All of the message router: no object classes, one connection available, none open
                return new byte[] {(byte) 0x81, 0, 0, 0, 0, 0, 1, 0, 0, 0};
            }
            case 0x54, 0x5B -> {
                if (!connectionManager) {
                    unknown.add(String.format("Forward Open 0x%02X without a connection manager", service));
                    return status(service, 0x08);
                }
                // (Large) Forward Open: priority/tick, timeout ticks, O->T id, T->O id, serial, vendor, originator
                // serial, timeout multiplier, 3 reserved, O->T RPI, O->T parameters (Large: 4 bytes, else 2), T->O
                // RPI, T->O parameters, transport, connection path
                body.get();
                body.get();
                body.getInt(); // O->T id: the target's to choose
                int toId = body.getInt();
                short serial = body.getShort();
                short vendor = body.getShort();
                int originatorSerial = body.getInt();
                body.get();
                body.get(new byte[3]);
                int otRpi = body.getInt();
                body.position(body.position() + (service == 0x5B ? 4 : 2));
                int toRpi = body.getInt();
                body.position(body.position() + (service == 0x5B ? 4 : 2));
                body.get(); // transport type / trigger
                int connectionPathWords = body.get() & 0xff;
                if (body.remaining() != 2 * connectionPathWords) {
                    unknown.add("Forward Open with a connection path of " + body.remaining() + " bytes, said "
                            + 2 * connectionPathWords);
                    return status(service, 0x13); // not enough data
                }
                int otId = nextConnectionId.incrementAndGet();
                cipConnections.put(otId, new int[] {toId, serial});
                forwardOpens.incrementAndGet();
                ByteBuffer r = ByteBuffer.allocate(4 + 26).order(ByteOrder.LITTLE_ENDIAN);
                r.put((byte) (service | 0x80)).put((byte) 0).put((byte) 0).put((byte) 0);
                r.putInt(otId).putInt(toId).putShort(serial).putShort(vendor).putInt(originatorSerial);
                r.putInt(otRpi).putInt(toRpi); // the actual packet intervals: as asked
                r.put((byte) 0).put((byte) 0); // no application reply, reserved
                return r.array();
            }
            case 0x4E -> {
                // Forward Close: priority/tick, timeout ticks, serial, vendor, originator serial, path size, reserved
                body.get();
                body.get();
                short serial = body.getShort();
                short vendor = body.getShort();
                int originatorSerial = body.getInt();
                if (!cipConnections.values().removeIf(c -> (short) c[1] == serial)) {
                    unknown.add(String.format("Forward Close of serial 0x%04X, which is not open", serial));
                }
                ByteBuffer r = ByteBuffer.allocate(4 + 10).order(ByteOrder.LITTLE_ENDIAN);
                r.put((byte) (service | 0x80)).put((byte) 0).put((byte) 0).put((byte) 0);
                r.putShort(serial).putShort(vendor).putInt(originatorSerial);
                r.put((byte) 0).put((byte) 0);
                return r.array();
            }
            case 0x52 -> {
                // Unconnected Send to the connection manager: the embedded request is answered directly
                body.get(); // priority / time tick
                body.get(); // timeout ticks
                int size = body.getShort() & 0xffff;
                byte[] embedded = new byte[size];
                body.get(embedded);
                return cip(embedded);
            }
            case 0x4C -> {
                Tag tag = tags.get(symbol(path));
                if (tag == null) {
                    return status(service, 0x05); // path destination unknown
                }
                byte[] v = tag.value;
                ByteBuffer r = ByteBuffer.allocate(6 + v.length).order(ByteOrder.LITTLE_ENDIAN);
                r.put((byte) 0xCC).put((byte) 0).put((byte) 0).put((byte) 0);
                r.putShort((short) tag.type).put(v);
                return r.array();
            }
            case 0x4D -> {
                String name = symbol(path);
                Tag tag = tags.get(name);
                if (tag == null) {
                    return status(service, 0x05);
                }
                int type = body.getShort() & 0xffff;
                int count = body.getShort() & 0xffff;
                if (type != tag.type || count != 1 || body.remaining() < tag.value.length) {
                    unknown.add(String.format(
                            "write of %s as type 0x%02X x%d with %d bytes (the tag is 0x%02X)",
                            name, type, count, body.remaining(), tag.type));
                    return status(service, 0xFF); // a Logix answer to a type mismatch
                }
                byte[] v = new byte[tag.value.length];
                body.get(v);
                tag.value = v;
                int cut = name.indexOf('_');
                onWrite.accept(name.substring(0, cut), name.substring(cut + 1));
                return status(service, 0);
            }
            default -> {
                unknown.add(String.format(
                        "service 0x%02X %s", service, HexFormat.of().formatHex(m)));
                return status(service, 0x08); // service not supported
            }
        }
    }

    private static byte[] status(int service, int status) {
        return new byte[] {(byte) (service | 0x80), 0, (byte) status, 0};
    }

    /** The tag name of an ANSI extended symbol segment (0x91, length, name, pad to a word). */
    private static String symbol(byte[] path) {
        if (path.length < 2 || (path[0] & 0xff) != 0x91) {
            return "?";
        }
        return new String(path, 2, path[1] & 0xff, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : connections) {
            s.close();
        }
    }
}
