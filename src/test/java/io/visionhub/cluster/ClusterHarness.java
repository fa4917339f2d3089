package io.visionhub.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Runs hub nodes ({@link ClusterNodeMain}) as separate JVMs on one PostgreSQL database of their own, feeds their
 * simulated cameras, kills and pauses them, and checks what the database holds. Shared by {@link ClusterFailoverTest}
 * and the bench {@code ClusterFailoverBench}.
 */
public final class ClusterHarness implements AutoCloseable {

    public static final String PG = System.getProperty("visionhub.test.pg-base", "jdbc:postgresql://127.0.0.1:5432/");

    /** A line a node printed, and when the harness read it. */
    public record Line(String node, long nanos, String text) {}

    public final class Node {
        final String name;
        final Process process;
        final int port;

        Node(String name, Process process, int port) {
            this.name = name;
            this.process = process;
            this.port = port;
        }

        public String name() {
            return name;
        }

        public long pid() {
            return process.pid();
        }

        public boolean alive() {
            return process.isAlive();
        }
    }

    /** Where each node runs: the default is this machine's loopback; {@link NetnsNetwork} puts each in a namespace. */
    public interface Placement {
        /** Words before {@code java} (e.g. {@code ip netns exec ns}). */
        default List<String> prefix(int node) {
            return List.of();
        }

        /** The address node i's Hazelcast member binds. */
        default String bind(int node) {
            return "127.0.0.1";
        }

        /** The JDBC URL node i reaches the database by. */
        default String url(int node, String database) {
            return PG + database + "?reWriteBatchedInserts=true";
        }
    }

    private Placement placement = new Placement() {};

    public void place(Placement p) {
        this.placement = p;
    }

    private final Path dir;
    private final String database;
    private final List<String> stations;
    private final Duration lease;
    private final Duration renew;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> produced = new LinkedHashMap<>();
    private final Path keystore;
    private HikariDataSource ds;
    private PrintWriter log;

    public ClusterHarness(Path dir, int stationCount, Duration lease, Duration renew) throws Exception {
        this.dir = dir;
        this.lease = lease;
        this.renew = renew;
        List<String> s = new ArrayList<>();
        for (int i = 1; i <= stationCount; i++) {
            s.add("station-" + i);
            Files.createDirectories(dir.resolve("inbox").resolve("station-" + i));
            produced.put("station-" + i, 0);
        }
        this.stations = List.copyOf(s);
        this.database =
                "vh_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        keystore = dir.resolve("keys/ledger.p12");
        // the nodes share the ledger's key (and record-MAC secret): created once, before any node starts
        KeystoreTreeHeadSigner.openOrCreate(keystore, "cluster-test".toCharArray(), "ledger-head");
        log = new PrintWriter(Files.newBufferedWriter(dir.resolve("nodes.log")), true);
    }

