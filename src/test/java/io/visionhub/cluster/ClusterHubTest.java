package io.visionhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole hub as one cluster node on PostgreSQL (a database of its own): {@code visionhub.cluster.*} wires the
 * station leases, the Hazelcast member's node id, the shared ledger and the fence; an inspection of a clustered
 * station is recorded with its fencing row while the hub holds the lease and refused once another node took it.
 * Skipped without PostgreSQL.
 */
@EnabledIf(
        value = "io.visionhub.cluster.ClusterHarness#postgresAvailable",
        disabledReason = "no PostgreSQL at 127.0.0.1:5432 (user postgres): cluster hub test skipped")
@SpringBootTest
@ActiveProfiles("isolated")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterHubTest {

    static final boolean PG = ClusterHarness.postgresAvailable();
    static final String DB =
            "vh_cluster_hub_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        try (Connection c = DriverManager.getConnection(ClusterHarness.PG + "test", "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + DB);
        }
        Path dir = Files.createTempDirectory("cluster-hub");
        registry.add("spring.datasource.url", () -> ClusterHarness.PG + DB);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("visionhub.routes.dir", () -> dir.resolve("routes").toString());
        registry.add("visionhub.simulators.enabled", () -> "false");
        registry.add("visionhub.vision.demo-model.enabled", () -> "false");
        registry.add("visionhub.cluster.enabled", () -> "true");
        registry.add("visionhub.cluster.node-id", () -> "hub-test");
        registry.add("visionhub.cluster.stations", () -> "station-c1");
        registry.add("visionhub.cluster.lease", () -> "4s");
        registry.add("visionhub.cluster.renew-interval", () -> "500ms");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (PG) {
            try (Connection c = DriverManager.getConnection(ClusterHarness.PG + "test", "postgres", "");
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            }
        }
    }

    @Autowired
    StationOwnership ownership;

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    DataSource dataSource;

    @Autowired
    HazelcastInstance hazelcast;

    @Autowired
    CamelContext camel;

    static InspectionEvent event(String station) {
        return LedgerTestSupport.eventAt(station);
    }

    @Test
    void clusteredStationIsRecordedUnderItsLeaseAndRefusedOnceAnotherNodeTookIt() {
        assertThat(hazelcast.getCluster().getLocalMember().getAttribute(HazelcastMembership.NODE_ATTRIBUTE))
                .isEqualTo("hub-test");
        assertThat(camel.hasService(StationClusterService.class)).isNotNull();
        await().atMost(Duration.ofSeconds(20)).until(() -> ownership.held().contains("station-c1"));

        ledger.append(event("station-c1"), List.of());
        ledger.append(event("not-clustered"), List.of());
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForList("SELECT owner FROM station_append", String.class))
                .containsExactly("hub-test");

        // another node takes the station over (as after this hub was cut off past its lease)
        jdbc.update("UPDATE station_lease SET owner = 'hub-other', token = token + 1, expires_at = expires_at + 600000 "
                + "WHERE station = 'station-c1'");
        assertThatThrownBy(() -> ledger.append(event("station-c1"), List.of())).isInstanceOf(LedgerException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> ownership.held().isEmpty());
        assertThatThrownBy(() -> ledger.append(event("station-c1"), List.of()))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("not inspected by cluster node hub-test");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM station_append", Long.class))
                .isEqualTo(1);
    }
}
