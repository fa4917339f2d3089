package io.visionhub.ledger;

import io.visionhub.images.ImageStore;
import io.visionhub.ledger.api.LedgerRestRoutes;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.heads.CamelHeadPublisher;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.store.AppendOnlyMigration;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Wires the ledger: append-only migrations, the signing key, the group-commit writer (bean
 * {@code inspectionLedger}), head publishing (file, Camel endpoint, API), verification, dispositions, audit
 * packages and the REST routes under /api/ledger.
 */
@Configuration(proxyBeanMethods = false)
public class LedgerConfiguration {

    /** Flyway V2 (Java): append-only triggers; Spring Boot hands JavaMigration beans to Flyway. */
    @Bean
    public AppendOnlyMigration ledgerAppendOnlyV2() {
        return AppendOnlyMigration.v2();
    }

    /** Flyway V4 (Java): the disposition table append-only too. */
    @Bean
    public AppendOnlyMigration ledgerAppendOnlyV4() {
        return AppendOnlyMigration.v4();
    }

    @Bean
    public KeystoreTreeHeadSigner treeHeadSigner(LedgerProperties props) {
        LedgerProperties.Heads h = props.getHeads();
        if ("change-me".equals(h.getKeystorePassword())) {
            org.slf4j.LoggerFactory.getLogger(LedgerConfiguration.class).warn("The ledger signing keystore {} uses the "
                    + "demo password: set VISIONHUB_LEDGER_KEYSTORE_PASSWORD before the first start of a real "
                    + "installation", h.getKeystore());
        }
        return KeystoreTreeHeadSigner.openOrCreate(Path.of(h.getKeystore()), h.getKeystorePassword().toCharArray(),
                h.getKeyAlias());
    }

    @Bean
    public HeadsFile ledgerHeadsFile(LedgerProperties props) {
        return new HeadsFile(Path.of(props.getHeads().getFile()));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @DependsOnDatabaseInitialization
    public JdbcInspectionLedger inspectionLedger(DataSource dataSource, LedgerProperties props,
                                                 KeystoreTreeHeadSigner signer, HeadsFile headsFile,
                                                 ObjectProvider<CamelContext> camel,
                                                 ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
        JdbcInspectionLedger ledger = new JdbcInspectionLedger(dataSource, props, signer, Clock.systemUTC());
        meters.ifAvailable(ledger::bindMetrics);
        ledger.addHeadListener(headsFile);
        CamelContext ctx = camel.getIfAvailable();
        if (ctx != null && props.getHeads().getEndpoint() != null && !props.getHeads().getEndpoint().isBlank()) {
            ledger.addHeadListener(new CamelHeadPublisher(ctx, props.getHeads().getEndpoint()));
        }
        return ledger;
    }

    @Bean
    @DependsOnDatabaseInitialization
    public JdbcLedgerReader ledgerReader(DataSource dataSource) {
        return new JdbcLedgerReader(dataSource);
    }

    @Bean
    public LedgerService ledgerService(JdbcLedgerReader reader, JdbcInspectionLedger ledger,
                                       KeystoreTreeHeadSigner signer, HeadsFile headsFile,
                                       ObjectProvider<ImageStore> images) {
        return new LedgerService(reader, ledger, signer, headsFile, images::getIfAvailable, Clock.systemUTC());
    }

    @Bean
    public DispositionService dispositionService(JdbcInspectionLedger ledger, DataSource dataSource,
                                                 LedgerProperties props, ObjectProvider<UserDetailsService> users,
                                                 ObjectProvider<PasswordEncoder> encoder) {
        return new DispositionService(ledger, dataSource, users::getIfAvailable, encoder::getIfAvailable,
                Clock.systemUTC(), props.getSignatures().getMaxFailures(), props.getSignatures().getLockout());
    }

    @Bean
    @DependsOnDatabaseInitialization
    public DispositionQueries dispositionQueries(DataSource dataSource) {
        return new DispositionQueries(dataSource);
    }

    @Bean
    public AuditPackageService auditPackageService(LedgerService ledger, DispositionQueries queries,
                                                   DataSource dataSource) {
        return new AuditPackageService(ledger, queries, dataSource, Clock.systemUTC());
    }

    /** Access to /api/ledger/** for the api concern's security filter chain: signing a disposition. */
    @Bean
    public io.visionhub.api.ApiProperties.AccessRule ledgerSignAccess() {
        return new io.visionhub.api.ApiProperties.AccessRule("POST", "/api/ledger/dispositions",
                io.visionhub.ledger.api.LedgerRoles.SIGN);
    }

    /** Access to /api/ledger/**: reading (verify, heads, proofs, records, dispositions, audit packages). */
    @Bean
    public io.visionhub.api.ApiProperties.AccessRule ledgerReadAccess() {
        return new io.visionhub.api.ApiProperties.AccessRule("GET", "/api/ledger/**",
                io.visionhub.ledger.api.LedgerRoles.READ);
    }

    @Bean
    @ConditionalOnProperty(prefix = "visionhub.ledger.api", name = "enabled", matchIfMissing = true)
    public LedgerRestRoutes ledgerRestRoutes(LedgerService ledger, DispositionService dispositions,
                                             DispositionQueries queries, AuditPackageService audit) {
        return new LedgerRestRoutes(ledger, dispositions, queries, audit);
    }
}
