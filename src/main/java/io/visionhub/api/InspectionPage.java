package io.visionhub.api;

import java.util.List;

/**
 * A page of inspections, newest first.
 *
 * @param items  the inspections of this page
 * @param offset index of the first item in the whole result
 * @param limit  page size asked for
 * @param more   whether another page follows (ask again with offset + limit)
 */
public record InspectionPage(List<InspectionSummary> items, int offset, int limit, boolean more) {}
