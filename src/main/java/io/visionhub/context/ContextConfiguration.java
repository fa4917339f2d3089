package io.visionhub.context;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.cluster.ClusterProperties;
import io.visionhub.cluster.HazelcastMembership;
import io.visionhub.opcua.client.OpcUaClientSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Production context beans: the embedded Hazelcast member (single node by default), the store and the
 * {@code contextEnricher} route step.
 */
@Configuration(proxyBeanMethods = false)
public class ContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ContextConfiguration.class);

    /** The Hazelcast config the hub's member starts with; also used by tests and benchmarks. */
    public static Config memberConfig(ContextProperties.Hazelcast h) {
        Config config = new Config();
        config.setClusterName(h.clusterName());
        config.setInstanceName("visionhub-" + UUID.randomUUID());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getJetConfig().setEnabled(false);
        NetworkConfig network = config.getNetworkConfig();
        int port = h.port() == 0 ? freePort() : h.port();
        network.setPort(port).setPortAutoIncrement(false);
        if (!ContextProperties.Hazelcast.EVERY_INTERFACE.equals(h.interfaceAddress())) {
            // the interface list only picks the announced address; bind.any=false makes it the only one bound
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.getInterfaces().setEnabled(true).addInterface(h.interfaceAddress());
            network.setPublicAddress(h.interfaceAddress() + ":" + port);
        }
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(h.members());
        return config;
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the Hazelcast member", e);
        }
    }

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean(HazelcastInstance.class)
    @ConditionalOnProperty(prefix = "visionhub.context", name = "enabled", havingValue = "true", matchIfMissing = true)
    HazelcastInstance visionHubHazelcast(ContextProperties props, ObjectProvider<ClusterProperties> cluster) {
        ContextProperties.Hazelcast h = props.hazelcast();
        Config config = memberConfig(h);
        ClusterProperties c = cluster.getIfAvailable();
        if (c != null && c.enabled()) {
            // a cluster of hubs: the node id names the member, and a dead member is noticed within member-timeout
            config.getMemberAttributeConfig().setAttribute(HazelcastMembership.NODE_ATTRIBUTE, c.nodeId());
            ClusterProperties.failureDetection(config, c.memberHeartbeat(), c.memberTimeout());
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        String bound = ContextProperties.Hazelcast.EVERY_INTERFACE.equals(h.interfaceAddress())
                ? "every network interface (other machines can connect)"
                : h.interfaceAddress()
                        + (isLoopback(h.interfaceAddress())
                                ? " only (loopback: no other machine can "
                                        + "join; set visionhub.context.hazelcast.interface-address for a cluster)"
                                : " only");
        LOG.info(
                "Hazelcast member {} listening on port {} of {}, in cluster '{}' (members configured: {}; cluster "
                        + "size now {})",
                config.getInstanceName(),
                config.getNetworkConfig().getPort(),
                bound,
                h.clusterName(),
                h.members().isEmpty() ? "none, single node" : h.members(),
                member.getCluster().getMembers().size());
        return member;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "visionhub.context", name = "enabled", havingValue = "true", matchIfMissing = true)
    ProductionContextStore productionContextStore(
            HazelcastInstance hazelcast, ContextProperties props, ObjectProvider<NamedParameterJdbcTemplate> jdbc) {
        NamedParameterJdbcTemplate template = jdbc.getIfAvailable();
        ProductionContextStore store = new ProductionContextStore(
                hazelcast.getMap(props.hazelcast().mapName()),
                template == null ? null : new JdbcContextHistoryLog(template),
                props.lines(),
                props.historyLimit(),
                props.maxAge(),
                Clock.systemUTC(),
                props.maxClockSkew(),
                props.maxVersionStep());
        store.start();
        hazelcast.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
                LOG.warn("Hazelcast cluster merged after a split: production context re-read from the history table");
                store.resyncFromHistory();
            }
        });
        return store;
    }

    @Bean
    @ConditionalOnProperty(prefix = "visionhub.context.opcua", name = "enabled", havingValue = "true")
    OpcUaContextSubscriber opcUaContextSubscriber(
            ContextProperties props,
            ProductionContextStore store,
            OpcUaClientSessions sessions,
            CamelContext camelContext) {
        if (props.opcua().endpointUrl() == null || props.opcua().lineNodes().isEmpty()) {
            throw new IllegalArgumentException("visionhub.context.opcua.enabled is true but endpoint-url or line-nodes "
                    + "is not set: set both, or turn the OPC UA context path off");
        }
        // the session is the PLC handshake's when both name the same server and security settings; the worker is a
        // thread of Camel's (it shows in Camel's management), shut down by the subscriber before it lets go. Context
        // changes queue on it in order however many come: one run on Milo's notification thread could overtake the
        // queued ones and apply an older order last
        return new OpcUaContextSubscriber(
                props.opcua(),
                store,
                sessions,
                SingleThreadExecutors.inOrder(
                        camelContext.getExecutorServiceManager(), OpcUaContextSubscriber.class, "context-opcua"));
    }

    /** Counters {@code visionhub.context.enriched{status=applied|missing}} for Prometheus. */
    @Bean
    MeterBinder contextEnrichmentMetrics(ContextEnricher enricher) {
        return registry -> {
            FunctionCounter.builder("visionhub.context.enriched", enricher, ContextEnricher::appliedCount)
                    .tag("status", "applied")
                    .description("events given the production context of their line")
                    .register(registry);
            FunctionCounter.builder("visionhub.context.enriched", enricher, ContextEnricher::missingCount)
                    .tag("status", "missing")
                    .description("events marked contextStatus MISSING")
                    .register(registry);
        };
    }

    /** Health {@code contextOpcUa}: UP once subscribed to the MES server, OUT_OF_SERVICE while retrying. */
    @Bean
    @ConditionalOnBean(OpcUaContextSubscriber.class)
    HealthIndicator contextOpcUaHealthIndicator(OpcUaContextSubscriber subscriber, ContextProperties props) {
        return () -> (subscriber.isSubscribed() ? Health.up() : Health.outOfService())
                .withDetail("endpointUrl", props.opcua().endpointUrl())
                .withDetail("lines", props.opcua().lineNodes().keySet())
                .withDetail("refused", subscriber.refusedCount())
                .build();
    }

    @Bean
    ContextEnricher contextEnricher(ObjectProvider<ProductionContextStore> store) {
        return new ContextEnricher(store.getIfAvailable());
    }
}
