package io.visionhub.onvif.sim;

import io.visionhub.vision.FfmpegEncoders;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The RTSP side of the ONVIF camera simulator: a real FFmpeg encodes a test pattern (MPEG-4, a key frame every 10
 * frames) to RTP on a loopback UDP port and writes its SDP; this server answers DESCRIBE with that SDP on the paths
 * it serves and relays the RTP packets, interleaved on the RTSP connection (RTP/AVP/TCP), to every client that
 * PLAYs. FFmpeg cannot serve RTSP pulls itself (its RTSP muxer only pushes), hence the small relay. A path can be
 * withdrawn ({@link #servePaths}): its clients are cut off and DESCRIBE answers 404, as a camera that changed its
 * stream URI does.
 */
public final class RtspStreamSimulator implements AutoCloseable {

    private final ServerSocket server;
    private final DatagramSocket rtp;
    private final DatagramSocket rtcp;
    private final Path workDir;
    private Process ffmpeg;
    private final boolean h265;
    private final Path sdpFile;
    private final Set<String> paths = ConcurrentHashMap.newKeySet();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<String> described = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private final class Session {
        final Socket socket;
        final OutputStream out;
        volatile String path;
        volatile boolean playing;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    public RtspStreamSimulator(Path workDir, String... servedPaths) throws IOException {
        this(workDir, false, servedPaths);
    }

    /** @param h265 encode H.265 (libx265, RTP per RFC 7798) instead of MPEG-4 */
    public RtspStreamSimulator(Path workDir, boolean h265, String... servedPaths) throws IOException {
        this.h265 = h265;
        paths.addAll(List.of(servedPaths));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rtcp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sdpFile = workDir.resolve("stream-" + server.getLocalPort() + ".sdp");
        this.workDir = workDir;
        start("rtsp-sim-accept", this::acceptLoop);
        start("rtsp-sim-relay", this::relayLoop);
        start("rtsp-sim-rtcp", this::drainRtcp);
    }

    /** FFmpeg starts with the first DESCRIBE: tests that never play a stream need no encoder. */
    private synchronized Process encoder() throws IOException {
        if (ffmpeg == null) {
            List<String> cmd = FfmpegEncoders.testPattern("320x240", 10);
            cmd.addAll(List.of("-g", "10", "-pix_fmt", "yuv420p"));
            cmd.addAll(
                    h265
                            ? List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error")
                            : List.of("-c:v", "mpeg4", "-q:v", "5"));
            cmd.addAll(List.of(
                    "-f",
                    "rtp",
                    "-sdp_file",
                    sdpFile.toString(),
                    "rtp://127.0.0.1:" + rtp.getLocalPort() + "?rtcpport=" + rtcp.getLocalPort() + "&pkt_size=1200"));
            ffmpeg = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("ffmpeg-rtp-" + server.getLocalPort() + ".log")
                            .toFile())
                    .start();
        }
        return ffmpeg;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** rtsp://127.0.0.1:port/path */
    public URI uri(String path) {
        return URI.create("rtsp://127.0.0.1:" + port() + path);
    }

    /** Serves exactly these paths from now on; clients of the others are cut off. */
    public void servePaths(String... served) {
        paths.clear();
        paths.addAll(List.of(served));
        for (Session s : sessions) {
            if (s.path != null && !paths.contains(s.path)) {
                s.close();
            }
        }
    }

    /** Paths clients asked to DESCRIBE, in order. */
    public List<String> described() {
        return List.copyOf(described);
    }

    /** Clients playing now. */
    public long playing() {
        return sessions.stream().filter(s -> s.playing && !s.socket.isClosed()).count();
    }

    private void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = server.accept();
                Session session = new Session(s);
                sessions.add(session);
                start("rtsp-sim-client", () -> serve(session));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void drainRtcp() {
        byte[] buf = new byte[2048];
        while (running) {
            try {
                rtcp.receive(new DatagramPacket(buf, buf.length));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relayLoop() {
        byte[] buf = new byte[65_535];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(p);
            } catch (IOException e) {
                return;
            }
            byte[] frame = new byte[4 + p.getLength()];
            frame[0] = '$';
            frame[1] = 0;
            frame[2] = (byte) (p.getLength() >> 8);
            frame[3] = (byte) p.getLength();
            System.arraycopy(p.getData(), 0, frame, 4, p.getLength());
            for (Session s : sessions) {
                if (!s.playing) {
                    continue;
                }
                try {
                    synchronized (s.out) {
                        s.out.write(frame);
                        s.out.flush();
                    }
                } catch (IOException e) {
                    s.close();
                    sessions.remove(s);
                }
            }
        }
    }

    private void serve(Session session) {
        try (Socket s = session.socket) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            while (running) {
                in.mark(1);
                int first = in.read();
                if (first < 0) {
                    return;
                }
                if (first == '$') { // interleaved RTCP from the client: skip it
                    in.readUnsignedByte();
                    in.skipNBytes(in.readUnsignedShort());
                    continue;
                }
                in.reset();
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                String h;
                while ((h = line(in)) != null && !h.isEmpty()) {
                    int colon = h.indexOf(':');
                    if (colon > 0) {
                        headers.put(
                                h.substring(0, colon).trim().toLowerCase(),
                                h.substring(colon + 1).trim());
                    }
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                in.skipNBytes(length);
                String[] parts = requestLine.split(" ");
                answer(session, parts[0], URI.create(parts[1]), headers);
            }
        } catch (IOException | RuntimeException e) {
            // client gone or cut off
        } finally {
            sessions.remove(session);
        }
    }

    private void answer(Session session, String method, URI url, Map<String, String> headers) throws IOException {
        String cseq = headers.getOrDefault("cseq", "0");
        String path = url.getPath() == null ? "" : url.getPath();
        switch (method) {
            case "OPTIONS" ->
                reply(
                        session,
                        "200 OK",
                        cseq,
                        "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n",
                        null);
            case "DESCRIBE" -> {
                described.add(path);
                if (!paths.contains(path)) {
                    reply(session, "404 Not Found", cseq, "", null);
                    return;
                }
                session.path = path;
                String sdp = sdp();
                reply(session, "200 OK", cseq, "Content-Base: " + url + "/\r\nContent-Type: application/sdp\r\n", sdp);
            }
            case "SETUP" -> {
                String transport = headers.getOrDefault("transport", "");
                if (!transport.contains("TCP")) {
                    reply(session, "461 Unsupported Transport", cseq, "", null);
                    return;
                }
                reply(
                        session,
                        "200 OK",
                        cseq,
                        "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 4711;timeout=60\r\n",
                        null);
            }
            case "PLAY" -> {
                if (session.path == null || !paths.contains(session.path)) {
                    reply(session, "404 Not Found", cseq, "", null);
                    return;
                }
                reply(session, "200 OK", cseq, "Session: 4711\r\nRange: npt=0.000-\r\n", null);
                session.playing = true;
            }
            case "GET_PARAMETER", "SET_PARAMETER" -> reply(session, "200 OK", cseq, "Session: 4711\r\n", null);
            case "TEARDOWN" -> {
                reply(session, "200 OK", cseq, "Session: 4711\r\n", null);
                session.close();
            }
            default -> reply(session, "501 Not Implemented", cseq, "", null);
        }
    }

    /** FFmpeg's SDP for the session: the media port zeroed (the client gets RTP interleaved) and a control URL. */
    private String sdp() throws IOException {
        Process encoder = encoder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(sdpFile) || !Files.readString(sdpFile).contains("a=rtpmap")) {
            if (System.nanoTime() > end || !encoder.isAlive()) {
                throw new IOException("ffmpeg wrote no SDP");
            }
            try {
                Thread.sleep(50); // polling a file FFmpeg writes once at start (test infrastructure, not a test wait)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(sdpFile)) {
            if (l.startsWith("m=video")) {
                out.add(l.replaceFirst("m=video \\d+", "m=video 0"));
                out.add("a=control:trackID=0");
            } else if (!l.isBlank()) {
                out.add(l);
            }
        }
        return String.join("\r\n", out) + "\r\n";
    }

    private static void reply(Session session, String status, String cseq, String headers, String body)
            throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = "RTSP/1.0 " + status + "\r\nCSeq: " + cseq + "\r\n" + headers
                + (b.length > 0 ? "Content-Length: " + b.length + "\r\n" : "") + "\r\n";
        synchronized (session.out) {
            session.out.write(head.getBytes(StandardCharsets.US_ASCII));
            session.out.write(b);
            session.out.flush();
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            if (ffmpeg != null) {
                ffmpeg.destroyForcibly();
                try {
                    ffmpeg.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        sessions.forEach(Session::close);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        rtp.close();
        rtcp.close();
    }
}
