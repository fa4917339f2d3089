package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The poll's queries on an outbox with a large backlog in one ordering group, other groups, ungrouped rows and other
 * targets: {@code due} answers exactly the rows its rule names (PENDING; due now, or scheduled beyond clockBack; a
 * grouped row only when no older row of its group is PENDING; id order; limit) and {@code head} a target's oldest
 * PENDING row. Checked against that rule evaluated over every row, and on H2 with NULLs sorted low (H2's default) and
 * high (the hub's URL), since the queries seek past ungrouped (NULL) entries of the group index, and on PostgreSQL.
 */
class OutboxBacklogPollTest {

    final Instant now = Instant.parse("2026-12-05T23:00:00Z");
    final Instant clockBack = now.plusSeconds(3600);
    JdbcTemplate jdbc;
    OutboxRepository repo;
    int n;

    long row(String target, String group, String status, Instant next) {
        OffsetDateTime t = OffsetDateTime.ofInstant(now.minusSeconds(60), ZoneOffset.UTC);
        String key = "k" + (++n);
        jdbc.update(
                "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts, "
                        + "next_attempt_at, created_at, updated_at, ordering_key) VALUES (?,?,?,?,?,0,?,?,?,?)",
                "i-" + key,
                target,
                "DOC",
                key,
                status,
                next == null ? null : OffsetDateTime.ofInstant(next, ZoneOffset.UTC),
                t,
                t,
                group);
        return jdbc.queryForObject(
                "SELECT id FROM outbox WHERE target = ? AND delivery_key = ?", Long.class, target, key);
    }

    PGSimpleDataSource pg;

    @AfterEach
    void dropSchema() {
        OutboxTestDb.dropPostgresSchema(pg);
    }

    /** H2 as the tests open it, H2 as the hub does (NULLs high), or PostgreSQL (skipped when none answers). */
    DataSource database(String kind) throws Exception {
        if (!kind.equals("postgresql")) {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:mem:backlog-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1" + kind);
            ds.setUser("sa");
            OutboxTestDb.migrate(ds);
            return ds;
        }
        pg = OutboxTestDb.postgresSchema();
        return pg;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ";DEFAULT_NULL_ORDERING=HIGH", "postgresql"})
    void dueAndHeadAnswerExactlyTheirRuleOverALargeBacklog(String kind) throws Exception {
        DataSource ds = database(kind);
        jdbc = new JdbcTemplate(ds);
        repo = new OutboxRepository(ds);
        Instant leased = now.plusSeconds(30);
        Instant stale = now.plusSeconds(7200); // beyond clockBack: due

        long delivered = row("sap-qm", "NCR|1|sap-qm", "DELIVERED", null);
        long hookOld = row("webhook", null, "PENDING", now);
        // group NCR|1: a backlog of 3,000 PENDING rows behind a due head
        long big = row("sap-qm", "NCR|1|sap-qm", "PENDING", now);
        repo.inTransaction(
                () -> { // one commit, not 3,000 (PostgreSQL)
                    for (int i = 0; i < 3000; i++) {
                        row("sap-qm", "NCR|1|sap-qm", "PENDING", now);
                    }
                    return null;
                });
        // "NCR|1" is a prefix of the key above: its head must not be skipped by the seek past that key
        long prefixHead = row("sap-qm", "NCR|1", "PENDING", null);
        row("sap-qm", "NCR|1", "PENDING", null);
        // a leased head keeps its due successor waiting
        long leasedHead = row("sap-qm", "NCR|2|sap-qm", "PENDING", leased);
        row("sap-qm", "NCR|2|sap-qm", "PENDING", now);
        // a PARKED row does not hold its group; a head scheduled beyond clockBack is due
        row("mes", "ALARM|7", "PARKED", null);
        long staleHead = row("mes", "ALARM|7", "PENDING", stale);
        row("mes", "ALARM|7", "PENDING", now);
        long hookLeased = row("webhook", null, "PENDING", leased);
        long hookStale = row("webhook", null, "PENDING", stale);
        List<Long> hookNew = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hookNew.add(row("webhook", null, "PENDING", now));
        }
        row("webhook", null, "CANCELLED", null);
        long mesPlain = row("mes", null, "PENDING", now.minusSeconds(5));

        List<Long> expected = new ArrayList<>(List.of(hookOld, big, prefixHead, staleHead, hookStale));
        expected.addAll(hookNew);
        expected.add(mesPlain);
        assertThat(ids(repo.due(now, clockBack, 100))).containsExactlyElementsOf(expected);
        assertThat(ids(repo.due(now, clockBack, 100))).isEqualTo(byRule(now, clockBack, 100));
        // without clockBack the stale rows wait: the stale head, and the webhook row scheduled beyond it
        assertThat(ids(repo.due(now, null, 100))).doesNotContain(staleHead, hookStale, hookLeased, leasedHead);
        assertThat(ids(repo.due(now, null, 100))).isEqualTo(byRule(now, null, 100));
        // the limit takes the oldest
        assertThat(ids(repo.due(now, clockBack, 4))).containsExactly(hookOld, big, prefixHead, staleHead);
        assertThat(ids(repo.due(now, clockBack, 1))).containsExactly(hookOld);

        // the head delivered: the group's next row is its head, due; the rest of the backlog still waits
        jdbc.update("UPDATE outbox SET status = 'DELIVERED' WHERE id = ?", big);
        jdbc.update("UPDATE outbox SET next_attempt_at = ? WHERE id = ?", ts(leased), leasedHead + 1);
        jdbc.update("UPDATE outbox SET status = 'DELIVERED' WHERE id = ?", leasedHead);
        List<Long> after = ids(repo.due(now, clockBack, 100));
        assertThat(after).contains(big + 1).doesNotContain(big + 2, leasedHead + 1);
        assertThat(after).isEqualTo(byRule(now, clockBack, 100));

        assertThat(repo.head("sap-qm").orElseThrow().id()).isEqualTo(big + 1);
        assertThat(repo.head("webhook").orElseThrow().id()).isEqualTo(hookOld);
        assertThat(repo.head("mes").orElseThrow().id()).isEqualTo(staleHead);
        assertThat(repo.head("nobody")).isEmpty();
        assertThat(delivered).isLessThan(hookOld);
    }

    /** The due rule, evaluated row by row over the whole outbox (the rule the query must keep). */
    List<Long> byRule(Instant now, Instant clockBack, int limit) {
        List<OutboxRow> all = repo.page(null, 0, 100_000);
        Set<String> pendingGroups = new HashSet<>();
        List<Long> out = new ArrayList<>();
        for (OutboxRow r : all) {
            if (!"PENDING".equals(r.status())) {
                continue;
            }
            boolean timeDue = r.nextAttemptAt() == null
                    || !r.nextAttemptAt().isAfter(now)
                    || (clockBack != null && r.nextAttemptAt().isAfter(clockBack));
            boolean first = r.orderingKey() == null || pendingGroups.add(r.orderingKey());
            if (timeDue && first && out.size() < limit) {
                out.add(r.id());
            }
        }
        return out;
    }

    static OffsetDateTime ts(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static List<Long> ids(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::id).toList();
    }
}
