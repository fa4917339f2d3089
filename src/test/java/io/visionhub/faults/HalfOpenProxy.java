package io.visionhub.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a free port of 127.0.0.1 to a target port that can go half-open: after {@link #freeze()} it
 * forwards no byte in either direction and closes nothing (as a dead NAT entry or a pulled cable behind a switch:
 * the client's socket stays ESTABLISHED and its writes succeed), new connections are accepted and starve too. After
 * {@link #thaw()} new connections forward again; the frozen ones stay dead until their client gives up on them.
 */
public final class HalfOpenProxy implements AutoCloseable {

    private final int target;
    private final ServerSocket server;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public HalfOpenProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "half-open-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every connection, open and future, forwards nothing until {@link #thaw()}; none is closed. */
    public void freeze() {
        frozen = true;
        links.forEach(l -> l.dead = true);
    }

    /** New connections forward again; the ones frozen stay dead (their client must notice and reconnect). */
    public void thaw() {
        frozen = false;
    }

    private volatile boolean frozen;

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Link link = new Link(client, frozen);
                links.add(link);
                if (!link.dead) {
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    link.upstream = upstream;
                    pump(link, client, upstream);
                    pump(link, upstream, client);
                }
            } catch (IOException e) {
                if (!closed) {
                    System.out.println("[half-open proxy] " + e);
                }
            }
        }
    }

    private static void pump(Link link, Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[8192];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            if (link.dead) {
                                continue; // swallowed: the peer never hears it, nobody hears a close
                            }
                            out.write(buf, 0, n);
                            out.flush();
                        }
                        if (!link.dead) {
                            link.close();
                        }
                    } catch (IOException e) {
                        if (!link.dead) {
                            link.close();
                        }
                    }
                },
                "half-open-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        links.forEach(Link::close);
    }

    private static final class Link {
        final Socket client;
        volatile Socket upstream;
        volatile boolean dead;

        Link(Socket client, boolean dead) {
            this.client = client;
            this.dead = dead;
        }

        void close() {
            try {
                client.close();
                if (upstream != null) {
                    upstream.close();
                }
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
