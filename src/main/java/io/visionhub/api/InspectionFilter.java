package io.visionhub.api;

import java.time.Instant;

/**
 * Filters of an inspection list query; null means "any". Newest first, {@code limit} rows from {@code offset}.
 */
public record InspectionFilter(
        String line,
        String station,
        String productionOrder,
        String batch,
        String result,
        String defectClass,
        Instant from,
        Instant to,
        int offset,
        int limit) {}
