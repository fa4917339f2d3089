package io.visionhub.routes;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Health of the integrators' route files: UP when every file loaded; DEGRADED (the other routes run)
 * naming each bad file with its line and problem.
 */
public class RouteFilesHealthIndicator implements HealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "a route file failed to load; the others run");

    private final RouteFileLoader loader;

    public RouteFilesHealthIndicator(RouteFileLoader loader) {
        this.loader = loader;
    }

    @Override
    public Health health() {
        boolean allLoaded = true;
        Map<String, Object> files = new LinkedHashMap<>();
        for (RouteFileStatus s : loader.statuses()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("loaded", s.loaded());
            if (s.loaded()) {
                d.put("routes", s.routeIds());
            } else {
                allLoaded = false;
                if (s.line() != null) {
                    d.put("line", s.line());
                    d.put("column", s.column());
                }
                d.put("problem", s.problem());
            }
            d.put("at", s.at().toString());
            files.put(s.file(), d);
        }
        return Health.status(allLoaded ? Status.UP : DEGRADED)
                .withDetail("files", files)
                .build();
    }
}
