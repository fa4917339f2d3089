package io.visionhub.quality.ncr;

import io.visionhub.api.ApiProperties.AccessRule;
import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerService;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.disposition.DispositionService;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The NCR register, its evidence packages, REST routes and access rules ({@code visionhub.quality.ncr}). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.quality.ncr", name = "enabled", havingValue = "true", matchIfMissing = true)
public class NcrConfiguration {

    @Bean
    @DependsOnDatabaseInitialization
    NcrRepository ncrRepository(DataSource dataSource) {
        return new NcrRepository(dataSource);
    }

    @Bean(destroyMethod = "close")
    NcrService ncrService(
            NcrProperties config,
            NcrRepository repo,
            JdbcInspectionLedger ledger,
            ObjectProvider<DeliveryService> delivery,
            DispositionService signatures,
            CamelContext camelContext) {
        return new NcrService(
                config,
                repo,
                ledger,
                delivery.getIfAvailable(),
                signatures,
                Clock.systemUTC(),
                registerThread(camelContext));
    }

    /**
     * The register's one worker thread, from Camel so it shows in Camel's management like the outbox and retention
     * threads. Never on the caller's thread (SingleThreadExecutors): a second thread in the register takes an NCR item
     * number twice (seen under load with Camel's own single-thread executor, whose 1,001st queued task ran on the
     * caller: the input lanes ran NG parts beside the register, and the ledger refused every later item of that NCR).
     * A backlog here is one queued NG part or disposition each, and only while the ledger is slow.
     */
    static ExecutorService registerThread(CamelContext camelContext) {
        return SingleThreadExecutors.inOrder(
                camelContext.getExecutorServiceManager(), NcrService.class, "ncr-register");
    }

    @Bean
    NcrEvidencePackage ncrEvidencePackage(
            NcrProperties config, NcrRepository repo, AuditPackageService audit, LedgerService ledger) {
        return new NcrEvidencePackage(repo, audit, ledger::images, config.exampleImages(), Clock.systemUTC());
    }

    @Bean
    NcrRestRoutes ncrRestRoutes(NcrService service, NcrEvidencePackage evidence) {
        return new NcrRestRoutes(service, evidence);
    }

    // most specific first (ordered before rules without an order), so a broader GET rule cannot take these paths
    @Bean
    @Order(0)
    AccessRule ncrCloseAccess() {
        return new AccessRule("POST", "/api/quality/ncrs/*/close", NcrRestRoutes.CLOSE);
    }

    @Bean
    @Order(0)
    AccessRule ncrEvidenceAccess() {
        return new AccessRule("GET", "/api/quality/ncrs/*/evidence", NcrRestRoutes.EVIDENCE);
    }

    @Bean
    @Order(1)
    AccessRule ncrReadAccess() {
        return new AccessRule("GET", "/api/quality/ncrs/**", NcrRestRoutes.READ);
    }

    @Bean
    @Order(1)
    AccessRule ncrListAccess() {
        return new AccessRule("GET", "/api/quality/ncrs", NcrRestRoutes.READ);
    }
}
