package io.visionhub.routes;

import java.time.Instant;
import java.util.List;

/**
 * What happened when a route file was last loaded.
 *
 * @param file     path of the route file
 * @param loaded   true when its routes run
 * @param routeIds ids of the routes that came from it
 * @param line     line of the problem (1-based) where known, else null
 * @param column   column of the problem where known, else null
 * @param problem  the problem, or null when loaded
 * @param at       when the file was last (re)loaded
 */
public record RouteFileStatus(
        String file, boolean loaded, List<String> routeIds, Integer line, Integer column, String problem, Instant at) {}
