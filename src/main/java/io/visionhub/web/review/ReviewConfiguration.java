package io.visionhub.web.review;

import io.visionhub.ledger.disposition.DispositionService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** The review queue's wiring: its queries, the reason codes and the e-signature signing. */
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReasonCodeProperties.class)
public class ReviewConfiguration {

    /** Recent inspections like the one under review shown as thumbnails. */
    static final int SIMILAR = 6;

    @Bean
    ReviewQueue reviewQueue(NamedParameterJdbcTemplate jdbc) {
        return new ReviewQueue(jdbc, SIMILAR);
    }

    @Bean
    DispositionLookup dispositionLookup(NamedParameterJdbcTemplate jdbc) {
        return new DispositionLookup(jdbc);
    }

    @Bean
    @ConditionalOnBean(DispositionService.class)
    ReviewSigning reviewSigning(DispositionService dispositions, ReasonCodeProperties reasons) {
        return new ReviewSigning(dispositions, reasons);
    }
}
