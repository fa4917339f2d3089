package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.LedgerFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Ordering groups (outbox.ordering_key, Flyway V55): a row is due only when no older row of its group is PENDING,
 * so a non-conformance's document goes before its items and the items one after the other, while rows of other
 * groups and rows without a group are due at once.
 */
class OutboxOrderingGroupTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    OutboxRepository repo;
    JdbcTemplate jdbc;
    final Instant now = Instant.parse("2026-12-05T07:00:00Z");

    @BeforeEach
    void open() {
        f = new LedgerFixture(dir);
        repo = new OutboxRepository(f.ds);
        jdbc = new JdbcTemplate(f.ds);
    }

    @AfterEach
    void close() {
        f.close();
    }

    long row(String key, String group) {
        OffsetDateTime t = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        jdbc.update(
                "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts, "
                        + "next_attempt_at, created_at, updated_at, ordering_key) VALUES (?,?,?,?,'PENDING',0,?,?,?,?)",
                "i-" + key,
                "sap-qm",
                "NCR",
                key,
                t,
                t,
                t,
                group);
        return jdbc.queryForObject("SELECT id FROM outbox WHERE delivery_key = ?", Long.class, key);
    }

    List<Long> due() {
        return repo.due(now, 100).stream().map(OutboxRow::id).toList();
    }

    @Test
    void aGroupDeliversItsRowsOneAfterTheOtherWhileOtherRowsFlow() {
        long doc = row("NCR|a", "NCR|a|sap-qm");
        long item1 = row("NCR|a|1", "NCR|a|sap-qm");
        long item2 = row("NCR|a|2", "NCR|a|sap-qm");
        long plain = row("inspection-x", null);
        long other = row("NCR|b", "NCR|b|sap-qm");

        assertThat(due()).containsExactly(doc, plain, other);

        // claimed (in flight, still PENDING): its group waits, the others do not
        assertThat(repo.claim(doc, now, now.plusSeconds(30), "VHREF")).isTrue();
        assertThat(due()).containsExactly(plain, other);

        assertThat(repo.markDelivered(doc, 1, "200000001", now)).isTrue();
        assertThat(due()).containsExactly(item1, plain, other);

        // a retry later (next_attempt_at ahead) keeps the rest of the group waiting behind it
        assertThat(repo.markRetry(item1, 1, now.plusSeconds(60), "SAP busy", now))
                .isTrue();
        assertThat(due()).containsExactly(plain, other);

        assertThat(repo.markDelivered(item1, 2, "200000001/0001", now)).isTrue();
        assertThat(due()).containsExactly(item2, plain, other);
    }
}
