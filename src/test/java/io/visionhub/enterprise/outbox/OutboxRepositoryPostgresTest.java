package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The outbox SQL on PostgreSQL (skipped when no PostgreSQL answers on 127.0.0.1:5432, db test, user postgres). */
class OutboxRepositoryPostgresTest {

    private PGSimpleDataSource ds;

    @BeforeEach
    void connect() throws Exception {
        ds = OutboxTestDb.postgresSchema();
    }

    @AfterEach
    void drop() {
        OutboxTestDb.dropPostgresSchema(ds);
    }

    @Test
    void claimDeliverParkRequeueCancelAndAuditOnPostgres() {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        OutboxRepository repo = new OutboxRepository(ds);
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        jdbc.update(
                "INSERT INTO inspection (id, ledger_seq, station, line, production_order, result, event_json) VALUES (?,?,?,?,?,?,?)",
                e.id(),
                1L,
                e.station(),
                e.line(),
                "000001000001",
                "NG",
                EventJson.toJson(e));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        repo.insert(e.id(), "sap-qm", "QUALITY_NOTIFICATION", e.id(), now);
        repo.insert(e.id(), "maximo", "WORK_ORDER", e.id(), now);

        assertThat(repo.due(now, 10)).hasSize(2);
        OutboxRow first = repo.due(now, 10).get(0);
        assertThat(repo.claim(first.id(), now, now.plus(Duration.ofMinutes(1)))).isTrue();
        assertThat(repo.claim(first.id(), now, now.plus(Duration.ofMinutes(1)))).isFalse();
        assertThat(repo.due(now, 10)).hasSize(1);
        assertThat(repo.find(first.id()).orElseThrow().attempts()).isEqualTo(1);
        assertThat(repo.markDelivered(first.id(), 1, "000200000001", now)).isTrue();
        assertThat(repo.forInspection(e.id()).get(0).documentNumber()).isEqualTo("000200000001");

        OutboxRow second = repo.head("maximo").orElseThrow();
        assertThat(repo.markRetry(second.id(), 1, now.plusSeconds(5), "503", now))
                .isTrue();
        assertThat(repo.due(now, 10)).isEmpty();
        assertThat(repo.due(now.plusSeconds(6), 10)).hasSize(1);
        assertThat(repo.park(second.id(), 2, "400 bad", now)).isTrue();
        assertThat(repo.requeue(second.id(), now)).isTrue();
        assertThat(repo.cancel(second.id(), now)).isTrue();
        repo.audit(second.id(), "CANCEL", "ida", "test", "PENDING", "CANCELLED", "400 bad", now);
        assertThat(repo.auditOf(second.id())).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("ida");
            assertThat(a.at()).isEqualTo(now);
        });
        assertThat(repo.countsByStatus()).containsEntry("DELIVERED", 1L).containsEntry("CANCELLED", 1L);
        assertThat(repo.eventJson(e.id())).isPresent();
        assertThat(repo.list("CANCELLED", 5)).hasSize(1);
        assertThat(repo.list(null, 5)).hasSize(2);
    }

    @Test
    void bulkRequeueByTargetAndTimeAndCursorPagesOnPostgres() {
        OutboxRepository repo = new OutboxRepository(ds);
        Instant t0 = Instant.parse("2026-12-01T06:00:00Z");
        for (int i = 0; i < 6; i++) {
            repo.insert(
                    "insp-" + i, i % 2 == 0 ? "sap-qm" : "maximo", "QUALITY_NOTIFICATION", "k-" + i, t0.plusSeconds(i));
        }
        Instant later = t0.plusSeconds(60);
        for (OutboxRow r : repo.list(OutboxRow.PENDING, 10)) {
            assertThat(repo.claim(r.id(), later, later)).isTrue();
            assertThat(repo.park(r.id(), 3, "mapping error", later)).isTrue();
        }
        BulkRetryAudit a = repo.requeueMatching(
                new BulkRetryFilter("sap-qm", "PARKED", t0, t0.plusSeconds(4)), "ida", "fixed", later);
        assertThat(a.count()).isEqualTo(2);
        assertThat(repo.list(OutboxRow.PENDING, 10))
                .extracting(OutboxRow::deliveryKey)
                .containsExactly("k-0", "k-2");
        assertThat(repo.list(OutboxRow.PENDING, 10))
                .allSatisfy(r -> assertThat(r.mayHaveReached()).isTrue());
        assertThat(repo.bulkRetries(5)).singleElement().satisfies(b -> {
            assertThat(b.count()).isEqualTo(2);
            assertThat(b.filter().target()).isEqualTo("sap-qm");
            assertThat(b.firstId()).isEqualTo(a.firstId());
        });
        List<OutboxRow> first = repo.page(null, 0, 4);
        List<OutboxRow> second = repo.page(null, first.get(3).id(), 4);
        assertThat(first).hasSize(4);
        assertThat(second).hasSize(2);
        assertThat(second.get(0).id()).isGreaterThan(first.get(3).id());
    }
}
