package io.visionhub.enterprise;

import com.hazelcast.core.HazelcastInstance;
import io.visionhub.api.ApiProperties;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.outbox.OutboxCountsReader;
import io.visionhub.enterprise.outbox.OutboxDeliverer;
import io.visionhub.enterprise.outbox.OutboxHealthIndicator;
import io.visionhub.enterprise.outbox.OutboxMetrics;
import io.visionhub.enterprise.outbox.OutboxOperations;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.enterprise.rules.RuleSettings;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.enterprise.sync.EnterpriseSyncRoutes;
import io.visionhub.enterprise.sync.HazelcastLeaseClusterService;
import io.visionhub.enterprise.sync.ProductionOrderSync;
import io.visionhub.event.EventJson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans of the enterprise concern: targets and their clients, the mapping engine, the delivery service (which
 * the {@code enterprise:} component finds by type), the rules {@code enterpriseRules}, the outbox repository,
 * deliverer and operations. The Camel routes
 * (outbox poll, /api/outbox, syncs) are in {@link EnterpriseRoutes} and {@code sync}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EnterpriseProperties.class)
public class EnterpriseConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EnterpriseConfiguration.class);

    @Bean
    public EnterpriseTargets enterpriseTargets(
            EnterpriseProperties props, ObjectProvider<TargetUrlResolver> resolvers) {
        LOG.info(
                "Enterprise targets: {} (customer mappings: {}/{})",
                props.targets().keySet(),
                props.mappingsDir(),
                props.customer());
        // url names that only a build knows (the demo's simulator:<name>) come from its TargetUrlResolver beans
        return new EnterpriseTargets(
                props.targets(),
                TargetUrlResolver.firstOf(resolvers.orderedStream().toList()));
    }

    @Bean
    public MappingEngine mappingEngine(EnterpriseProperties props) {
        MappingEngine engine = new MappingEngine(Path.of(props.mappingsDir()), EventJson.mapper());
        engine.check(props.customer())
                .forEach((file, problem) -> LOG.warn(
                        "Mapping template problem (deliveries that use it will be parked until it is fixed): {}",
                        problem));
        return engine;
    }

    @Bean
    public SeverityPolicy severityPolicy(EnterpriseProperties props) {
        return new SeverityPolicy(props.rules().severity(), props.rules().defaultSeverity());
    }

    @Bean
    public DeliveryService deliveryService(
            EnterpriseTargets targets,
            MappingEngine mappings,
            SeverityPolicy severity,
            EnterpriseProperties props,
            @Value("${visionhub.site:demo-site}") String site) {
        return new DeliveryService(targets, mappings, severity, props.customer(), site);
    }

    /**
     * The rules (bean enterpriseRules): the step of the enterprise-rules-action kamelet uses it with its parameters,
     * {@code bean:enterpriseRules} with the configured defaults.
     */
    @Bean("enterpriseRules")
    public EnterpriseRules enterpriseRules(EnterpriseProperties props, SeverityPolicy severity) {
        return new EnterpriseRules(RuleSettings.defaults(props.rules()), severity, name -> {
            EnterpriseProperties.Target t = props.targets().get(name);
            return t == null ? null : t.type();
        });
    }

    @Bean
    public ProductionOrderSync productionOrderSync(
            DataSource dataSource, EnterpriseTargets targets, MappingEngine mappings, EnterpriseProperties props) {
        return new ProductionOrderSync(
                dataSource, targets, mappings, props.customer(), props.sync().qualitySummaryTarget());
    }

    /** The Quartz syncs (visionhub.enterprise.sync.enabled); with sync.master=true they need a CamelClusterService bean. */
    @Bean
    @ConditionalOnProperty(
            prefix = "visionhub.enterprise.sync",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    public RoutesBuilder enterpriseSyncRoutes(
            EnterpriseProperties props, EnterpriseTargets targets, ProductionOrderSync sync) {
        String sapUrl;
        try {
            sapUrl = targets.url(props.sync().sapUrl());
        } catch (DeliveryException e) {
            LOG.warn(
                    "Scheduled SAP syncs are off: {} (set visionhub.enterprise.sync.sap-url or "
                            + "visionhub.enterprise.sync.enabled=false)",
                    e.getMessage());
            return new RouteBuilder() {
                @Override
                public void configure() {
                    // no SAP system to sync with
                }
            };
        }
        LOG.info(
                "Scheduled syncs with SAP {}: production orders '{}', quality summaries '{}'{}",
                sapUrl,
                props.sync().productionOrdersCron(),
                props.sync().qualitySummaryCron(),
                props.sync().master() ? " (one node of the cluster, camel-master)" : "");
        return EnterpriseSyncRoutes.scheduled(props.sync(), sapUrl, sync);
    }

    /** /api/outbox is for integrators and admins (enforced by the api concern's security; the routes check too). */
    @Bean
    public ApiProperties.AccessRule enterpriseOutboxAccess() {
        return new ApiProperties.AccessRule("*", "/api/outbox/**", EnterpriseRoutes.OUTBOX_ROLES);
    }

    @Bean
    public ApiProperties.AccessRule enterpriseOrdersAccess() {
        return new ApiProperties.AccessRule("GET", "/api/enterprise/**", EnterpriseRoutes.READ_ORDER_ROLES);
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
    @ConditionalOnProperty(
            prefix = "visionhub.enterprise.outbox",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    public OutboxDeliverer outboxDeliverer(
            OutboxRepository repo,
            DeliveryService delivery,
            EnterpriseProperties props,
            Clock enterpriseClock,
            CamelContext camelContext) {
        // threads from Camel: they show in its management, and Camel stops them before the beans they use close
        ExecutorServiceManager threads = camelContext.getExecutorServiceManager();
        OutboxDeliverer deliverer = new OutboxDeliverer(
                repo,
                delivery,
                props.outbox(),
                enterpriseClock,
                threads.newFixedThreadPool(
                        OutboxDeliverer.class,
                        "outbox-delivery",
                        Math.max(1, props.outbox().concurrency())),
                threads.newSingleThreadScheduledExecutor(OutboxDeliverer.class, "outbox-poll"));
        return deliverer;
    }

    /** The outbox's rows by status, one reading shared by the metrics' four gauges and the health indicator. */
    @Bean
    public OutboxCountsReader outboxCountsReader(OutboxRepository repo) {
        return new OutboxCountsReader(repo);
    }

    @Bean("outboxHealthIndicator")
    public OutboxHealthIndicator outboxHealthIndicator(
            OutboxCountsReader outboxCountsReader, ObjectProvider<OutboxDeliverer> deliverer) {
        return new OutboxHealthIndicator(outboxCountsReader, deliverer.getIfAvailable());
    }

    @Bean
    public OutboxMetrics outboxMetrics(
            OutboxCountsReader outboxCountsReader, ObjectProvider<OutboxDeliverer> deliverer) {
        return new OutboxMetrics(outboxCountsReader, deliverer.getIfAvailable());
    }

    @Bean
    public OutboxOperations outboxOperations(OutboxRepository repo, Clock enterpriseClock) {
        return new OutboxOperations(repo, enterpriseClock);
    }
}
