package io.visionhub.quality.spc;

/**
 * A plotted subgroup: its statistic, the centre line and the 3-sigma limits for its size, and {@code z}, its distance
 * from the centre line in sigmas (what the Nelson rules read; infinite when the baseline has no spread and the point
 * is off the centre line).
 */
public record ChartPoint(
        Subgroup subgroup, double value, double center, double lowerLimit, double upperLimit, double sigma, double z) {}
