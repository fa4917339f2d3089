package io.visionhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.cluster.ClusterHarness.Line;
import io.visionhub.cluster.ClusterHarness.Node;
import io.visionhub.cluster.ClusterHarness.Tally;
import io.visionhub.ledger.verify.VerificationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hub nodes as three JVMs on one PostgreSQL database (a database of their own): kill -9 of the node with the
 * most stations under load, then a SIGSTOP pause of another past its lease. Proves: the killed node's stations resume
 * on the others within {@code visionhub.cluster.test.max-failover} (10 s), no frame lost, none recorded twice, no
 * station recorded by two nodes (fencing tokens in log order), and the one log of all nodes verifies against the
 * heads every node published. Skipped without PostgreSQL on 127.0.0.1:5432. Failover figures: bench/README-cluster.md.
 */
class ClusterFailoverTest {

    static final Duration MAX_FAILOVER =
            Duration.parse(System.getProperty("visionhub.cluster.test.max-failover", "PT10S"));
    static final Duration LEASE = Duration.ofSeconds(4);
    static final Duration RENEW = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(
                ClusterHarness.postgresAvailable(),
                "no PostgreSQL at " + ClusterHarness.PG
                        + "test (user postgres): the 3-process cluster test is skipped");
    }

    @Test
    void killedNodesStationsResumeElsewhereAndAPausedNodeCannotRecordForStationsItLost() throws Exception {
        try (ClusterHarness cluster = new ClusterHarness(dir, 6, LEASE, RENEW)) {
            cluster.start(3);
            cluster.awaitStable(Duration.ofSeconds(150), Duration.ofSeconds(3));

            // --- kill -9 under load
            Map<String, String> before = cluster.owners();
            Node victim = busiest(cluster, before);
            Set<String> moved = stationsOf(before, victim.name());
            assertThat(moved).as("the node to kill inspects stations").isNotEmpty();
            long killedAt;
            try (ClusterHarness.Load load = cluster.load(Duration.ofMillis(200))) {
                Thread.sleep(3000);
                killedAt = cluster.kill(victim);
                Thread.sleep(MAX_FAILOVER.toMillis() + 3000);
            }
            Map<String, Long> resumedAfter = resumedAfter(cluster, moved, killedAt, victim.name());
            System.out.printf("kill -9 %s: stations %s resumed after %s ms%n", victim.name(), moved, resumedAfter);
            assertThat(resumedAfter.keySet())
                    .as("every station of the killed node resumed")
                    .isEqualTo(moved);
            resumedAfter.forEach((station, ms) -> assertThat(ms)
                    .as("%s resumed within %s", station, MAX_FAILOVER)
                    .isLessThan(MAX_FAILOVER.toMillis()));
            cluster.awaitDrained(Duration.ofSeconds(90));
            Tally afterKill = cluster.tally();
            System.out.println("after kill -9: " + afterKill);
            assertThat(afterKill.lost()).as("lost").isZero();
            assertThat(afterKill.duplicated()).as("duplicated").isZero();
            assertThat(afterKill.unexpected()).isZero();
            assertThat(afterKill.orderFaults())
                    .as("records of a station under an older owner after a newer one")
                    .isZero();
            assertThat(afterKill.produced()).isPositive();

            // --- pause a node past its lease (SIGSTOP), let the other take its stations, resume it (SIGCONT)
            cluster.awaitStable(Duration.ofSeconds(60), Duration.ofSeconds(2));
            Map<String, String> owners = cluster.owners();
            Node paused = cluster.nodes().stream()
                    .filter(Node::alive)
                    .filter(n -> !stationsOf(owners, n.name()).isEmpty())
                    .findFirst()
                    .orElseThrow();
            Set<String> pausedStations = stationsOf(owners, paused.name());
            long pausedAt;
            try (ClusterHarness.Load load = cluster.load(Duration.ofMillis(200))) {
                Thread.sleep(1000);
                pausedAt = System.nanoTime();
                cluster.signal(paused, "STOP");
                Thread.sleep(LEASE.toMillis() + MAX_FAILOVER.toMillis());
                cluster.signal(paused, "CONT");
                Thread.sleep(4000);
            }
            Map<String, Long> takenOver = resumedAfter(cluster, pausedStations, pausedAt, paused.name());
            System.out.printf(
                    "SIGSTOP %s: stations %s taken over after %s ms%n", paused.name(), pausedStations, takenOver);
            assertThat(takenOver.keySet())
                    .as("the other node took every station of the paused one")
                    .isEqualTo(pausedStations);
            List<String> lostByPaused = cluster.lines().stream()
                    .filter(l -> l.node().equals(paused.name())
                            && l.nanos() > pausedAt
                            && l.text().startsWith("LOST "))
                    .map(l -> l.text().substring(5))
                    .toList();
            assertThat(lostByPaused)
                    .as("the resumed node noticed it lost its stations")
                    .containsAll(pausedStations);
            cluster.awaitDrained(Duration.ofSeconds(90));
            Tally end = cluster.tally();
            long fenced = cluster.lines().stream()
                    .filter(l -> l.node().equals(paused.name()) && l.text().startsWith("FENCED"))
                    .count();
            System.out.println("after SIGSTOP/SIGCONT: " + end + ", appends refused on the resumed node: " + fenced);
            assertThat(end.lost()).as("lost").isZero();
            assertThat(end.duplicated()).as("duplicated").isZero();
            assertThat(end.unexpected()).isZero();
            assertThat(end.orderFaults()).as("a station recorded by two nodes").isZero();

            VerificationReport report = cluster.verify();
            System.out.println("ledger verification across nodes: " + report.summary());
            assertThat(report.findings()).isEmpty();
            assertThat(report.ok()).isTrue();
            assertThat(report.records()).isGreaterThanOrEqualTo(end.recorded());
        }
    }

    /** The live node holding the most stations. */
    static Node busiest(ClusterHarness cluster, Map<String, String> owners) {
        Map<String, Long> count =
                owners.values().stream().collect(Collectors.groupingBy(o -> o, Collectors.counting()));
        String name = count.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        return cluster.node(name);
    }

    static Set<String> stationsOf(Map<String, String> owners, String node) {
        return owners.entrySet().stream()
                .filter(e -> e.getValue().equals(node))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** For each station, ms from `since` to the first ACQUIRED by a node other than `from`. */
    static Map<String, Long> resumedAfter(ClusterHarness cluster, Set<String> stations, long since, String from) {
        Map<String, Long> out = new HashMap<>();
        for (Line l : cluster.lines()) {
            if (l.nanos() > since && !l.node().equals(from) && l.text().startsWith("ACQUIRED ")) {
                String station = l.text().split(" ")[1];
                if (stations.contains(station)) {
                    out.putIfAbsent(station, (l.nanos() - since) / 1_000_000);
                }
            }
        }
        return out;
    }
}
