package io.visionhub.dataset;

import io.visionhub.api.ApiProperties;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.disposition.DispositionQueries;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Dataset export for retraining ({@code GET /api/datasets/export}). Off with
 * {@code visionhub.datasets.enabled: false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.datasets", name = "enabled", havingValue = "true", matchIfMissing = true)
public class DatasetConfiguration {

    @Bean
    DatasetExporter datasetExporter(
            NamedParameterJdbcTemplate jdbc, ImageStore images, DispositionQueries dispositions) {
        return new DatasetExporter(jdbc, images, dispositions, Clock.systemUTC());
    }

    @Bean
    DatasetRestRoutes datasetRestRoutes(DatasetExporter exporter) {
        return new DatasetRestRoutes(exporter);
    }

    @Bean
    ApiProperties.AccessRule datasetsAccess() {
        return new ApiProperties.AccessRule("GET", "/api/datasets/**", DatasetRestRoutes.ROLES);
    }
}
