package io.visionhub.enterprise.outbox;

import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TargetType;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A stand-in for the hub in the crash test: a separate JVM that delivers an H2 file database's outbox to the
 * SAP simulator until it is killed or nothing is left to deliver (then it exits 0). Args: JDBC URL, SAP base
 * URL, mappings folder.
 */
public final class OutboxChildProcess {

    private OutboxChildProcess() {}

    public static void main(String[] args) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(args[0]);
        ds.setUser("sa");
        EnterpriseProperties.Target qm = EnterpriseProperties.Target.of(TargetType.SAP_QM_NOTIFICATION, args[1])
                .withBasic("VISIONHUB", "secret")
                .withSapClient("100")
                .withTimeout(Duration.ofSeconds(60));
        EnterpriseProperties.Outbox cfg = EnterpriseProperties.Outbox.defaults()
                .withPollInterval(Duration.ofMillis(20))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .withClaimLease(Duration.ofSeconds(1))
                .withConcurrency(4)
                .withMaxAttempts(100);
        DeliveryService service = new DeliveryService(
                new EnterpriseTargets(Map.of("sap-qm", qm), n -> null),
                new MappingEngine(Path.of(args[2]), EventJson.mapper()),
                new SeverityPolicy(Map.of(), "MEDIUM"),
                "demo-customer",
                "crash-test");
        OutboxRepository repo = new OutboxRepository(ds);
        OutboxDeliverer deliverer = PlainOutboxThreads.deliverer(repo, service, cfg, Clock.systemUTC());
        deliverer.start();
        System.out.println("child delivering " + args[0]);
        while (repo.countsByStatus().getOrDefault(OutboxRow.PENDING, 0L) > 0 || deliverer.inFlight() > 0) {
            Thread.sleep(100);
        }
        System.out.println("child: nothing left to deliver " + repo.countsByStatus());
        deliverer.close();
        // the URL keeps the database open for the process's life: close it cleanly before exit
        try (var c = ds.getConnection();
                var st = c.createStatement()) {
            st.execute("SHUTDOWN");
        }
        System.exit(0);
    }
}
