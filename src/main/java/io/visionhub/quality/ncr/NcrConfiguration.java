package io.visionhub.quality.ncr;

import io.visionhub.api.ApiProperties.AccessRule;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerService;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.disposition.DispositionService;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
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
     * threads. Its queue has no bound: Camel's single-thread executor queues 1,000 tasks and then runs the next on
     * the caller's thread, and a second thread in the register takes an NCR item number twice (seen under load: the
     * input lanes ran NG parts beside the register, and the ledger refused every later item of that NCR). A backlog
     * here is one queued NG part or disposition each, and only while the ledger is slow.
     */
    static ExecutorService registerThread(CamelContext camelContext) {
        ThreadPoolProfile one = new ThreadPoolProfileBuilder("ncr-register")
                .poolSize(1)
                .maxPoolSize(1)
                .maxQueueSize(Integer.MAX_VALUE) // Camel reads 0 and below as no queue at all
                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                .build();
        return camelContext.getExecutorServiceManager().newThreadPool(NcrService.class, "ncr-register", one);
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
