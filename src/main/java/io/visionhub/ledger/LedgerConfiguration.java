package io.visionhub.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiProperties.AccessRule;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.api.LedgerRestRoutes;
import io.visionhub.ledger.api.LedgerRoles;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.disposition.ESignatures;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.store.AppendOnlyMigration;
import io.visionhub.ledger.store.ImageKeyMigration;
import io.visionhub.ledger.store.MerkleNodeBackfill;
import io.visionhub.ledger.store.OutboxIdCacheMigration;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Wires the ledger: append-only migrations, the signing key, the group-commit writer (bean
 * {@code inspectionLedger}), head publishing (file, API; routes take heads from {@code ledger:heads}), verification, dispositions, audit
 * packages and the REST routes under /api/ledger.
 */
@Configuration(proxyBeanMethods = false)
public class LedgerConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerConfiguration.class);

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

    /** Flyway V12 (Java): Merkle nodes of the records written before V11, and ledger_node append-only. */
    @Bean
    public MerkleNodeBackfill ledgerMerkleNodesV12() {
        return new MerkleNodeBackfill();
    }

    /** Flyway V14 (Java): on H2, outbox ids from a cache of 1,000 (no extra H2 store per 32 outbox rows). */
    @Bean
    public OutboxIdCacheMigration ledgerOutboxIdCacheV14() {
        return new OutboxIdCacheMigration();
    }

    /** Flyway V73 (Java): inspection's image hashes indexed by a 64-bit key generated from them. */
    @Bean
    public ImageKeyMigration ledgerImageKeyV73() {
        return new ImageKeyMigration();
    }

    /**
     * The signing keystore (and record-MAC secret). A new key is created only for an empty ledger: with records
     * present and the keystore gone, the hub refuses to start (see {@link KeystoreTreeHeadSigner#openForLog}).
     */
    @Bean
    @DependsOnDatabaseInitialization
    public KeystoreTreeHeadSigner treeHeadSigner(LedgerProperties props, DataSource dataSource) {
        LedgerProperties.Heads h = props.heads();
        if ("change-me".equals(h.keystorePassword())) {
            LOG.warn(
                    "The ledger signing keystore {} uses the "
                            + "demo password: set VISIONHUB_LEDGER_KEYSTORE_PASSWORD before the first start of a real "
                            + "installation",
                    h.keystore());
        }
        JdbcLedgerReader log = new JdbcLedgerReader(dataSource);
        return KeystoreTreeHeadSigner.openForLog(
                Path.of(h.keystore()),
                h.keystorePassword().toCharArray(),
                h.keyAlias(),
                log.size(),
                log.anyRecordMac());
    }

    @Bean
    public HeadsFile ledgerHeadsFile(LedgerProperties props) {
        return new HeadsFile(Path.of(props.heads().file()));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @DependsOnDatabaseInitialization
    public JdbcInspectionLedger inspectionLedger(
            DataSource dataSource,
            LedgerProperties props,
            KeystoreTreeHeadSigner signer,
            HeadsFile headsFile,
            ObjectProvider<MeterRegistry> meters) {
        JdbcInspectionLedger ledger = new JdbcInspectionLedger(dataSource, props, signer, Clock.systemUTC());
        meters.ifAvailable(ledger::bindMetrics);
        ledger.addHeadListener(headsFile);
        return ledger;
    }

    /** Health "ledger": DOWN with the problem while the stored log failed its check and records are refused. */
    @Bean
    public LedgerHealthIndicator ledgerHealthIndicator(JdbcInspectionLedger ledger) {
        return new LedgerHealthIndicator(ledger);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public JdbcLedgerReader ledgerReader(DataSource dataSource) {
        return new JdbcLedgerReader(dataSource);
    }

    @Bean
    public LedgerService ledgerService(
            JdbcLedgerReader reader,
            JdbcInspectionLedger ledger,
            KeystoreTreeHeadSigner signer,
            HeadsFile headsFile,
            ObjectProvider<ImageStore> images) {
        return new LedgerService(reader, ledger, signer, headsFile, images::getIfAvailable, Clock.systemUTC());
    }

    /** The e-signature checks shared by every signed act (dispositions, NCR closures, model approvals). */
    @Bean
    @DependsOnDatabaseInitialization
    public ESignatures eSignatures(
            JdbcInspectionLedger ledger,
            DataSource dataSource,
            LedgerProperties props,
            ObjectProvider<UserDetailsService> users,
            ObjectProvider<PasswordEncoder> encoder,
            ObjectProvider<ApiProperties> accounts) {
        // printed names come from the account configuration (visionhub.api.users[].printed-name), never a request
        Function<String, Optional<String>> printedNames = user -> {
            ApiProperties api = accounts.getIfAvailable();
            return api == null
                    ? Optional.empty()
                    : api.users().stream()
                            .filter(u -> user.equals(u.username()))
                            .map(ApiProperties.User::printedName)
                            .filter(Objects::nonNull)
                            .findFirst();
        };
        return new ESignatures(
                ledger,
                dataSource,
                users::getIfAvailable,
                encoder::getIfAvailable,
                printedNames,
                props.signatures(),
                Clock.systemUTC());
    }

    @Bean
    @DependsOnDatabaseInitialization
    public DispositionService dispositionService(
            JdbcInspectionLedger ledger, DataSource dataSource, ESignatures signatures) {
        return new DispositionService(ledger, dataSource, signatures);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public DispositionQueries dispositionQueries(DataSource dataSource) {
        return new DispositionQueries(dataSource);
    }

    @Bean
    public AuditPackageService auditPackageService(
            LedgerService ledger, DispositionQueries queries, DataSource dataSource) {
        return new AuditPackageService(ledger, queries, dataSource, Clock.systemUTC());
    }

    /** Access to /api/ledger/** for the api concern's security filter chain: signing a disposition. */
    @Bean
    public AccessRule ledgerSignAccess() {
        return new AccessRule("POST", "/api/ledger/dispositions", LedgerRoles.SIGN);
    }

    /** Access to /api/ledger/keys/rotate: rotating the head-signing key. */
    @Bean
    public AccessRule ledgerKeyRotationAccess() {
        return new AccessRule("POST", "/api/ledger/keys/rotate", LedgerRoles.ROTATE_KEY);
    }

    /** Access to /api/ledger/**: reading (verify, heads, proofs, records, dispositions, audit packages). */
    @Bean
    public AccessRule ledgerReadAccess() {
        return new AccessRule("GET", "/api/ledger/**", LedgerRoles.READ);
    }

    @Bean
    @ConditionalOnProperty(prefix = "visionhub.ledger.api", name = "enabled", matchIfMissing = true)
    public LedgerRestRoutes ledgerRestRoutes(
            LedgerService ledger,
            DispositionService dispositions,
            DispositionQueries queries,
            AuditPackageService audit) {
        return new LedgerRestRoutes(ledger, dispositions, queries, audit);
    }
}
