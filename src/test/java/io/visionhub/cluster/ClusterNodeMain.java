package io.visionhub.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.context.JdbcContextHistoryLog;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.store.AppendOnlyMigration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * One hub node of the 3-process cluster test ({@link ClusterFailoverTest}) and bench ({@code ClusterFailoverBench}):
 * the hub's own cluster pieces (a Hazelcast member with TCP/IP join on 127.0.0.1, {@link StationOwnership} on
 * {@link StationLeases}) and its ledger ({@link JdbcInspectionLedger}, shared log, station fence) on PostgreSQL, with
 * a simulated camera per station: an image-drop folder {@code inbox/<station>/} whose files are the frames. The
 * station's consumer runs only while this node holds the station's lease: it records each file as an inspection whose
 * id is derived from station and file name, then deletes the file; a file recorded by a node that died before
 * deleting it is found recorded by the next owner and deleted (no second record). The Spring Boot hub and the
 * inference engine are left out to keep three JVMs small on a loaded 2-core machine.
 * <p>
 * Prints one line per fact on stdout for the test: {@code READY node}, {@code ACQUIRED station token},
 * {@code LOST station}, {@code MEMBERS n} (Hazelcast membership changed), {@code FENCED station file} (an append refused because the lease was no longer held),
 * {@code ACKED version} / {@code REFUSED version why} / {@code CONTEXT version} (answers to the MES commands on stdin,
 * {@link #mesCommands}), {@code MERGED} (Hazelcast merged after a split; the context was re-read from its table).
 * Each record carries the production context of line-1 at its capture time (the hub's context store).
 * <p>
 * Arguments (key=value): url, node, bind (address of the Hazelcast member, 127.0.0.1), port, members (host:port,...), stations (a,b,..), inbox, keystore, heads, lease
 * (ms), renew (ms).
 */
public final class ClusterNodeMain {

    private ClusterNodeMain() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            say("ERROR start " + e);
            System.exit(1); // Hazelcast's threads would keep a half-started node alive
        }
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> a = new ConcurrentHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String node = a.get("node");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(a.get("url"));
        hc.setUsername("postgres");
        hc.setPassword("");
        hc.setMaximumPoolSize(6);
        hc.setPoolName("node-" + node);
        HikariDataSource ds = new HikariDataSource(hc);
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .javaMigrations(AppendOnlyMigration.all())
                .outOfOrder(true)
                .load()
                .migrate();

        HazelcastInstance hz =
                hazelcast(node, a.getOrDefault("bind", "127.0.0.1"), Integer.parseInt(a.get("port")), a.get("members"));
        hz.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
                say("MEMBERS " + e.getMembers().size());
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
                say("MEMBERS " + e.getMembers().size());
            }
        });

        // the hub's context store as ContextConfiguration wires it: the history table the record, the map a cache
        ProductionContextStore contexts = new ProductionContextStore(
                hz.getMap("visionhub-production-context"),
                new JdbcContextHistoryLog(new NamedParameterJdbcTemplate(ds)),
                List.of(),
                100,
                Duration.ofDays(1),
                Clock.systemUTC());
        contexts.start();
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                contexts.resyncFromHistory();
                say("MERGED");
            }
        });
        mesCommands(contexts);

        LedgerProperties p = LedgerProperties.defaults();
        p = p.withHeads(p.heads()
                .withFiles(a.get("keystore"), "cluster-test", a.get("heads"))
                .withEveryRecords(200)
                .withEvery(Duration.ofSeconds(2)));
        KeystoreTreeHeadSigner signer = KeystoreTreeHeadSigner.open(
                Path.of(a.get("keystore")),
                "cluster-test".toCharArray(),
                p.heads().keyAlias());
        JdbcInspectionLedger ledger = new JdbcInspectionLedger(ds, p, signer, Clock.systemUTC());
        ledger.addHeadListener(new HeadsFile(Path.of(a.get("heads"))));
        ledger.setSharedLog(true);
        ledger.start();

        List<String> stations = Arrays.asList(a.get("stations").split(","));
        StationOwnership ownership = new StationOwnership(
                new StationLeases(ds),
                node,
                stations,
                Duration.ofMillis(Long.parseLong(a.get("lease"))),
                Duration.ofMillis(Long.parseLong(a.get("renew"))),
                new HazelcastMembership(hz));
        ledger.setStationFence(ownership);
        Path inbox = Path.of(a.get("inbox"));
        Map<String, Thread> cameras = new ConcurrentHashMap<>();
        ownership.addListener(new StationOwnership.Listener() {
            @Override
            public void acquired(String station, long token) {
                say("ACQUIRED " + station + " " + token);
                Thread t = new Thread(
                        () -> camera(node, station, inbox.resolve(station), ledger, ds, contexts), "camera-" + station);
                t.setDaemon(true);
                Thread old = cameras.put(station, t);
                if (old != null) {
                    old.interrupt();
                }
                t.start();
            }

            @Override
            public void lost(String station, String why) {
                say("LOST " + station);
                Thread t = cameras.remove(station);
                if (t != null) {
                    t.interrupt();
                }
            }
        });
        ownership.start();
        say("READY " + node);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ownership.close();
            ledger.close();
            hz.shutdown();
            ds.close();
        }));
        Thread.currentThread().join();
    }

    static HazelcastInstance hazelcast(String node, String bind, int port, String members) {
        Config config = new Config();
        config.setClusterName("vision-hub-cluster-test");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // few threads: three members share a loaded 2-core machine
        config.setProperty("hazelcast.operation.thread.count", "2");
        config.setProperty("hazelcast.operation.generic.thread.count", "1");
        config.setProperty("hazelcast.io.thread.count", "1");
        config.setProperty("hazelcast.event.thread.count", "1");
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.socket.bind.any", "false");
        // a member paused past the timeout comes back as a split brain: merge soon
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        ClusterProperties.failureDetection(config, Duration.ofSeconds(1), Duration.ofSeconds(4));
        config.getJetConfig().setEnabled(false);
        config.getMemberAttributeConfig().setAttribute(HazelcastMembership.NODE_ATTRIBUTE, node);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(bind);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(Arrays.asList(members.split(",")));
        return Hazelcast.newHazelcastInstance(config);
    }

    /** The simulated camera of one station: records each frame file of its folder, oldest name first. */
    static void camera(
            String node,
            String station,
            Path dir,
            JdbcInspectionLedger ledger,
            DataSource ds,
            ProductionContextStore contexts) {
        while (!Thread.currentThread().isInterrupted()) {
            List<Path> frames;
            try (Stream<Path> s = Files.list(dir)) {
                frames = s.filter(f -> f.getFileName().toString().endsWith(".frame"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                frames = List.of();
            }
            for (Path f : frames) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                String name = f.getFileName().toString();
                String id = UUID.nameUUIDFromBytes((station + "/" + name).getBytes(StandardCharsets.UTF_8))
                        .toString();
                try {
                    InspectionEvent e = event(id, station, name);
                    ledger.append(e.withContext(contexts.at("line-1", e.captureTime())), List.of());
                } catch (RuntimeException e) {
                    if (!recorded(ds, id)) {
                        // not ours any more (the ownership thread stops this camera) or the database is away
                        say("FENCED " + station + " " + name + " "
                                + e.getMessage().replace('\n', ' '));
                        break;
                    }
                    // recorded already (by the previous owner, which died before deleting the file)
                }
                try {
                    Files.delete(f);
                } catch (NoSuchFileException gone) {
                    // deleted by another owner after recording it
                } catch (IOException e) {
                    say("ERROR " + station + " " + name + " " + e);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean recorded(DataSource ds, String id) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inspection WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private static InspectionEvent event(String id, String station, String frame) {
        Instant now = Instant.now();
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                id,
                station,
                "cam-" + station,
                "line-1",
                now,
                now,
                new ModelRef("simulated", "1", "00".repeat(32), "anomaly"),
                InspectionEvent.Verdict.OK,
                List.of(),
                0.1,
                null,
                null,
                InspectionEvent.ContextStatus.MISSING,
                frame,
                null);
    }

    /**
     * The MES side, on stdin (it reaches a node in a network namespace too): {@code PUSH <version>} pushes line-1's
     * context with that version (order {@code PO-<version>}) as the REST API does and answers {@code ACKED <version>}
     * once stored, or {@code REFUSED <version> <why>}; {@code CONTEXT} answers {@code CONTEXT <latest version>}.
     */
    static void mesCommands(ProductionContextStore contexts) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                        for (String l; (l = in.readLine()) != null; ) {
                            String[] w = l.trim().split(" ");
                            if (w[0].equals("PUSH")) {
                                long v = Long.parseLong(w[1]);
                                try {
                                    contexts.update(
                                            "line-1",
                                            new ProductionContext(
                                                    "line-1",
                                                    "PO-" + v,
                                                    "P-100",
                                                    null,
                                                    null,
                                                    "B" + v,
                                                    null,
                                                    "A",
                                                    null,
                                                    null,
                                                    v,
                                                    Instant.now()),
                                            "REST",
                                            "cluster-test");
                                    say("ACKED " + v);
                                } catch (RuntimeException e) {
                                    say("REFUSED " + v + " " + e.toString().replace('\n', ' '));
                                }
                            } else if (w[0].equals("CONTEXT")) {
                                say("CONTEXT "
                                        + contexts.latest("line-1")
                                                .map(ProductionContext::version)
                                                .orElse(0L));
                            }
                        }
                    } catch (IOException e) {
                        // the test closed our stdin
                    }
                },
                "mes-commands");
        t.setDaemon(true);
        t.start();
    }

    static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
