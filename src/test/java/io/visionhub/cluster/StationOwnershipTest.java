package io.visionhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.LedgerWrite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Station leases and ownership on H2 (the SQL runs on both databases; a cluster needs PostgreSQL, see
 * {@link SharedLedgerFenceTest} and {@link ClusterFailoverTest}), with the membership given by the test.
 */
class StationOwnershipTest {

    @TempDir
    Path dir;

    private HikariDataSource ds;
    private final List<StationOwnership> nodes = new ArrayList<>();

    @BeforeEach
    void open() {
        ds = LedgerTestSupport.h2(dir);
    }

    @AfterEach
    void close() {
        nodes.forEach(StationOwnership::close);
        ds.close();
    }

    private StationOwnership node(String name, List<String> members, List<String> events) {
        StationOwnership o = new StationOwnership(
                new StationLeases(ds),
                name,
                List.of("s1", "s2", "s3", "s4"),
                Duration.ofMillis(600),
                Duration.ofMillis(100),
                () -> members);
        o.addListener(new StationOwnership.Listener() {
            @Override
            public void acquired(String station, long token) {
                events.add(name + " +" + station + "#" + token);
            }

            @Override
            public void lost(String station, String why) {
                events.add(name + " -" + station);
            }
        });
        nodes.add(o);
        return o;
    }

    @Test
    void leaseIsTakenOnceRenewedByItsHolderAndTakenOverWithAHigherTokenWhenItEnds() throws Exception {
        StationLeases leases = new StationLeases(ds);
        assertThat(leases.acquire("s1", "a", Duration.ofMillis(300))).hasValue(1);
        assertThat(leases.acquire("s1", "b", Duration.ofMillis(300))).isEmpty();
        assertThat(leases.renew("s1", "a", 1, Duration.ofMillis(300))).isTrue();
        assertThat(leases.renew("s1", "b", 1, Duration.ofMillis(300)))
                .as("not b's")
                .isFalse();
        Thread.sleep(400);
        assertThat(leases.renew("s1", "a", 1, Duration.ofMillis(300)))
                .as("ended leases are not renewed")
                .isFalse();
        assertThat(leases.acquire("s1", "b", Duration.ofSeconds(10))).hasValue(2);
        leases.release("s1", "b", 1); // an old token releases nothing
        assertThat(leases.acquire("s1", "a", Duration.ofSeconds(10))).isEmpty();
        leases.release("s1", "b", 2);
        assertThat(leases.acquire("s1", "a", Duration.ofSeconds(10))).hasValue(3);
        assertThat(leases.all().get("s1").owner()).isEqualTo("a");
    }

    @Test
    void eachStationGoesToOneMemberAndMovesOnlyWhenItsMemberLeaves() throws Exception {
        List<String> members = new CopyOnWriteArrayList<>(List.of("a", "b"));
        List<String> events = new CopyOnWriteArrayList<>();
        StationOwnership a = node("a", members, events);
        StationOwnership b = node("b", members, events);
        for (int i = 0; i < 3; i++) {
            a.tick();
            b.tick();
        }
        assertThat(a.held()).doesNotContainAnyElementsOf(b.held());
        assertThat(union(a, b)).containsExactlyInAnyOrder("s1", "s2", "s3", "s4");
        for (String s : List.of("s1", "s2", "s3", "s4")) {
            assertThat(StationOwnership.preferred(s, members))
                    .isEqualTo(a.held().contains(s) ? "a" : "b");
        }

        // b leaves the membership and stops renewing (dead): a takes b's stations once their leases end
        var bHeld = b.held();
        members.remove("b");
        a.tick();
        assertThat(a.held()).as("b's leases still run").doesNotContainAnyElementsOf(bHeld);
        for (int i = 0; i < 9; i++) { // a renews its own leases meanwhile
            Thread.sleep(100);
            a.tick();
        }
        assertThat(a.held()).containsExactlyInAnyOrder("s1", "s2", "s3", "s4");
        assertThat(new StationLeases(ds).all().values())
                .allSatisfy(l -> assertThat(l.owner()).isEqualTo("a"));

        // b comes back (it was paused): its renewals fail, it stops inspecting and takes nothing a holds
        b.tick();
        assertThat(b.held()).isEmpty();
        for (String s : bHeld) {
            assertThat(events).contains("b -" + s);
        }
        // b rejoins the membership: a hands b's stations over, b takes them with new tokens
        members.add("b");
        a.tick();
        b.tick();
        assertThat(b.held()).containsExactlyInAnyOrderElementsOf(bHeld);
        assertThat(a.held()).doesNotContainAnyElementsOf(bHeld);
    }

