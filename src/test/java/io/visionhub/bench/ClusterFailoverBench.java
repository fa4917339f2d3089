package io.visionhub.bench;

import io.visionhub.cluster.ClusterHarness;
import io.visionhub.cluster.ClusterHarness.Line;
import io.visionhub.cluster.ClusterHarness.Node;
import io.visionhub.cluster.ClusterHarness.Tally;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Failover time of the hub cluster (issue 20): per round, three hub nodes ({@code ClusterNodeMain}, one JVM each, on
 * a PostgreSQL database of their own), six stations fed 5 frames/s each, kill -9 of the node with the most stations.
 * Prints, per station of the killed node, the time from the kill to the lease taken by a survivor (camera started)
 * and to the station's first record by its new owner, and the round's produced/recorded/lost/duplicated counts.
 * <p>
 * {@code bench/run ClusterFailoverBench [rounds] [lease-ms] [renew-ms]} (defaults 3, 4000, 1000). Needs PostgreSQL on
 * 127.0.0.1:5432 (user postgres).
 */
public final class ClusterFailoverBench {

    private ClusterFailoverBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Duration lease = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 4000);
        Duration renew = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 1000);
        if (!ClusterHarness.postgresAvailable()) {
            System.out.println("no PostgreSQL at " + ClusterHarness.PG + "test: nothing measured");
            return;
        }
        List<Long> leaseTaken = new ArrayList<>();
        List<Long> firstRecord = new ArrayList<>();
        System.out.printf(
                "cluster failover: 3 nodes (-Xmx256m, C1), 6 stations x 5 frames/s, lease %d ms, renew %d ms, "
                        + "Hazelcast member timeout 4 s%n",
                lease.toMillis(), renew.toMillis());
        System.out.println("| round | killed | stations moved | lease taken after (ms) | first record after (ms) | "
                + "produced | recorded | lost | duplicated | order faults |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int r = 1; r <= rounds; r++) {
            Path dir = Files.createTempDirectory("cluster-bench");
            try (ClusterHarness cluster = new ClusterHarness(dir, 6, lease, renew)) {
                cluster.start(3);
                cluster.awaitStable(Duration.ofSeconds(180), Duration.ofSeconds(3));
                Map<String, String> owners = cluster.owners();
                Map<String, Long> count =
                        owners.values().stream().collect(Collectors.groupingBy(o -> o, Collectors.counting()));
                String victimName = Collections.max(count.entrySet(), Map.Entry.comparingByValue())
                        .getKey();
                Node victim = cluster.node(victimName);
                List<String> moved = owners.entrySet().stream()
                        .filter(e -> e.getValue().equals(victimName))
                        .map(Map.Entry::getKey)
                        .sorted()
                        .toList();
                long killedAt;
                long killedWall;
                try (ClusterHarness.Load load = cluster.load(Duration.ofMillis(200))) {
                    Thread.sleep(3000);
                    killedWall = System.currentTimeMillis();
                    killedAt = cluster.kill(victim);
                    Thread.sleep(15_000);
                }
                cluster.awaitDrained(Duration.ofSeconds(120));
                Map<String, Long> taken = new HashMap<>();
                for (Line l : cluster.lines()) {
                    if (l.nanos() > killedAt && l.text().startsWith("ACQUIRED ")) {
                        String s = l.text().split(" ")[1];
                        if (moved.contains(s)) {
                            taken.putIfAbsent(s, (l.nanos() - killedAt) / 1_000_000);
                        }
                    }
                }
                Map<String, Long> first = new HashMap<>();
                try (Connection c = cluster.db().ds().getConnection();
                        PreparedStatement ps = c.prepareStatement("SELECT MIN(l.recorded_at) FROM station_append a "
                                + "JOIN ledger_leaf l ON l.seq = a.ledger_seq WHERE a.station = ? AND a.owner <> ?")) {
                    for (String s : moved) {
                        ps.setString(1, s);
                        ps.setString(2, victimName);
                        try (ResultSet rs = ps.executeQuery()) {
                            Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
                            if (t != null) {
                                first.put(s, t.getTime() - killedWall);
                            }
                        }
                    }
                }
                leaseTaken.addAll(taken.values());
                firstRecord.addAll(first.values());
                Tally t = cluster.tally();
                System.out.printf(
                        "| %d | %s | %s | %s | %s | %d | %d | %d | %d | %d |%n",
                        r,
                        victimName,
                        moved,
                        sorted(taken, moved),
                        sorted(first, moved),
                        t.produced(),
                        t.recorded(),
                        t.lost(),
                        t.duplicated(),
                        t.orderFaults());
            }
        }
        System.out.printf("lease taken after kill -9: %s%n", summary(leaseTaken));
        System.out.printf("first record by the new owner after kill -9: %s%n", summary(firstRecord));
    }

    private static String sorted(Map<String, Long> m, List<String> keys) {
        return keys.stream().map(k -> String.valueOf(m.get(k))).collect(Collectors.joining(", "));
    }

    private static String summary(List<Long> v) {
        if (v.isEmpty()) {
            return "none";
        }
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return String.format(
                "n=%d min %d ms, median %d ms, max %d ms",
                s.size(), s.get(0), s.get(s.size() / 2), s.get(s.size() - 1));
    }
}
