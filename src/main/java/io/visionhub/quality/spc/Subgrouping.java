package io.visionhub.quality.spc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Cuts a station's inspections, in time order, into subgroups: by count (every n parts; an unfinished last group is
 * left out until it fills) or by time (fixed windows from an origin, e.g. the shift start; empty windows are left
 * out). What each subgroup counts depends on the chart: nonconforming parts (p, np) or defects (u).
 */
public final class Subgrouping {

    private Subgrouping() {}

    public static List<Subgroup> byCount(List<Sample> samples, int size, ChartType type) {
        if (size <= 0) {
            throw new IllegalArgumentException("subgroup size must be positive, got " + size);
        }
        List<Sample> ordered = ordered(samples);
        ToLongFunction<Sample> counted = counter(type);
        List<Subgroup> groups = new ArrayList<>();
        for (int start = 0; start + size <= ordered.size(); start += size) {
            List<Sample> part = ordered.subList(start, start + size);
            groups.add(new Subgroup(
                    part.get(0).time(),
                    part.get(size - 1).time(),
                    size,
                    part.stream().mapToLong(counted).sum()));
        }
        return groups;
    }

    public static List<Subgroup> byTime(List<Sample> samples, Duration window, Instant origin, ChartType type) {
        if (window == null || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("subgroup window must be a positive duration, got " + window);
        }
        ToLongFunction<Sample> counted = counter(type);
        List<Subgroup> groups = new ArrayList<>();
        long windowMillis = window.toMillis();
        long current = Long.MIN_VALUE;
        long inspected = 0;
        long count = 0;
        for (Sample s : ordered(samples)) {
            long index = Math.floorDiv(Duration.between(origin, s.time()).toMillis(), windowMillis);
            if (index != current && inspected > 0) {
                groups.add(window(origin, current, window, inspected, count));
                inspected = 0;
                count = 0;
            }
            current = index;
            inspected++;
            count += counted.applyAsLong(s);
        }
        if (inspected > 0) {
            groups.add(window(origin, current, window, inspected, count));
        }
        return groups;
    }

    private static Subgroup window(Instant origin, long index, Duration window, long inspected, long count) {
        Instant from = origin.plus(window.multipliedBy(index));
        return new Subgroup(from, from.plus(window), inspected, count);
    }

    private static List<Sample> ordered(List<Sample> samples) {
        return samples.stream().sorted(Comparator.comparing(Sample::time)).toList();
    }

    private static ToLongFunction<Sample> counter(ChartType type) {
        return type == ChartType.U ? Sample::defects : s -> s.nonconforming() ? 1 : 0;
    }
}
