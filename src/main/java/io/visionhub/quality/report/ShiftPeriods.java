package io.visionhub.quality.report;

import io.visionhub.context.ContextChange;
import io.visionhub.event.ProductionContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * When a line ran a shift on a date, from its context history: each context version applies from its
 * {@code validFrom} until the next version (or a reset, or the end of production) takes over; consecutive versions
 * with the same shift (an order change inside the shift) make one period. The periods of a date are those that
 * started on that date in the report's time zone (a night shift that starts at 22:00 belongs to the date it started).
 */
public final class ShiftPeriods {

    private ShiftPeriods() {}

    /**
     * One uninterrupted run of a shift on a line.
     *
     * @param from   when it started
     * @param to     when the next shift (or the end of production) took over; {@code now} while it still runs
     * @param orders production orders run in it, in order
     * @param open   whether it still runs
     */
    public record Period(Instant from, Instant to, List<String> orders, boolean open) {}

    /**
     * @param changes the line's context changes from at least a day before the date onwards, in any order
     * @param now     the end of a period that still runs
     */
    public static List<Period> of(List<ContextChange> changes, String shift, LocalDate date, ZoneId zone, Instant now) {
        List<ContextChange> ordered = new ArrayList<>(changes);
        ordered.sort(Comparator.comparingLong(ContextChange::epoch)
                .thenComparing(c -> c.context().validFrom())
                .thenComparingLong(c -> c.context().version()));
        Instant dayStart = date.atStartOfDay(zone).toInstant();
        Instant dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant();
        List<Period> runs = new ArrayList<>();
        Instant runFrom = null;
        Instant runTo = null;
        Set<String> orders = new LinkedHashSet<>();
        for (int i = 0; i < ordered.size(); i++) {
            ProductionContext c = ordered.get(i).context();
            boolean last = i == ordered.size() - 1;
            Instant end = last ? now : ordered.get(i + 1).context().validFrom();
            boolean inShift = c.productionOrder() != null && shift.equals(c.shift());
            if (inShift) {
                if (runFrom == null) {
                    runFrom = c.validFrom();
                }
                runTo = end;
                orders.add(c.productionOrder());
            }
            if ((!inShift || last) && runFrom != null) {
                runs.add(new Period(runFrom, runTo, List.copyOf(orders), inShift && last));
                runFrom = null;
                orders = new LinkedHashSet<>();
            }
        }
        return runs.stream()
                .filter(p -> !p.from().isBefore(dayStart) && p.from().isBefore(dayEnd))
                .filter(p -> p.to().isAfter(p.from()))
                .toList();
    }
}
