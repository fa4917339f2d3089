package io.visionhub.quality;

import io.visionhub.ledger.disposition.DispositionService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The quality concern's wiring: the feed that {@code quality:inspection} writes to. */
@Configuration(proxyBeanMethods = false)
public class QualityConfiguration {

    @Bean
    QualityFeed qualityFeed(
            ObjectProvider<QualityListener> listeners, ObjectProvider<DispositionService> dispositions) {
        return new QualityFeed(listeners, dispositions);
    }
}
