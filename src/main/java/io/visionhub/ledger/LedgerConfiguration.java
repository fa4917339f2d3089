package io.visionhub.ledger;

import io.visionhub.ledger.heads.CamelHeadPublisher;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.TreeHeadSigner;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;

/** Wires the ledger: the signing key, the group-commit writer (bean {@code inspectionLedger}) and head publishing. */
@Configuration(proxyBeanMethods = false)
public class LedgerConfiguration {

    /** Flyway V2 (Java): append-only triggers; Spring Boot hands JavaMigration beans to Flyway. */
    @Bean
    public io.visionhub.ledger.store.AppendOnlyMigration ledgerAppendOnlyV2() {
        return io.visionhub.ledger.store.AppendOnlyMigration.v2();
    }

    /** Flyway V4 (Java): the disposition table append-only too. */
    @Bean
    public io.visionhub.ledger.store.AppendOnlyMigration ledgerAppendOnlyV4() {
        return io.visionhub.ledger.store.AppendOnlyMigration.v4();
    }

    @Bean
    public TreeHeadSigner treeHeadSigner(LedgerProperties props) {
        LedgerProperties.Heads h = props.getHeads();
        return KeystoreTreeHeadSigner.openOrCreate(Path.of(h.getKeystore()), h.getKeystorePassword().toCharArray(),
                h.getKeyAlias());
    }

    @Bean
    public HeadsFile ledgerHeadsFile(LedgerProperties props) {
        return new HeadsFile(Path.of(props.getHeads().getFile()));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @DependsOnDatabaseInitialization
    public JdbcInspectionLedger inspectionLedger(DataSource dataSource, LedgerProperties props, TreeHeadSigner signer,
                                                 HeadsFile headsFile, ObjectProvider<CamelContext> camel) {
        JdbcInspectionLedger ledger = new JdbcInspectionLedger(dataSource, props, signer, Clock.systemUTC());
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
}
