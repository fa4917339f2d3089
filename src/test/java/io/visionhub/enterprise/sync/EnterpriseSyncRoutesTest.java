package io.visionhub.enterprise.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import io.visionhub.context.ContextConfiguration;
import io.visionhub.context.ContextProperties;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.outbox.OutboxTestDb;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.simulators.EnterpriseSimulators;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduled syncs against the SAP simulator, read through camel-sap-netweaver. */
class EnterpriseSyncRoutesTest {

    @TempDir
    Path tmp;

    private EnterpriseSimulators sims;
    private OutboxTestDb db;
    private final List<CamelContext> contexts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        sims = EnterpriseSimulators.onFreePorts();
        sims.sap().seedDemoProductionOrders();
        db = OutboxTestDb.inMemory();
    }

    @AfterEach
    void tearDown() {
        contexts.forEach(CamelContext::stop);
        sims.close();
    }

    private ProductionOrderSync sync() {
        return new ProductionOrderSync(
                db.dataSource(),
                new EnterpriseTargets(TestEvents.targets(sims, Duration.ofSeconds(5)), n -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                "demo-customer",
                "sap-qm-ud");
    }

    private CamelContext camel(
            ProductionOrderSync sync, String ordersTrigger, String summaryTrigger, CamelClusterService cluster)
            throws Exception {
        CamelContext c = new DefaultCamelContext();
        if (cluster != null) {
            c.addService(cluster);
        }
        EnterpriseProperties.Sync cfg = EnterpriseProperties.Sync.defaults();
        c.addRoutes(new EnterpriseSyncRoutes(cfg, sims.sap().baseUrl(), sync, ordersTrigger, summaryTrigger));
        c.start();
        contexts.add(c);
        return c;
    }

    @Test
    void releasedProductionOrdersAreReadThroughSapNetweaverAndOffered() throws Exception {
        ProductionOrderSync sync = sync();
        CamelContext c = camel(sync, "direct:orders", "direct:summary", null);
        c.createProducerTemplate().sendBody("direct:orders", null);
        assertThat(sync.offers())
                .extracting(ProductionOrderOffer::productionOrder)
                .containsExactlyInAnyOrder("000001000001", "000001000002");
        assertThat(sync.offers()).allSatisfy(o -> assertThat(o.released()).isTrue());
    }

    @Test
    void completedOrderGetsOneUsageDecisionEvenWhenPushedTwice() throws Exception {
        for (int i = 0; i < 9; i++) {
            db.record(
                    TestEvents.ok("station-1")
                            .withContext(TestEvents.ng("station-1", "x").context()),
                    "none",
                    "NONE",
                    "k" + i);
        }
        InspectionEvent ng = TestEvents.ng(UUID.randomUUID().toString(), "station-1", "crack", Instant.now());
        db.record(ng, "none", "NONE", "ng");
        sims.sap().completeProductionOrder("000001000001");

        CamelContext c = camel(sync(), "direct:orders", "direct:summary", null);
        c.createProducerTemplate().sendBody("direct:summary", null);
        assertThat(sims.sap().usageDecisions().count()).isEqualTo(1);
        var ud = sims.sap().usageDecisions().all().get(0);
        assertThat(ud.number()).isEqualTo("010000000123");
        assertThat(ud.fields()).containsEntry("InspectionLotUsageDecisionCode", "R"); // 1 NG in 10 = 10 % > 2 %

        // a second node (fresh state) pushing again finds the decision and creates none
        CamelContext other = camel(sync(), "direct:orders2", "direct:summary2", null);
        other.createProducerTemplate().sendBody("direct:summary2", null);
        assertThat(sims.sap().usageDecisions().count()).isEqualTo(1);
    }

    @Test
    void withMasterOnlyOneNodeRunsTheSync() throws Exception {
        ProductionOrderSync a = sync();
        ProductionOrderSync b = sync();
        String trigger = "master:enterprise-production-orders:timer:orders-%s?period=200";
        camel(a, trigger.formatted("a"), "direct:sa", cluster("node-a"));
        camel(b, trigger.formatted("b"), "direct:sb", cluster("node-b"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !a.offers().isEmpty() || !b.offers().isEmpty());
        assertThat(a.offers().isEmpty() ^ b.offers().isEmpty())
                .as("exactly one node ran the sync")
                .isTrue();
    }

    @Test
    void sapDownIsRetriedThenReportedWithoutOffers() throws Exception {
        sims.sap().faults().down(true);
        ProductionOrderSync sync = sync();
        CamelContext c = camel(sync, "direct:orders", "direct:summary", null);
        var ex = c.createProducerTemplate().send("direct:orders", e -> {});
        assertThat(ex.getException()).isNotNull();
        assertThat(sync.offers()).isEmpty();
    }

    @Test
    void withMasterOnHazelcastOnlyOneMemberRunsTheSyncAndAnotherTakesOverWhenItLeaves() throws Exception {
        String name = "sync-test-" + UUID.randomUUID();
        int p1 = freePort();
        int p2 = freePort();
        List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
        var hzA = Hazelcast.newHazelcastInstance(ContextConfiguration.memberConfig(
                new ContextProperties.Hazelcast(name, p1, members, null, "127.0.0.1", true)));
        var hzB = Hazelcast.newHazelcastInstance(ContextConfiguration.memberConfig(
                new ContextProperties.Hazelcast(name, p2, members, null, "127.0.0.1", true)));
        try {
            ProductionOrderSync a = sync();
            ProductionOrderSync b = sync();
            String trigger = "master:enterprise-production-orders:timer:orders-%s?period=200";
            CamelContext ca = camel(
                    a,
                    trigger.formatted("a"),
                    "direct:sa",
                    new HazelcastLeaseClusterService(hzA, Duration.ofSeconds(2)));
            CamelContext cb = camel(
                    b,
                    trigger.formatted("b"),
                    "direct:sb",
                    new HazelcastLeaseClusterService(hzB, Duration.ofSeconds(2)));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !a.offers().isEmpty() || !b.offers().isEmpty());
            assertThat(a.offers().isEmpty() ^ b.offers().isEmpty())
                    .as("exactly one member ran the sync")
                    .isTrue();
            boolean aLed = !a.offers().isEmpty();
            (aLed ? ca : cb).stop(); // the leader leaves: the other member takes over
            ProductionOrderSync other = aLed ? b : a;
            await().atMost(Duration.ofSeconds(60)).until(() -> !other.offers().isEmpty());
        } finally {
            contexts.forEach(CamelContext::stop);
            hzA.shutdown();
            hzB.shutdown();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private FileLockClusterService cluster(String id) {
        FileLockClusterService s = new FileLockClusterService();
        s.setId(id);
        s.setRoot(tmp.resolve("cluster").toString());
        s.setAcquireLockDelay(Duration.ofMillis(10).toMillis(), TimeUnit.MILLISECONDS);
        s.setAcquireLockInterval(Duration.ofMillis(100).toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }
}
