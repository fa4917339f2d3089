package io.visionhub.ledger;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** The ledger's services wired by hand on an H2 file (no Spring context), with a test user directory. */
public final class LedgerFixture implements AutoCloseable {

    public final HikariDataSource ds;
    public final LedgerProperties props;
    public final JdbcInspectionLedger ledger;
    public final FileImageStore images;
    public final KeystoreTreeHeadSigner signer;
    public final LedgerService service;
    public final DispositionService dispositions;
    public final DispositionQueries dispositionQueries;
    public final AuditPackageService audit;

    public LedgerFixture(Path dir) {
        this(dir, LedgerTestSupport.h2(dir));
    }

    /** The same on a database of the caller's (e.g. a PostgreSQL schema); closed with the fixture. */
    public LedgerFixture(Path dir, HikariDataSource database) {
        ds = database;
        props = LedgerTestSupport.props(dir);
        // one signer for the writer and the services, as the hub wires it: a key rotation is seen by both
        signer = LedgerTestSupport.signer(props);
        ledger = LedgerTestSupport.ledger(ds, props, signer);
        images = new FileImageStore(dir.resolve("images"));
        service = new LedgerService(
                new JdbcLedgerReader(ds),
                ledger,
                signer,
                new HeadsFile(Path.of(props.heads().file())),
                () -> images,
                Clock.systemUTC());
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(User.withUsername("qa.lee")
                .password(encoder.encode("s3cret!"))
                .roles("QUALITY")
                .build());
        dispositions = new DispositionService(
                ledger,
                ds,
                () -> users,
                () -> encoder,
                user -> "qa.lee".equals(user) ? Optional.of("Lee Quality") : Optional.empty(),
                LedgerProperties.Signatures.defaults(),
                Clock.systemUTC());
        dispositionQueries = new DispositionQueries(ds);
        audit = new AuditPackageService(service, dispositionQueries, ds, Clock.systemUTC());
    }

    /** Appends n NG inspections of order PO-1001 / lot LOT-7, each with its own stored image. */
    public List<InspectionEvent> inspections(int n) {
        List<InspectionEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String sha = images.put(("frame " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
            InspectionEvent e = LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.NG, sha);
            ledger.append(e, List.of());
            out.add(e);
        }
        return out;
    }

    @Override
    public void close() {
        ledger.close();
        ds.close();
    }
}
