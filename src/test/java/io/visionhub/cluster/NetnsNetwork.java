package io.visionhub.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real network for cluster nodes (Linux network namespaces, root only): each node i runs in namespace {@code vhn<r><i>}
 * with two links to the test's namespace: a cluster link (veth {@code eth0}, on one bridge with the other nodes' cluster
 * links: Hazelcast) and a database link (veth {@code db0}, point to point: the test forwards it to PostgreSQL, which
 * listens on 127.0.0.1 only). {@link #partition} takes a node's cluster link off the bridge (cut from the other members,
 * database still reachable); {@link #cutDatabase} takes its database link down too.
 */
public final class NetnsNetwork implements ClusterHarness.Placement, AutoCloseable {

    private final String r = UUID.randomUUID().toString().substring(0, 4);
    private final int net;
    private final int nodes;
    private final List<ServerSocket> forwarders = new ArrayList<>();
    private final int pgPort;
    private boolean bridge;
    private final List<Integer> made = new ArrayList<>();

    /** Whether this process may create network namespaces (root with iproute2). */
    public static boolean available() {
        String probe = "vhprobe" + UUID.randomUUID().toString().substring(0, 4);
        try {
            if (run("ip", "netns", "add", probe) != 0) {
                return false;
            }
            run("ip", "netns", "del", probe);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public NetnsNetwork(int nodes, int pgPort) throws IOException {
        this.nodes = nodes;
        this.pgPort = pgPort;
        this.net = freeSecondOctet();
        try {
            must("ip", "link", "add", "name", bridgeName(), "type", "bridge");
            bridge = true;
            must("ip", "link", "set", bridgeName(), "up");
            for (int i = 0; i < nodes; i++) {
                String ns = ns(i);
                must("ip", "netns", "add", ns);
                made.add(i);
                must("ip", "-n", ns, "link", "set", "lo", "up");
                must("ip", "link", "add", "vc" + r + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
                must("ip", "link", "set", "vc" + r + i, "master", bridgeName());
                must("ip", "link", "set", "vc" + r + i, "up");
                must("ip", "-n", ns, "addr", "add", bind(i) + "/24", "dev", "eth0");
                must("ip", "-n", ns, "link", "set", "eth0", "up");
                must("ip", "link", "add", "vd" + r + i, "type", "veth", "peer", "name", "db0", "netns", ns);
                must("ip", "addr", "add", dbGateway(i) + "/24", "dev", "vd" + r + i);
                must("ip", "link", "set", "vd" + r + i, "up");
                must("ip", "-n", ns, "addr", "add", "10." + net + "." + (10 + i) + ".2/24", "dev", "db0");
                must("ip", "-n", ns, "link", "set", "db0", "up");
                forward(dbGateway(i));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private String bridgeName() {
        return "vb" + r;
    }

    private String ns(int i) {
        return "vhn" + r + i;
    }

    private String dbGateway(int i) {
        return "10." + net + "." + (10 + i) + ".1";
    }

    @Override
    public List<String> prefix(int node) {
        return List.of("ip", "netns", "exec", ns(node));
    }

    @Override
    public String bind(int node) {
        return "10." + net + ".1." + (10 + node);
    }

    @Override
    public String url(int node, String database) {
        return "jdbc:postgresql://" + dbGateway(node) + ":"
                + forwarders.get(node).getLocalPort() + "/" + database
                + "?reWriteBatchedInserts=true&connectTimeout=5&socketTimeout=30";
    }

    /** Cuts node i off the other members (its database link stays). */
    public void partition(int i) throws IOException {
        must("ip", "link", "set", "vc" + r + i, "nomaster");
    }

    public void heal(int i) throws IOException {
        must("ip", "link", "set", "vc" + r + i, "master", bridgeName());
    }

    /** Cuts node i off the database too (link down on the test's side). */
    public void cutDatabase(int i) throws IOException {
        must("ip", "link", "set", "vd" + r + i, "down");
    }

    public void restoreDatabase(int i) throws IOException {
        must("ip", "link", "set", "vd" + r + i, "up");
    }

    /** Forwards connections on address:free port to PostgreSQL on 127.0.0.1. */
    private void forward(String address) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(address));
        forwarders.add(server);
        Thread t = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            Socket in = server.accept();
                            Socket out = new Socket("127.0.0.1", pgPort);
                            pipe(in, out);
                            pipe(out, in);
                        } catch (IOException e) {
                            // closed
                        }
                    }
                },
                "pg-forward-" + address);
        t.setDaemon(true);
        t.start();
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        byte[] buf = new byte[16384];
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // one side closed
                    } finally {
                        try {
                            from.close();
                            to.close();
                        } catch (IOException e) {
                            // closing
                        }
                    }
                },
                "pg-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static int freeSecondOctet() throws IOException {
        Process p =
                new ProcessBuilder("ip", "-4", "addr").redirectErrorStream(true).start();
        String used = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        for (int tries = 0; tries < 100; tries++) {
            int n = ThreadLocalRandom.current().nextInt(100, 200);
            if (!used.contains(" 10." + n + ".")) {
                return n;
            }
        }
        throw new IOException("no free 10.x.0.0/16 for the test network");
    }

    private static int run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getInputStream().readAllBytes();
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
    }

    private static void must(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket s : forwarders) {
            s.close();
        }
        for (int i : made) {
            run("ip", "link", "del", "vd" + r + i);
            run("ip", "link", "del", "vc" + r + i);
            run("ip", "netns", "del", ns(i));
        }
        if (bridge) {
            run("ip", "link", "del", bridgeName());
        }
    }
}
