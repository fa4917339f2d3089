package io.visionhub.quality.ncr;

import io.visionhub.ledger.store.AppendOnlyMigration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The register's schema whether NCRs are on or not (a database keeps one migration history): Flyway V56 (Java)
 * makes the tables of V55 refuse UPDATE and DELETE, as the ledger's tables do.
 */
@Configuration(proxyBeanMethods = false)
public class NcrSchemaConfiguration {

    @Bean
    static AppendOnlyMigration ncrAppendOnlyV56() {
        return AppendOnlyMigration.v56();
    }
}