    public static boolean postgresAvailable() {
        try (Connection c = DriverManager.getConnection(PG + "test?connectTimeout=2", "postgres", "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    public Path dir() {
        return dir;
    }

    public List<String> stations() {
        return stations;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Line> lines() {
        return lines;
    }

    public String url() {
        return PG + database + "?reWriteBatchedInserts=true";
    }

    /** Starts n nodes (random ports, TCP/IP join on 127.0.0.1). */
    public void start(int n) throws IOException {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
        }
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < n; i++) {
            members.append(members.isEmpty() ? "" : ",")
                    .append(placement.bind(i))
                    .append(':')
                    .append(ports[i]);
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < n; i++) {
            String name = "node-" + (char) ('a' + i);
            List<String> cmd = new ArrayList<>(placement.prefix(i));
            cmd.addAll(List.of(
                    java,
                    "-Xmx256m",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-XX:CICompilerCount=1",
                    "-Xss512k",
                    "-Dlogback.configurationFile=logback-test.xml",
                    "-cp",
                    cp,
                    ClusterNodeMain.class.getName(),
                    "url=" + placement.url(i, database),
                    "node=" + name,
                    "bind=" + placement.bind(i),
                    "port=" + ports[i],
                    "members=" + members,
                    "stations=" + String.join(",", stations),
                    "inbox=" + dir.resolve("inbox"),
                    "keystore=" + keystore,
                    "heads=" + dir.resolve("heads-" + name + ".jsonl"),
                    "lease=" + lease.toMillis(),
                    "renew=" + renew.toMillis()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Node node = new Node(name, p, ports[i]);
            nodes.add(node);
            Thread reader = new Thread(() -> read(node), "out-" + name);
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void read(Node node) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(node.process.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                long t = System.nanoTime();
                log.println(node.name + " | " + l);
                if (l.matches("^(READY|ACQUIRED|LOST|MEMBERS|FENCED|ERROR|ACKED|REFUSED|CONTEXT|MERGED)( .*)?")) {
                    lines.add(new Line(node.name, t, l));
                    if (l.startsWith("ACKED ")) {
                        acked.accumulateAndGet(Long.parseLong(l.substring(6).trim()), Math::max);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    public DataSourceLike db() {
        if (ds == null) {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(url());
            c.setUsername("postgres");
            c.setPassword("");
            c.setMaximumPoolSize(2);
            ds = new HikariDataSource(c);
        }
        return new DataSourceLike(ds);
    }

    /** The harness's own connection pool to the nodes' database. */
    public record DataSourceLike(HikariDataSource ds) {
        public long count(String sql) throws SQLException {
            try (Connection c = ds.getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits until every node is READY and every station has a live lease that has not moved for `quiet`. */
    public void awaitStable(Duration timeout, Duration quiet) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            long ready =
                    lines.stream().filter(l -> l.text().startsWith("READY")).count();
            if (ready >= nodes.stream().filter(Node::alive).count() && leasedStations() == stations.size()) {
                long lastMove = lines.stream()
                        .filter(l -> l.text().startsWith("ACQUIRED") || l.text().startsWith("LOST"))
                        .mapToLong(Line::nanos)
                        .max()
                        .orElse(0);
                if (System.nanoTime() - lastMove > quiet.toNanos()) {
                    return;
                }
            }
            for (Node n : nodes) {
                if (!n.alive() && !killed.contains(n.name)) {
                    throw new IllegalStateException(n.name + " exited; see " + dir.resolve("nodes.log"));
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("cluster not stable within " + timeout + "; see " + dir.resolve("nodes.log"));
    }

    private long leasedStations() throws SQLException {
        return db().count("SELECT COUNT(*) FROM station_lease WHERE expires_at > "
                + "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)");
    }

    /** Owner of each station now (live leases only). */
    public Map<String, String> owners() throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db().ds().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT station, owner FROM station_lease WHERE expires_at > "
                        + "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private final Set<String> killed = new HashSet<>();

    public Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
    }

    /** The newest context version a node acknowledged (ACKED), whichever node. */
    private final java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();

    /** Context version acknowledged before each frame (by inspection id) was written. */
    private final Map<String, Long> contextBefore = new java.util.concurrent.ConcurrentHashMap<>();

    /** The MES pushes line-1's context with this version to a node (its stdin); see {@link ClusterNodeMain}. */
    public void push(Node n, long version) throws IOException {
        command(n, "PUSH " + version);
    }

    /** Asks a node for the newest context of line-1 it serves; it answers with a CONTEXT line. */
    public void askContext(Node n) throws IOException {
        command(n, "CONTEXT");
    }

    private void command(Node n, String line) throws IOException {
        var out = n.process.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits for a node's line starting with `prefix` after `since`; returns its text or null. */
    public String await(Node n, String prefix, long since, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            for (Line l : lines) {
                if (l.node().equals(n.name) && l.nanos() > since && l.text().startsWith(prefix)) {
                    return l.text();
                }
            }
            Thread.sleep(50);
        }
        return null;
    }

    /** Context versions in the database's history of line-1 (every acknowledged push is there). */
    public List<Long> contextHistory() throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = db().ds().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT version FROM production_context_change WHERE line = 'line-1' ORDER BY version")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /**
     * Records whose context (order {@code PO-<version>}) is older than the newest push acknowledged before their frame
     * was written. Only meaningful while the members see each other: a partitioned member's map is its own.
     */
    public long staleContextRecords() throws SQLException {
        long stale = 0;
        try (Connection c = db().ds().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, production_order FROM inspection")) {
            while (rs.next()) {
                Long before = contextBefore.get(rs.getString(1));
                String order = rs.getString(2);
                long got = order != null && order.startsWith("PO-") ? Long.parseLong(order.substring(3)) : 0;
                if (before != null && got < before) {
                    stale++;
                }
            }
        }
        return stale;
    }

    /** kill -9. */
    public long kill(Node n) throws InterruptedException {
        killed.add(n.name);
        long t = System.nanoTime();
        n.process.destroyForcibly();
        n.process.waitFor();
        return t;
    }

    public void signal(Node n, String signal) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + signal, String.valueOf(n.pid()))
                .inheritIO()
                .start();
        if (p.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + n.pid() + " failed");
        }
    }

    /** Feeds every station's camera one frame each period until stopped (a thread of its own). */
    public final class Load implements AutoCloseable {
        private final AtomicBoolean on = new AtomicBoolean(true);
        private final Thread thread;

        Load(Duration period) {
            thread = new Thread(
                    () -> {
                        while (on.get()) {
                            try {
                                for (String s : stations) {
                                    frame(s);
                                }
                                Thread.sleep(period.toMillis());
                            } catch (InterruptedException e) {
                                return;
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    },
                    "cluster-load");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            on.set(false);
            thread.join();
        }
    }

    public Load load(Duration period) {
        return new Load(period);
    }

    private synchronized void frame(String station) throws IOException {
        int n = produced.merge(station, 1, Integer::sum);
        contextBefore.put(
                UUID.nameUUIDFromBytes(
                                (station + "/" + String.format("%08d.frame", n)).getBytes(StandardCharsets.UTF_8))
                        .toString(),
                acked.get());
        Path d = dir.resolve("inbox").resolve(station);
        Path tmp = d.resolve(String.format("%08d.tmp", n));
        Files.writeString(tmp, station + " frame " + n);
        Files.move(tmp, d.resolve(String.format("%08d.frame", n)), StandardCopyOption.ATOMIC_MOVE);
    }

    public synchronized int produced() {
        return produced.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Expected inspection ids (as ClusterNodeMain derives them) of every frame produced. */
    public synchronized Set<String> producedIds() {
        Set<String> ids = new HashSet<>();
        produced.forEach((station, n) -> {
            for (int i = 1; i <= n; i++) {
                String name = String.format("%08d.frame", i);
                ids.add(UUID.nameUUIDFromBytes((station + "/" + name).getBytes(StandardCharsets.UTF_8))
                        .toString());
            }
        });
        return ids;
    }

    /** Waits until every camera folder is empty (all frames recorded by some node). */
    public void awaitDrained(Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (pendingFrames() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                pendingFrames() + " frames still unrecorded after " + timeout + "; see " + dir.resolve("nodes.log"));
    }

    public long pendingFrames() throws IOException {
        long n = 0;
        for (String s : stations) {
            try (Stream<Path> f = Files.list(dir.resolve("inbox").resolve(s))) {
                n += f.filter(p -> p.toString().endsWith(".frame")).count();
            }
        }
        return n;
    }

    /** What the database holds against what was produced. */
    public record Tally(
            int produced,
            long recorded,
            long distinct,
            long lost,
            long duplicated,
            long unexpected,
            long orderFaults) {}

    public Tally tally() throws SQLException {
        Set<String> expected = producedIds();
        Map<String, Integer> seen = new HashMap<>();
        try (Connection c = db().ds().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT record_id FROM ledger_leaf WHERE record_type = 'INSPECTION'")) {
            while (rs.next()) {
                seen.merge(rs.getString(1), 1, Integer::sum);
            }
        }
        long recorded = seen.values().stream().mapToInt(Integer::intValue).sum();
        long lost = expected.stream().filter(id -> !seen.containsKey(id)).count();
        long duplicated =
                seen.values().stream().filter(v -> v > 1).mapToLong(v -> v - 1).sum();
        long unexpected =
                seen.keySet().stream().filter(id -> !expected.contains(id)).count();
        return new Tally(expected.size(), recorded, seen.size(), lost, duplicated, unexpected, tokenOrderFaults());
    }

    /**
     * Single owner: along the log, each station's fencing tokens never go back (no record of an older owner after
     * a newer one's), and each token belongs to one node. Returns the number of violations.
     */
    public long tokenOrderFaults() throws SQLException {
        try (Connection c = db().ds().getConnection()) {
            return tokenOrderFaults(c);
        }
    }

    /** The same on a connection to the nodes' database (for tests that start the nodes themselves). */
    public static long tokenOrderFaults(Connection c) throws SQLException {
        long faults = 0;
        Map<String, Long> lastToken = new HashMap<>();
        Map<String, String> ownerOf = new HashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT station, owner, token FROM station_append ORDER BY ledger_seq")) {
            while (rs.next()) {
                String station = rs.getString(1);
                long token = rs.getLong(3);
                Long last = lastToken.put(station, token);
                if (last != null && token < last) {
                    faults++;
                }
                String prev = ownerOf.putIfAbsent(station + "#" + token, rs.getString(2));
                if (prev != null && !prev.equals(rs.getString(2))) {
                    faults++;
                }
            }
        }
        return faults;
    }

    /** Verifies the one log all nodes appended to, against the heads every node published. */
    public VerificationReport verify() throws Exception {
        KeystoreTreeHeadSigner keys =
                KeystoreTreeHeadSigner.open(keystore, "cluster-test".toCharArray(), "ledger-head");
        List<Path> headsFiles;
        try (Stream<Path> s = Files.list(dir)) {
            headsFiles = s.filter(p -> p.getFileName().toString().startsWith("heads-"))
                    .toList();
        }
        return new LedgerVerifier(
                        new JdbcLedgerReader(db().ds()),
                        List.of(keys.publicKey()),
                        () -> {
                            List<SignedTreeHead> all = new ArrayList<>();
                            headsFiles.forEach(f -> all.addAll(HeadsFile.read(f)));
                            return all;
                        },
                        null,
                        Clock.systemUTC(),
                        keys.recordMac(),
                        null)
                .verify();
    }

    @Override
    public void close() throws Exception {
        for (Node n : nodes) {
            if (n.alive()) {
                try {
                    signal(n, "CONT");
                } catch (IOException e) {
                    // already running
                }
                n.process.destroyForcibly();
                n.process.waitFor();
            }
        }
        if (ds != null) {
            ds.close();
        }
        if (log != null) {
            log.close();
        }
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
