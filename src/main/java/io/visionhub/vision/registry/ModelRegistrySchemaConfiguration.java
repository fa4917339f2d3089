package io.visionhub.vision.registry;

import io.visionhub.ledger.store.AppendOnlyMigration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The registry's schema whether the registry is on or not (a database keeps one migration history): Flyway V71 (Java)
 * makes the tables of V70 refuse UPDATE and DELETE, as the ledger's tables do. Without this bean the hub never ran
 * V71 (only the tests' Flyway did), so model approvals and promotions could be rewritten in the database.
 */
@Configuration(proxyBeanMethods = false)
public class ModelRegistrySchemaConfiguration {

    @Bean
    static AppendOnlyMigration modelRegistryAppendOnlyV71() {
        return AppendOnlyMigration.v71();
    }
}
