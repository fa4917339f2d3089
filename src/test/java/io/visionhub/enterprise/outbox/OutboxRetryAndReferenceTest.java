package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.enterprise.DeliveryInput;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 13 items 16 and 17, on H2 and PostgreSQL: a retried parked row looks its document up before creating
 * it (the may_have_reached flag survives the retry), and the 20-character reference is a random one stored
 * with the row, so two inspections whose UUIDv7 ids share their first 20 hex digits never find each other's
 * document.
 */
class OutboxRetryAndReferenceTest {

    private static final AtomicLong SEQ = new AtomicLong(1);
    private EnterpriseSimulators sims;
    private DataSource ds;
    private PGSimpleDataSource pg;
    private OutboxRepository repo;
    private OutboxDeliverer deliverer;

    private void open(String db) throws SQLException {
        sims = EnterpriseSimulators.onFreePorts();
        if ("h2".equals(db)) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:outbox-retry-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1");
            h2.setUser("sa");
            ds = h2;
        } else {
            pg = OutboxTestDb.postgresEmptySchema();
            ds = pg;
        }
    }

    @AfterEach
    void close() {
        if (deliverer != null) {
            deliverer.close();
        }
        if (sims != null) {
            sims.close();
        }
        OutboxTestDb.dropPostgresSchema(pg);
    }

    private void migrate() {
        OutboxTestDb.migrate(ds);
        repo = new OutboxRepository(ds);
    }

    private void start(int maxAttempts) {
        EnterpriseProperties.Outbox cfg = EnterpriseProperties.Outbox.defaults()
                .withPollInterval(Duration.ofMillis(20))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .withMaxAttempts(maxAttempts)
                .withClaimLease(Duration.ofSeconds(5))
                .withConcurrency(2);
        Map<String, EnterpriseProperties.Target> targets = TestEvents.targets(sims, Duration.ofMillis(700));
        DeliveryService service = new DeliveryService(
                new EnterpriseTargets(targets, n -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                new SeverityPolicy(Map.of(), "MEDIUM"),
                "demo-customer",
                "test-site");
        deliverer = PlainOutboxThreads.deliverer(repo, service, cfg, Clock.systemUTC());
        deliverer.start();
    }

    /** What the ledger's append does: the inspection row and one outbox row. */
    private OutboxRow record(InspectionEvent e, String target, String type) {
        new JdbcTemplate(ds)
                .update(
                        "INSERT INTO inspection (id, ledger_seq, station, line, production_order, result, "
                                + "event_json) VALUES (?,?,?,?,?,?,?)",
                        e.id(),
                        SEQ.incrementAndGet() + System.nanoTime(),
                        e.station(),
                        e.line(),
                        e.context() == null ? null : e.context().productionOrder(),
                        e.result().name(),
                        EventJson.toJson(e));
        repo.insert(e.id(), target, type, e.id(), Instant.now());
        return repo.forInspection(e.id()).get(0);
    }

    private long count(String status) {
        return new JdbcTemplate(ds).queryForObject("SELECT COUNT(*) FROM outbox WHERE status = ?", Long.class, status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aParkedRowRetriedAfterTimeoutsFindsItsDocumentInsteadOfMakingASecond(String db) throws Exception {
        open(db);
        migrate();
        SimulatedDocuments notifications = sims.sap().maintenanceNotifications();
        // SAP stores the notification, then holds the answer past the hub's 700 ms timeout: the row is parked
        // (one attempt allowed) although its document exists
        sims.sap().faults().timeoutAfterCreate(1, Duration.ofSeconds(3));
        OutboxRow row = record(TestEvents.ng("station-1", "scratch"), "sap-pm", "MAINTENANCE_NOTIFICATION");
        start(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> count("PARKED") == 1);
        assertThat(notifications.count()).isEqualTo(1);
        OutboxRow parked = repo.find(row.id()).orElseThrow();
        assertThat(parked.mayHaveReached()).isTrue();

        // the deliverer is stopped while the retried row is read back: it would claim the row within its 20 ms poll
        deliverer.close();
        OutboxOperations ops = new OutboxOperations(repo, Clock.systemUTC());
        assertThat(ops.retry(row.id(), "integrator-1", "SAP was slow").changed())
                .isTrue();
        OutboxRow requeued = repo.find(row.id()).orElseThrow();
        assertThat(requeued.attempts()).isZero();
        assertThat(requeued.mayHaveReached()).as("a retry keeps the flag").isTrue();
        assertThat(requeued.externalReference()).isEqualTo(parked.externalReference());
        start(1);

        await().atMost(Duration.ofSeconds(15)).until(() -> count("DELIVERED") == 1);
        assertThat(notifications.count())
                .as("still one notification after the retry")
                .isEqualTo(1);
        assertThat(repo.find(row.id()).orElseThrow().documentNumber())
                .isEqualTo(notifications.all().get(0).number());
        assertThat(notifications.all().get(0).fields().get("MaintNotifExtReferenceNumber"))
                .isEqualTo(parked.externalReference());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoInspectionsWhoseIdsShareTheirFirst20HexDigitsGetTheirOwnDocuments(String db) throws Exception {
        open(db);
        migrate();
        // two hubs in the same millisecond with the same counter (or one hub after a clock step back): UUIDv7 ids
        // that differ only in their random tail
        UUID first = EventIds.newUuid();
        UUID second =
                new UUID(first.getMostSignificantBits(), first.getLeastSignificantBits() ^ 0x0000_0000_0001_0000L);
        assertThat(DeliveryInput.legacyReference20(first.toString()))
                .isEqualTo(DeliveryInput.legacyReference20(second.toString()));
        Instant at = Instant.parse("2026-11-25T02:10:11.123Z");
        OutboxRow a = record(
                TestEvents.ng(first.toString(), "station-1", "scratch", at), "sap-pm", "MAINTENANCE_NOTIFICATION");
        start(10);
        await().atMost(Duration.ofSeconds(15)).until(() -> count("DELIVERED") == 1);

        // the second one's first attempt fails without creating anything: its next attempt looks up by reference
        sims.sap().faults().down(true);
        OutboxRow b = record(
                TestEvents.ng(second.toString(), "station-1", "scratch", at), "sap-pm", "MAINTENANCE_NOTIFICATION");
        await().atMost(Duration.ofSeconds(15)).until(() -> deliverer.failureCount() >= 1);
        sims.sap().faults().down(false);
        await().atMost(Duration.ofSeconds(15)).until(() -> count("DELIVERED") == 2);

        SimulatedDocuments notifications = sims.sap().maintenanceNotifications();
        assertThat(notifications.count())
                .as("each inspection has its own notification")
                .isEqualTo(2);
        OutboxRow da = repo.find(a.id()).orElseThrow();
        OutboxRow dbRow = repo.find(b.id()).orElseThrow();
        assertThat(dbRow.documentNumber()).isNotEqualTo(da.documentNumber());
        assertThat(da.externalReference()).hasSize(20).startsWith("VH").isNotEqualTo(dbRow.externalReference());
        assertThat(notifications.all())
                .extracting(d -> d.fields().get("MaintNotifExtReferenceNumber"))
                .containsExactlyInAnyOrder(da.externalReference(), dbRow.externalReference());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void theReferenceIsStoredAtTheFirstClaimAndRowsFromBeforeV31KeepTheirOldReference(String db) throws Exception {
        open(db);
        // a database of the previous version with a fresh row, a parked one and one retried after parking
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .target("30")
                .load()
                .migrate();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String insert = "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts, "
                + "last_error, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)";
        var ts = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        String fresh = UUID.randomUUID().toString();
        String parked = UUID.randomUUID().toString();
        String retried = UUID.randomUUID().toString();
        jdbc.update(insert, fresh, "sap-pm", "M", fresh, "PENDING", 0, null, ts, ts);
        jdbc.update(insert, parked, "sap-pm", "M", parked, "PARKED", 3, "timeout", ts, ts);
        jdbc.update(insert, retried, "sap-pm", "M", retried, "PENDING", 0, "timeout", ts, ts);
        migrate();
        assertThat(repo.forInspection(fresh).get(0)).satisfies(r -> {
            assertThat(r.mayHaveReached()).isFalse();
            assertThat(r.legacyReference()).isTrue();
        });
        assertThat(repo.forInspection(parked).get(0).mayHaveReached()).isTrue();
        assertThat(repo.forInspection(retried).get(0).mayHaveReached()).isTrue();

        // a row made now: random reference at the first claim, kept by later claims and by a retry
        String id = UUID.randomUUID().toString();
        repo.insert(id, "maximo", "WORK_ORDER", id, now);
        OutboxRow row = repo.forInspection(id).get(0);
        assertThat(row.legacyReference()).isFalse();
        assertThat(row.externalReference()).isNull();
        assertThat(repo.claim(row.id(), now, now, "VH0000000000000000AA")).isTrue();
        assertThat(repo.claim(row.id(), now, now, "VH0000000000000000BB")).isTrue();
        assertThat(repo.park(row.id(), 2, "timeout", now)).isTrue();
        assertThat(repo.requeue(row.id(), now)).isTrue();
        assertThat(repo.find(row.id()).orElseThrow()).satisfies(r -> {
            assertThat(r.externalReference()).isEqualTo("VH0000000000000000AA");
            assertThat(r.mayHaveReached()).isTrue();
            assertThat(r.attempts()).isZero();
        });
    }
}
