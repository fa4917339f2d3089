package io.visionhub.quality.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.context.ContextChange;
import io.visionhub.event.ProductionContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shift periods from a line's context history: merged across order changes, cut by other shifts and resets. */
class ShiftPeriodsTest {

    final List<ContextChange> changes = new ArrayList<>();
    long version;

    void push(String at, String order, String shift) {
        changes.add(new ContextChange(
                new ProductionContext(
                        "l1", order, null, null, null, null, null, shift, null, null, ++version, Instant.parse(at)),
                Instant.parse(at),
                "REST",
                "mes"));
    }

    @Test
    void aShiftRunsFromItsFirstContextUntilAnotherShiftTakesOver() {
        push("2026-03-01T22:00:00Z", "PO-0", "C"); // night shift of the day before
        push("2026-03-02T06:00:00Z", "PO-1", "A");
        push("2026-03-02T09:30:00Z", "PO-2", "A"); // order change inside shift A
        push("2026-03-02T14:00:00Z", "PO-2", "B");
        push("2026-03-02T22:00:00Z", "PO-2", "C");
        Instant now = Instant.parse("2026-03-03T03:00:00Z");
        LocalDate day = LocalDate.parse("2026-03-02");

        List<ShiftPeriods.Period> a = ShiftPeriods.of(changes, "A", day, ZoneOffset.UTC, now);
        assertThat(a)
                .containsExactly(new ShiftPeriods.Period(
                        Instant.parse("2026-03-02T06:00:00Z"),
                        Instant.parse("2026-03-02T14:00:00Z"),
                        List.of("PO-1", "PO-2"),
                        false));
        // the night shift belongs to the date it started, and still runs
        List<ShiftPeriods.Period> c = ShiftPeriods.of(changes, "C", day, ZoneOffset.UTC, now);
        assertThat(c).hasSize(1);
        assertThat(c.get(0).from()).isEqualTo(Instant.parse("2026-03-02T22:00:00Z"));
        assertThat(c.get(0).to()).isEqualTo(now);
        assertThat(c.get(0).open()).isTrue();
        assertThat(ShiftPeriods.of(changes, "Z", day, ZoneOffset.UTC, now)).isEmpty();
        // in Berlin time, 22:00 UTC on the 2nd is 23:00 on the 2nd; 22:00 UTC on the 1st is 23:00 on the 1st
        assertThat(ShiftPeriods.of(changes, "C", day, ZoneId.of("Europe/Berlin"), now))
                .extracting(ShiftPeriods.Period::from)
                .containsExactly(Instant.parse("2026-03-02T22:00:00Z"));
    }

    @Test
    void theEndOfProductionEndsTheShift() {
        push("2026-03-02T06:00:00Z", "PO-1", "A");
        push("2026-03-02T08:00:00Z", null, null); // production ended (or the line was reset)
        push("2026-03-02T09:00:00Z", "PO-3", "A");
        List<ShiftPeriods.Period> a = ShiftPeriods.of(
                changes, "A", LocalDate.parse("2026-03-02"), ZoneOffset.UTC, Instant.parse("2026-03-02T10:00:00Z"));
        assertThat(a)
                .extracting(ShiftPeriods.Period::to)
                .containsExactly(Instant.parse("2026-03-02T08:00:00Z"), Instant.parse("2026-03-02T10:00:00Z"));
        assertThat(ShiftReportService.window(a)).isEqualTo(java.time.Duration.ofMinutes(7));
    }
}
