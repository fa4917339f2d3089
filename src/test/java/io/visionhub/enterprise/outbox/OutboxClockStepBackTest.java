package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.LedgerFixture;
import java.nio.file.Path;
import java.time.Duration;
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
 * A retry scheduled before the hub's clock stepped back (NTP, a wrong RTC at boot) is due at once, not after the
 * size of the step; a retry or claim lease the deliverer itself set stays where it is.
 */
class OutboxClockStepBackTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    OutboxRepository repo;
    JdbcTemplate jdbc;
    final Instant before = Instant.parse("2026-12-05T09:00:00Z");

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

    long row(String key) {
        OffsetDateTime t = OffsetDateTime.ofInstant(before, ZoneOffset.UTC);
        jdbc.update(
                "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, status, attempts, "
                        + "next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,'PENDING',0,?,?,?)",
                "i-" + key,
                "sap-qm",
                "QUALITY_NOTIFICATION",
                key,
                t,
                t,
                t);
        return jdbc.queryForObject("SELECT id FROM outbox WHERE delivery_key = ?", Long.class, key);
    }

    @Test
    void aRetryScheduledBeforeTheClockWentBackTwoHoursIsDueAtOnce() {
        long failed = row("a");
        long leased = row("b");
        // SAP down: the first retry 3 s later; another row claimed by a deliverer for 60 s
        assertThat(repo.markRetry(failed, 1, before.plusSeconds(3), "503", before))
                .isTrue();
        assertThat(repo.claim(leased, before, before.plusSeconds(60), "VHREF")).isTrue();

        Instant stepped = before.minus(Duration.ofHours(2)).plusSeconds(5);
        Instant clockBack = stepped.plus(Duration.ofMinutes(11)); // max backoff 10 min + slack, as the deliverer
        assertThat(ids(repo.due(stepped, 10)))
                .as("without the clock-back rule the retry would wait 2 h")
                .isEmpty();
        assertThat(ids(repo.due(stepped, clockBack, 10))).containsExactly(failed, leased);
        assertThat(repo.claim(failed, stepped, clockBack, stepped.plusSeconds(60), "VHREF2"))
                .isTrue();

        // after the step, the deliverer's own retry (now + backoff) and lease are kept
        assertThat(repo.markRetry(failed, 2, stepped.plusSeconds(6), "503", stepped))
                .isTrue();
        assertThat(ids(repo.due(stepped.plusSeconds(1), clockBack, 10))).containsExactly(leased);
        assertThat(ids(repo.due(stepped.plusSeconds(7), clockBack, 10))).containsExactly(failed, leased);
    }

    private static List<Long> ids(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::id).toList();
    }
}
