package io.visionhub.web.orders;

import io.visionhub.api.QualityQueries;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** The order and lot pages' queries. */
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@Configuration(proxyBeanMethods = false)
public class OrderPagesConfiguration {

    @Bean
    OrderQualityQueries orderQualityQueries(NamedParameterJdbcTemplate jdbc) {
        return new OrderQualityQueries(jdbc);
    }

    @Bean
    QualityQueries webQualityQueries(NamedParameterJdbcTemplate jdbc) {
        return new QualityQueries(jdbc);
    }
}