    @Test
    void fenceRefusesAStationThisNodeDoesNotHoldAndLeavesOtherStationsAlone() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        StationOwnership a = node("a", List.of("a"), events);
        LedgerWrite w = new LedgerWrite("INSPECTION", "id-1", "{}", List.of());
        assertThatThrownBy(() -> a.fence("s1", w))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("station s1 is not inspected by cluster node a");
        assertThat(a.fence("not-clustered", w)).isSameAs(w);
        a.tick();
        assertThat(a.fence("s1", w).rows()).hasSize(1);
        assertThat(a.fence("s1", w).rows().get(0).sql()).startsWith("INSERT INTO station_append");
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new ClusterProperties(
                        true, "n", List.of(), Duration.ofSeconds(2), Duration.ofSeconds(2), null, null))
                .hasMessageContaining("renew-interval");
        assertThatThrownBy(() -> new ClusterProperties(
                        true, "n", List.of(), null, null, Duration.ofSeconds(5), Duration.ofSeconds(5)))
                .hasMessageContaining("member-timeout");
        assertThat(new ClusterProperties(null, null, null, null, null, null, null).nodeId())
                .isNotBlank();
    }

    @Test
    void cameraRouteOfAStationRunsOnlyWhileThisNodeHoldsItsLease() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> members = new CopyOnWriteArrayList<>(List.of("a"));
        StationOwnership a = node("a", members, events);
        StationClusterService service = new StationClusterService(a);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addService(service);
            camel.addRoutePolicyFactory(new StationRoutePolicyFactory(
                    service, a, e -> e.getEndpointUri().startsWith("timer://s1") ? "s1" : null));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:s1?period=50").routeId("camera-s1").to("log:s1?level=OFF");
                    from("timer:other?period=50").routeId("other").to("log:other?level=OFF");
                }
            });
            camel.start();
            Thread.sleep(300);
            assertThat(camel.getRouteController().getRouteStatus("camera-s1"))
                    .as("no lease yet")
                    .isNotEqualTo(ServiceStatus.Started);
            assertThat(camel.getRouteController().getRouteStatus("other")).isEqualTo(ServiceStatus.Started);
            a.tick();
            awaitStatus(camel, "camera-s1", ServiceStatus.Started);
            members.set(0, "z"); // another member should own everything now: a hands s1 over
            members.add("a");
            while (StationOwnership.preferred("s1", members).equals("a")) {
                members.set(0, members.get(0) + "z");
            }
            a.tick();
            awaitStatus(camel, "camera-s1", ServiceStatus.Stopped);
            assertThat(events).contains("a -s1");
        }
    }

    @Test
    void aCameraRouteStartedBySomethingElseRunsOnlyWhereTheLeaseIsHeld() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> members = new CopyOnWriteArrayList<>(List.of("a", "b"));
        // b is preferred for s1 by both nodes' view of the members: a must not run s1's camera
        while (!members.get(1).equals(StationOwnership.preferred("s1", members))) {
            members.set(1, members.get(1) + "b");
        }
        String b = members.get(1);
        StationOwnership a = node("a", members, events);
        StationOwnership other = node(b, members, events);
        StationClusterService service = new StationClusterService(a);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addService(service);
            camel.addRoutePolicyFactory(new StationRoutePolicyFactory(
                    service, a, e -> e.getEndpointUri().startsWith("timer://s1") ? "s1" : null));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // as routes/demo.yaml's camera: started by the MES simulator through the control bus
                    from("timer:s1?period=50")
                            .routeId("camera-s1")
                            .autoStartup(false)
                            .to("log:s1?level=OFF");
                    from("timer:other?period=50&delay=0")
                            .routeId("starter")
                            .autoStartup(false)
                            .to("controlbus:route?routeId=camera-s1&action=start");
                }
            });
            camel.start();
            a.tick();
            other.tick();
            assertThat(a.held()).doesNotContain("s1");
            assertThat(other.held()).contains("s1");

            // the control bus starts the camera on a node that does not hold the lease: stopped again
            camel.getRouteController().startRoute("starter");
            Thread.sleep(800);
            camel.getRouteController().stopRoute("starter");
            awaitStatus(camel, "camera-s1", ServiceStatus.Stopped);
            Thread.sleep(300);
            assertThat(camel.getRouteController().getRouteStatus("camera-s1"))
                    .as("held off by the lease")
                    .isEqualTo(ServiceStatus.Stopped);

            // the owner dies: a takes s1 over and starts the camera it was asked to start
            members.remove(b);
            other.close();
            Thread.sleep(700); // the lease of 600 ms ends
            a.tick();
            assertThat(a.held()).contains("s1");
            awaitStatus(camel, "camera-s1", ServiceStatus.Started);

            // a loses the lease (taken over after a pause): the camera stops
            new StationLeases(ds).release("s1", "a", 2);
            a.tick();
            awaitStatus(camel, "camera-s1", ServiceStatus.Stopped);

            // an operator stops the route while a holds s1: the request is withdrawn, a new lease does not start it
            a.tick();
            assertThat(a.held()).contains("s1");
            awaitStatus(camel, "camera-s1", ServiceStatus.Started);
            camel.getRouteController().stopRoute("camera-s1");
            new StationLeases(ds).release("s1", "a", 3);
            a.tick();
            a.tick();
            assertThat(a.held()).contains("s1");
            Thread.sleep(300);
            assertThat(camel.getRouteController().getRouteStatus("camera-s1")).isEqualTo(ServiceStatus.Stopped);
        }
    }

    private static void awaitStatus(DefaultCamelContext camel, String route, ServiceStatus status)
            throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (camel.getRouteController().getRouteStatus(route) != status && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(camel.getRouteController().getRouteStatus(route)).isEqualTo(status);
    }

    private static List<String> union(StationOwnership... o) {
        List<String> all = new ArrayList<>();
        for (StationOwnership x : o) {
            all.addAll(x.held());
        }
        return all;
    }
}
