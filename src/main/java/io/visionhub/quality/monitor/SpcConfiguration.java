package io.visionhub.quality.monitor;

import io.visionhub.api.ApiProperties.AccessRule;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.quality.alarm.AlarmDocuments;
import io.visionhub.quality.alarm.AlarmEnterpriseProperties;
import io.visionhub.quality.alarm.AlarmService;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The SPC monitor, its alarm service (the hub's {@link io.visionhub.quality.alarm.AlarmBoard}) and their REST
 * routes; off with {@code visionhub.quality.spc.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SpcProperties.class, AlarmEnterpriseProperties.class})
@ConditionalOnProperty(prefix = SpcProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
public class SpcConfiguration {

    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    public AlarmService qualityAlarmService(
            JdbcInspectionLedger ledger,
            DataSource dataSource,
            AlarmEnterpriseProperties enterprise,
            ObjectProvider<DeliveryService> delivery) {
        AlarmDocuments documents = enterprise.sent()
                ? new AlarmDocuments(
                        enterprise.enterpriseTarget(),
                        enterprise.enterpriseClears(),
                        delivery.getIfAvailable(),
                        dataSource)
                : null;
        return new AlarmService(ledger, dataSource, Clock.systemUTC(), documents);
    }

    /** Rebuilt from the inspection table before the routes start feeding it. */
    @Bean
    @DependsOnDatabaseInitialization
    public SpcMonitor spcMonitor(SpcProperties props, AlarmService alarms, DataSource dataSource) {
        SpcMonitor monitor = new SpcMonitor(props, alarms);
        monitor.rebuild(dataSource, Clock.systemUTC());
        return monitor;
    }

    @Bean
    public SpcRestRoutes spcRestRoutes(SpcMonitor monitor, AlarmService alarms) {
        return new SpcRestRoutes(monitor, alarms);
    }

    /** Exact paths, before any wider /api/quality/** rule another concern contributes. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public AccessRule qualityAlarmAcknowledgeAccess() {
        return new AccessRule("POST", "/api/quality/alarms/*/acknowledge", SpcRestRoutes.ACKNOWLEDGE);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public AccessRule qualityAlarmsAccess() {
        return new AccessRule("GET", "/api/quality/alarms", SpcRestRoutes.READ);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public AccessRule qualityAlarmAccess() {
        return new AccessRule("GET", "/api/quality/alarms/*", SpcRestRoutes.READ);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public AccessRule qualitySpcAccess() {
        return new AccessRule("GET", "/api/quality/spc", SpcRestRoutes.READ);
    }
}
