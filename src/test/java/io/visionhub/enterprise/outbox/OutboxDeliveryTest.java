package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox deliverer against the simulators: outages, lost answers, SAP errors, mapping errors, operations. */
class OutboxDeliveryTest {

    @TempDir
    Path tmp;

    private EnterpriseSimulators sims;
    private OutboxTestDb db;
    private OutboxRepository repo;
    private OutboxDeliverer deliverer;
    private Map<String, EnterpriseProperties.Target> targets;
    private Path mappings;

    @BeforeEach
    void setUp() throws IOException {
        sims = EnterpriseSimulators.onFreePorts();
        db = OutboxTestDb.inMemory();
        repo = new OutboxRepository(db.dataSource());
        targets = TestEvents.targets(sims, Duration.ofMillis(700));
        mappings = tmp.resolve("mappings");
        copyTree(Path.of("mappings"), mappings);
    }

    @AfterEach
    void tearDown() {
        if (deliverer != null) {
            deliverer.close();
        }
        sims.close();
    }

    private OutboxDeliverer start(int maxAttempts) {
        EnterpriseProperties.Outbox cfg = EnterpriseProperties.Outbox.defaults()
                .withPollInterval(Duration.ofMillis(20))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(150))
                .withMaxAttempts(maxAttempts)
                .withClaimLease(Duration.ofSeconds(5))
                .withConcurrency(4);
        DeliveryService service = new DeliveryService(
                new EnterpriseTargets(targets, n -> null),
                new MappingEngine(mappings, EventJson.mapper()),
                new SeverityPolicy(Map.of(), "MEDIUM"),
                "demo-customer",
                "test-site");
        deliverer = PlainOutboxThreads.deliverer(repo, service, cfg, Clock.systemUTC());
        deliverer.start();
        return deliverer;
    }

    private List<InspectionEvent> record(int n, String target, String type) {
        List<InspectionEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InspectionEvent e = TestEvents.ng("station-1", "scratch");
            db.record(e, target, type, e.id());
            events.add(e);
        }
        return events;
    }

    private static Set<Object> distinct(SimulatedDocuments docs, String field) {
        return docs.all().stream().map(d -> d.fields().get(field)).collect(Collectors.toSet());
    }

    @Test
    void targetDownForAWhileThenBackGetsEverythingExactlyOnce() {
        sims.sap().faults().down(true);
        record(20, "sap-qm", "QUALITY_NOTIFICATION");
        start(1000);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliverer.failureCount() >= 60);
        assertThat(sims.sap().qualityNotifications().count()).isZero();
        assertThat(db.count("PENDING")).isEqualTo(20);
        sims.sap().faults().down(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("DELIVERED") == 20);
        assertThat(sims.sap().qualityNotifications().count()).isEqualTo(20);
        assertThat(distinct(sims.sap().qualityNotifications(), "QltyNotifExternalReference"))
                .hasSize(20);
        assertThat(repo.list("DELIVERED", 100))
                .allSatisfy(r -> assertThat(r.documentNumber()).hasSize(12));
    }

    @Test
    void timeoutAfterTheTargetCreatedTheDocumentMakesNoDuplicate() {
        sims.sap().faults().timeoutAfterCreate(1, Duration.ofSeconds(3));
        InspectionEvent e = record(1, "sap-pm", "MAINTENANCE_NOTIFICATION").get(0);
        start(10);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("DELIVERED") == 1);
        assertThat(sims.sap().maintenanceNotifications().count()).isEqualTo(1);
        OutboxRow row = repo.forInspection(e.id()).get(0);
        assertThat(row.attempts()).isGreaterThanOrEqualTo(2);
        assertThat(row.documentNumber())
                .isEqualTo(sims.sap().maintenanceNotifications().all().get(0).number());
    }

    @Test
    void answerLostAfterCreateMakesNoDuplicateAtMaximo() {
        sims.maximo().faults().loseAnswerAfterCreate(2);
        record(3, "maximo", "WORK_ORDER");
        start(10);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("DELIVERED") == 3);
        assertThat(sims.maximo().workOrders().count()).isEqualTo(3);
    }

    @Test
    void expiredCsrfTokenIsRefreshedDuringDelivery() {
        record(2, "sap-qm", "QUALITY_NOTIFICATION");
        start(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("DELIVERED") == 2);
        sims.sap().expireCsrfTokens();
        record(2, "sap-qm", "QUALITY_NOTIFICATION");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("DELIVERED") == 4);
        assertThat(deliverer.failureCount()).isZero();
    }

    @Test
    void sapBadRequestIsParkedAtOnceWithSapsMessage() throws IOException {
        Files.writeString(
                mappings.resolve("demo-customer/sap-pm.jsonata"),
                "{\"NotificationType\": \"ZZ\", \"NotificationText\": \"x\", \"MaintNotifExtReferenceNumber\": delivery.reference20}");
        InspectionEvent e = record(1, "sap-pm", "MAINTENANCE_NOTIFICATION").get(0);
        start(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("PARKED") == 1);
        OutboxRow row = repo.forInspection(e.id()).get(0);
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.lastError())
                .contains("400")
                .contains("Notification type ZZ is not defined")
                .contains("NotificationType");
        assertThat(sims.sap().maintenanceNotifications().count()).isZero();
    }

    @Test
    void mappingErrorParksNamingTheFileAndRetryAfterTheFixDelivers() throws IOException {
        Path file = mappings.resolve("demo-customer/maximo.jsonata");
        String good = Files.readString(file);
        Files.writeString(file, "{ \"siteid\": \"BEDFORD\", \"description\": event.station & }");
        InspectionEvent e = record(1, "maximo", "WORK_ORDER").get(0);
        start(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("PARKED") == 1);
        OutboxRow parked = repo.forInspection(e.id()).get(0);
        assertThat(parked.lastError()).contains(file.toString()).contains("line 1");

        Files.writeString(file, good);
        OutboxOperations ops = new OutboxOperations(repo, Clock.systemUTC());
        OutboxOperations.Result r = ops.retry(parked.id(), "integrator-1", "mapping fixed");
        assertThat(r.changed()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("DELIVERED") == 1);
        assertThat(sims.maximo().workOrders().count()).isEqualTo(1);
        assertThat(ops.audit(parked.id())).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo("RETRY");
            assertThat(a.actor()).isEqualTo("integrator-1");
            assertThat(a.oldStatus()).isEqualTo("PARKED");
            assertThat(a.oldError()).contains("maximo.jsonata");
        });
    }

    @Test
    void parkedAfterMaxAttemptsThenCancelledWithAudit() {
        sims.oracle().faults().down(true);
        InspectionEvent e = record(1, "oracle-wo", "WORK_ORDER").get(0);
        start(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("PARKED") == 1);
        OutboxRow row = repo.forInspection(e.id()).get(0);
        assertThat(row.attempts()).isEqualTo(3);
        assertThat(row.lastError()).contains("503");
        OutboxOperations ops = new OutboxOperations(repo, Clock.systemUTC());
        assertThat(ops.cancel(row.id(), "admin", "duplicate of WO 42").changed())
                .isTrue();
        assertThat(repo.find(row.id()).orElseThrow().status()).isEqualTo("CANCELLED");
        OutboxOperations.Result again = ops.retry(row.id(), "admin", null);
        assertThat(again.httpStatus()).isEqualTo(409);
        assertThat(ops.retry(999_999, "admin", null).httpStatus()).isEqualTo(404);
        assertThat(ops.audit(row.id())).hasSize(1);
    }

    @Test
    void orderedTargetDeliversInOutboxOrderEvenWhenTheHeadFailsFirst() {
        targets.put("sap-pm", targets.get("sap-pm").withOrdered(true));
        sims.sap().faults().serverErrors(3, 500);
        List<InspectionEvent> events = record(5, "sap-pm", "MAINTENANCE_NOTIFICATION");
        start(10);
        await().atMost(Duration.ofSeconds(15)).until(() -> db.count("DELIVERED") == 5);
        List<String> refs = sims.sap().maintenanceNotifications().all().stream()
                .map(d -> (String) d.fields().get("MaintNotifExtReferenceNumber"))
                .toList();
        List<String> expected = events.stream()
                .map(ev -> repo.forInspection(ev.id()).get(0).externalReference())
                .toList();
        assertThat(refs).containsExactlyElementsOf(expected);
    }

    @Test
    void rowWithoutRecordedInspectionIsParked() {
        repo.insert("00000000-0000-0000-0000-000000000000", "sap-qm", "QUALITY_NOTIFICATION", "k1", Instant.now());
        start(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("PARKED") == 1);
        assertThat(repo.list("PARKED", 10).get(0).lastError()).contains("not in the ledger");
    }

    @Test
    void healthIsDegradedWhileDeliveriesAreParkedAndMetricsCountThem() {
        sims.oracle().faults().down(true);
        record(1, "oracle-wo", "WORK_ORDER");
        start(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("PARKED") == 1);
        var health = new OutboxHealthIndicator(repo, deliverer).health();
        assertThat(health.getStatus()).isEqualTo(OutboxHealthIndicator.DEGRADED);
        assertThat(health.getDetails()).containsKey("rows");
        var registry = new SimpleMeterRegistry();
        new OutboxMetrics(repo, deliverer).bindTo(registry);
        assertThat(registry.get("visionhub.outbox.rows")
                        .tag("status", "PARKED")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(registry.get("visionhub.outbox.deliveries")
                        .tag("outcome", "parked")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void tooManyRequestsWithRetryAfterWaitsAsLongAsTheTargetAsks() {
        sims.webhook().faults().serverErrors(1, 429).retryAfter(1);
        InspectionEvent e = record(1, "webhook", "WORK_REQUEST").get(0);
        start(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliverer.failureCount() == 1);
        OutboxRow waiting = repo.forInspection(e.id()).get(0);
        assertThat(waiting.lastError()).contains("429");
        assertThat(Duration.between(waiting.updatedAt(), waiting.nextAttemptAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(150));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("DELIVERED") == 1);
        assertThat(sims.webhook().workRequests().count()).isEqualTo(1);
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        OutboxDeliverer d = start(10);
        assertThat(d.backoff(1).toMillis()).isBetween(20L, 24L);
        assertThat(d.backoff(3).toMillis()).isBetween(80L, 96L);
        assertThat(d.backoff(30).toMillis()).isEqualTo(150L);
    }

    @Test
    void badListArgumentsAreRefused() {
        OutboxOperations ops = new OutboxOperations(repo, Clock.systemUTC());
        Assertions.assertThatThrownBy(() -> ops.list("LOST", 10)).hasMessageContaining("PARKED");
        Assertions.assertThatThrownBy(() -> ops.list("PARKED", 0)).hasMessageContaining("limit");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
