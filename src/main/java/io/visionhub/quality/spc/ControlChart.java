package io.visionhub.quality.spc;

import java.util.List;

/**
 * An attribute control chart with its centre line fixed from a baseline period. Limits are centre ± 3 sigma for
 * each subgroup's own size (p and u charts have stepped limits when sizes vary); a lower limit below zero is
 * drawn at zero.
 */
public final class ControlChart {

    private final ChartType type;
    /** p̄ for p and np charts, ū for the u chart. */
    private final double rate;

    private final long constantSize;

    private ControlChart(ChartType type, double rate, long constantSize) {
        this.type = type;
        this.rate = rate;
        this.constantSize = constantSize;
    }

    /** Centre line from the baseline subgroups (e.g. the first shift after a model change was approved). */
    public static ControlChart fromBaseline(ChartType type, List<Subgroup> baseline) {
        if (baseline == null || baseline.isEmpty()) {
            throw new IllegalArgumentException("a " + type + " chart needs at least one baseline subgroup");
        }
        long inspected = 0;
        long count = 0;
        for (Subgroup s : baseline) {
            if (type != ChartType.U && s.count() > s.inspected()) {
                throw new IllegalArgumentException("subgroup from " + s.from() + " has " + s.count()
                        + " nonconforming parts of " + s.inspected() + " inspected");
            }
            inspected += s.inspected();
            count += s.count();
        }
        long size = type == ChartType.NP
                ? requireConstantSize(baseline, baseline.get(0).inspected())
                : 0;
        return new ControlChart(type, (double) count / inspected, size);
    }

    /** A chart with a known centre line (p̄ or ū), e.g. one stored with the station's SPC settings. */
    public static ControlChart withCenter(ChartType type, double rate, long constantSize) {
        if (rate < 0 || (type != ChartType.U && rate > 1)) {
            throw new IllegalArgumentException("centre rate " + rate + " is out of range for a " + type + " chart");
        }
        if (type == ChartType.NP && constantSize <= 0) {
            throw new IllegalArgumentException("an np chart needs its constant subgroup size");
        }
        return new ControlChart(type, rate, constantSize);
    }

    public ChartType type() {
        return type;
    }

    /** p̄ (p, np) or ū (u) of the baseline. */
    public double rate() {
        return rate;
    }

    public List<ChartPoint> plot(List<Subgroup> subgroups) {
        if (type == ChartType.NP) {
            requireConstantSize(subgroups, constantSize);
        }
        return subgroups.stream().map(this::point).toList();
    }

    public ChartPoint point(Subgroup s) {
        if (type != ChartType.U && s.count() > s.inspected()) {
            throw new IllegalArgumentException("subgroup from " + s.from() + " has " + s.count()
                    + " nonconforming parts of " + s.inspected() + " inspected");
        }
        double n = s.inspected();
        double value;
        double center;
        double sigma;
        switch (type) {
            case P -> {
                value = s.count() / n;
                center = rate;
                sigma = Math.sqrt(rate * (1 - rate) / n);
            }
            case NP -> {
                value = s.count();
                center = n * rate;
                sigma = Math.sqrt(n * rate * (1 - rate));
            }
            default -> {
                value = s.count() / n;
                center = rate;
                sigma = Math.sqrt(rate / n);
            }
        }
        double lower = Math.max(0, center - 3 * sigma);
        double upper = center + 3 * sigma;
        if (type == ChartType.P) {
            upper = Math.min(1, upper);
        }
        double z;
        if (sigma > 0) {
            z = (value - center) / sigma;
        } else {
            z = value == center ? 0 : Math.copySign(Double.POSITIVE_INFINITY, value - center);
        }
        return new ChartPoint(s, value, center, lower, upper, sigma, z);
    }

    private static long requireConstantSize(List<Subgroup> subgroups, long size) {
        for (Subgroup s : subgroups) {
            if (s.inspected() != size) {
                throw new IllegalArgumentException("an np chart needs subgroups of one size (" + size
                        + "), the subgroup from " + s.from() + " has " + s.inspected() + "; use a p chart");
            }
        }
        return size;
    }
}
