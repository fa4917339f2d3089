package io.visionhub.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.ledger.JdbcInspectionLedger;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hub as one node of a cluster ({@code visionhub.cluster.enabled=true}, docs/cluster.md): station leases in the
 * database, ownership proposed by the Hazelcast members, the ledger shared and fenced, camera routes of the clustered
 * stations run only where their lease is held. Refuses to start on H2: several hubs need one PostgreSQL database.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.cluster", name = "enabled", havingValue = "true")
public class ClusterConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConfiguration.class);

    @Bean
    StationLeases stationLeases(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!StationLeases.postgres(c)) {
                throw new IllegalStateException(
                        "visionhub.cluster.enabled=true needs PostgreSQL (spring.datasource.url), "
                                + "not " + c.getMetaData().getDatabaseProductName()
                                + ": the nodes share one database for leases, ledger, outbox and context (docs/cluster.md)");
            }
        }
        return new StationLeases(dataSource);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    StationOwnership stationOwnership(
            StationLeases leases,
            ClusterProperties props,
            HazelcastInstance hazelcast,
            JdbcInspectionLedger ledger,
            ObjectProvider<ProductionContextStore> contexts) {
        // the production context is loaded (restored from its history table when the shared map is empty) before this
        // node takes any station: a node that (re)joins catches up before it inspects
        contexts.getIfAvailable();
        StationOwnership ownership = new StationOwnership(
                leases,
                props.nodeId(),
                props.stations(),
                props.lease(),
                props.renewInterval(),
                new HazelcastMembership(hazelcast));
        ledger.setSharedLog(true);
        ledger.setStationFence(ownership);
        LOG.info(
                "Cluster node {}: ledger shared with the other nodes (sequencer lock), appends of stations {} fenced",
                props.nodeId(),
                props.stations());
        return ownership;
    }

    @Bean
    StationClusterService stationClusterService(StationOwnership ownership, CamelContext camelContext)
            throws Exception {
        StationClusterService service = new StationClusterService(ownership);
        camelContext.addService(service);
        camelContext.addRoutePolicyFactory(new StationRoutePolicyFactory(service, ownership));
        return service;
    }
}
