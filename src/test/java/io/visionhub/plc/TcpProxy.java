package io.visionhub.plc;

import io.visionhub.outputs.PortPicker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder between the hub and a {@link PlcSimulator} (or any server: the fault matrix puts one before the MQTT
 * broker) that can be cut (every connection closed, new ones closed at once, as with a pulled cable or a PLC
 * restarting), stalled (half-open: nothing forwarded either way and nothing closed, as behind a dead NAT entry, so the
 * client's socket stays ESTABLISHED and only its own keep-alive can tell) and restored.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** Sockets of stalled connections: what they read is dropped, and they stay open until their client gives up. */
    private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();

    private volatile boolean open = true;
    private volatile boolean stalling;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(PortPicker.ephemeral("127.0.0.1"), 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The URL of a simulator's endpoint through this proxy. */
    String via(String endpointUrl) {
        return endpointUrl.replace(":" + targetPort + "/", ":" + port() + "/");
    }

    public void cut() {
        open = false;
        for (Socket s : sockets) { // remove each closed: one accepted during the cut stays known to the next
            closeQuietly(s);
            sockets.remove(s);
        }
    }

    /** Half-open: every connection, open and new, forwards nothing and is not closed, until {@link #restore()}. */
    public void stall() {
        stalling = true;
        stalled.addAll(sockets);
    }

    /** New connections forward again; stalled ones stay dead until their client closes them. */
    public void restore() {
        open = true;
        stalling = false;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                if (!open) {
                    in.close();
                    continue;
                }
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                sockets.add(in);
                sockets.add(out);
                if (stalling) {
                    stalled.add(in);
                    stalled.add(out);
                }
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                // closed, or the target refused: the client sees the connection drop
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16384];
                    try {
                        InputStream i = from.getInputStream();
                        OutputStream o = to.getOutputStream();
                        int n;
                        while ((n = i.read(buf)) >= 0) {
                            if (stalled.contains(from)) {
                                continue; // half-open: the peer never hears it
                            }
                            o.write(buf, 0, n);
                            o.flush();
                        }
                    } catch (IOException e) {
                        // cut
                    } finally {
                        closeQuietly(from);
                        if (!stalled.contains(to)) {
                            closeQuietly(to); // a stalled peer hears nothing, not even a close
                        }
                    }
                },
                "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
