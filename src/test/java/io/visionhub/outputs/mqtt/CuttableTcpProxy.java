package io.visionhub.outputs.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to a broker whose connections can be cut at once, as a crashed hub or a pulled cable would: the
 * broker sees the sockets close without an MQTT DISCONNECT and publishes the wills. It keeps listening, so the
 * clients can reconnect.
 */
final class CuttableTcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    CuttableTcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "cut-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Closes every relayed connection (both sides); new ones are relayed at once, as after a short network cut. */
    void cut() {
        // remove each socket closed, not clear() after the loop: a client reconnecting during the cut would
        // otherwise be forgotten unclosed, and the next cut would not reach it (no will: a flaky CI failure)
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            open.remove(s);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(in);
                open.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                // closed, or the broker refused: the client retries
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    try (InputStream i = from.getInputStream();
                            OutputStream o = to.getOutputStream()) {
                        i.transferTo(o);
                    } catch (IOException ignored) {
                        // cut
                    } finally {
                        try {
                            from.close();
                            to.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                },
                "cut-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
