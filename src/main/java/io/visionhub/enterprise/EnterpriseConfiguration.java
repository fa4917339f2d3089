package io.visionhub.enterprise;

import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiRoles;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.outbox.OutboxDeliverer;
import io.visionhub.enterprise.outbox.OutboxHealthIndicator;
import io.visionhub.enterprise.outbox.OutboxMetrics;
import io.visionhub.enterprise.outbox.OutboxOperations;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.enterprise.rules.RuleSettings;
import io.visionhub.enterprise.rules.SeverityPolicy;
import com.hazelcast.core.HazelcastInstance;
import io.visionhub.enterprise.sync.EnterpriseSyncRoutes;
import io.visionhub.enterprise.sync.HazelcastLeaseClusterService;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import io.visionhub.enterprise.sync.ProductionOrderSync;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import io.visionhub.event.EventJson;
import io.visionhub.simulators.EnterpriseSimulators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Beans of the enterprise concern: targets and their clients, the mapping engine, the delivery service,
 * the rules step {@code enterpriseRules}, the outbox repository, deliverer and operations. The Camel routes
 * (outbox poll, /api/outbox, syncs) are in {@link EnterpriseRoutes} and {@code sync}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EnterpriseProperties.class)
public class EnterpriseConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EnterpriseConfiguration.class);

    @Bean
    public EnterpriseTargets enterpriseTargets(EnterpriseProperties props, ObjectProvider<EnterpriseSimulators> sims) {
        LOG.info("Enterprise targets: {} (customer mappings: {}/{})", props.getTargets().keySet(), props.getMappingsDir(),
                props.getCustomer());
        return EnterpriseTargets.of(props.getTargets(), sims.getIfAvailable());
    }

    @Bean
    public MappingEngine mappingEngine(EnterpriseProperties props) {
        MappingEngine engine = new MappingEngine(Path.of(props.getMappingsDir()), EventJson.mapper());
        engine.check(props.getCustomer()).forEach((file, problem) ->
                LOG.warn("Mapping template problem (deliveries that use it will be parked until it is fixed): {}", problem));
        return engine;
    }

    @Bean
    public SeverityPolicy severityPolicy(EnterpriseProperties props) {
        return new SeverityPolicy(props.getRules().getSeverity(), props.getRules().getDefaultSeverity());
    }

    @Bean
    public DeliveryService deliveryService(EnterpriseTargets targets, MappingEngine mappings, SeverityPolicy severity,
                                           EnterpriseProperties props, @Value("${visionhub.site:demo-site}") String site) {
        return new DeliveryService(targets, mappings, severity, props.getCustomer(), site);
    }

    /** The route step bean:enterpriseRules. */
    @Bean("enterpriseRules")
    public EnterpriseRules enterpriseRules(EnterpriseProperties props, SeverityPolicy severity) {
        return new EnterpriseRules(RuleSettings.defaults(props.getRules()), severity, name -> {
            EnterpriseProperties.Target t = props.getTargets().get(name);
            return t == null ? null : t.getType();
        });
    }

    /** Behind the connector kamelets (durable request through the outbox, or delivery now). */
    @Bean("enterpriseSink")
    public EnterpriseSink enterpriseSink(DeliveryService delivery) {
        return new EnterpriseSink(delivery);
    }

    @Bean
    public ProductionOrderSync productionOrderSync(DataSource dataSource, EnterpriseTargets targets, MappingEngine mappings,
                                                   EnterpriseProperties props) {
        return new ProductionOrderSync(dataSource, targets, mappings, props.getCustomer(), props.getSync().getQualitySummaryTarget());
    }

    /** The Quartz syncs (visionhub.enterprise.sync.enabled); with sync.master=true they need a CamelClusterService bean. */
    @Bean
    @ConditionalOnProperty(prefix = "visionhub.enterprise.sync", name = "enabled", havingValue = "true", matchIfMissing = true)
    public RoutesBuilder enterpriseSyncRoutes(EnterpriseProperties props, EnterpriseTargets targets, ProductionOrderSync sync) {
        String sapUrl;
        try {
            sapUrl = targets.url(props.getSync().getSapUrl());
        } catch (DeliveryException e) {
            LOG.warn("Scheduled SAP syncs are off: {} (set visionhub.enterprise.sync.sap-url or "
                    + "visionhub.enterprise.sync.enabled=false)", e.getMessage());
            return new RouteBuilder() {
                @Override
                public void configure() {
                    // no SAP system to sync with
                }
            };
        }
        LOG.info("Scheduled syncs with SAP {}: production orders '{}', quality summaries '{}'{}", sapUrl,
                props.getSync().getProductionOrdersCron(), props.getSync().getQualitySummaryCron(),
                props.getSync().isMaster() ? " (one node of the cluster, camel-master)" : "");
        return EnterpriseSyncRoutes.scheduled(props.getSync(), sapUrl, sync);
    }

    /** /api/outbox is for integrators and admins (enforced by the api concern's security; the routes check too). */
    @Bean
    public ApiProperties.AccessRule enterpriseOutboxAccess() {
        return new ApiProperties.AccessRule("*", "/api/outbox/**", List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN));
    }

    @Bean
    public ApiProperties.AccessRule enterpriseOrdersAccess() {
        return new ApiProperties.AccessRule("GET", "/api/enterprise/**",
                List.of(ApiRoles.OPERATOR, ApiRoles.QUALITY, ApiRoles.INTEGRATOR, ApiRoles.ADMIN));
    }

    /**
     * camel-master on the hub's Hazelcast members when visionhub.enterprise.sync.master=true (Camel 4.17 has no
     * Hazelcast cluster service of its own): added to the CamelContext as a service before it starts.
     */
    @Bean
    @ConditionalOnProperty(prefix = "visionhub.enterprise.sync", name = "master", havingValue = "true")
    public CamelContextConfiguration enterpriseClusterService(ObjectProvider<HazelcastInstance> hazelcast) {
        HazelcastInstance hz = hazelcast.getIfAvailable();
        if (hz == null) {
            throw new IllegalStateException("visionhub.enterprise.sync.master=true needs the hub's Hazelcast "
                    + "(visionhub.context.hazelcast.enabled=true) or set master=false");
        }
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                try {
                    camelContext.addService(new HazelcastLeaseClusterService(hz, Duration.ofSeconds(15)));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot add the Hazelcast cluster service for camel-master", e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing
            }
        };
    }

    @Bean
    public Clock enterpriseClock() {
        return Clock.systemUTC();
    }

    @Bean
    public OutboxRepository outboxRepository(DataSource dataSource) {
        return new OutboxRepository(dataSource);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(prefix = "visionhub.enterprise.outbox", name = "enabled", havingValue = "true", matchIfMissing = true)
    public OutboxDeliverer outboxDeliverer(OutboxRepository repo, DeliveryService delivery, EnterpriseProperties props,
                                           Clock enterpriseClock) {
        return new OutboxDeliverer(repo, delivery, props.getOutbox(), enterpriseClock);
    }

    @Bean("outboxHealthIndicator")
    public OutboxHealthIndicator outboxHealthIndicator(OutboxRepository repo, ObjectProvider<OutboxDeliverer> deliverer) {
        return new OutboxHealthIndicator(repo, deliverer.getIfAvailable());
    }

    @Bean
    public OutboxMetrics outboxMetrics(OutboxRepository repo, ObjectProvider<OutboxDeliverer> deliverer) {
        return new OutboxMetrics(repo, deliverer.getIfAvailable());
    }

    @Bean
    public OutboxOperations outboxOperations(OutboxRepository repo, Clock enterpriseClock) {
        return new OutboxOperations(repo, enterpriseClock);
    }
}
