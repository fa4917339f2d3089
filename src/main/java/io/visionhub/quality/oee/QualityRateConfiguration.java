package io.visionhub.quality.oee;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.api.ApiProperties;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.outputs.mqtt.MqttEventPublisher;
import io.visionhub.outputs.mqtt.QualityRateMqttPublisher;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.QualityRateNodes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The quality-rate service and its outputs: REST ({@code /api/quality/rate}), OPC UA nodes on the hub's server, a
 * retained MQTT topic per line and station, Prometheus gauges. On by default ({@code visionhub.quality.rate.enabled:
 * false} turns it off).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.quality.rate", name = "enabled", havingValue = "true", matchIfMissing = true)
public class QualityRateConfiguration {

    @Bean(destroyMethod = "close")
    QualityRateService qualityRateService(ObjectProvider<ProductionContextStore> contexts, JdbcTemplate jdbc) {
        // the store is looked up until it exists, then kept: a look-up per inspection walked the bean factory and
        // cost more than the tally itself (bench NodeRedSideBySideBench)
        AtomicReference<ProductionContextStore> found = new AtomicReference<>();
        Supplier<ProductionContextStore> store = () -> {
            ProductionContextStore s = found.get();
            if (s == null) {
                s = contexts.getIfAvailable();
                found.set(s);
            }
            return s;
        };
        return new QualityRateService(store, new QualityRateQueries(jdbc), Clock.systemUTC());
    }

    @Bean
    QualityRateRestRoutes qualityRateRestRoutes(QualityRateService rates) {
        return new QualityRateRestRoutes(rates, Clock.systemUTC());
    }

    @Bean
    ApiProperties.AccessRule qualityRateAccess() {
        return new ApiProperties.AccessRule("GET", "/api/quality/rate", QualityRateRestRoutes.ROLES);
    }

    @Bean
    QualityRateMetrics qualityRateMetrics(QualityRateService rates, MeterRegistry registry) {
        QualityRateMetrics metrics = new QualityRateMetrics(registry);
        rates.addChangeListener(metrics::changed);
        return metrics;
    }

    /** Retained {@code <root>/<site>/<line>[/<station>]/quality-rate}, at most once per interval per topic. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "visionhub.mqtt", name = "enabled", havingValue = "true", matchIfMissing = true)
    QualityRateMqttPublisher qualityRateMqttPublisher(
            QualityRateService rates,
            MqttEventPublisher mqtt,
            @Value("${visionhub.quality.rate.mqtt-interval:1s}") Duration interval) {
        QualityRateMqttPublisher publisher = new QualityRateMqttPublisher(mqtt, interval, Clock.systemUTC());
        rates.addChangeListener(publisher::changed);
        return publisher;
    }

    /** {@code Stations/<station>/Quality/...} and {@code Lines/<line>/Quality/...} on the hub's OPC UA server. */
    @Bean
    @ConditionalOnProperty(prefix = "visionhub.opcua", name = "enabled", havingValue = "true", matchIfMissing = true)
    QualityRateNodes qualityRateNodes(QualityRateService rates, HubOpcUaServer server) {
        QualityRateNodes nodes = new QualityRateNodes(server.namespace());
        rates.addChangeListener(nodes::show);
        return nodes;
    }

    /**
     * Loads every line's current order and shift once the hub is up (the outputs hear the values), then looks for
     * changeovers that come with no inspection every {@code visionhub.quality.rate.refresh} (default 5 s).
     */
    @EventListener(ApplicationReadyEvent.class)
    void loadCurrentRates(ApplicationReadyEvent ready) {
        Duration every = ready.getApplicationContext()
                .getEnvironment()
                .getProperty("visionhub.quality.rate.refresh", Duration.class, Duration.ofSeconds(5));
        ready.getApplicationContext().getBean(QualityRateService.class).start(every);
    }
}
