package io.visionhub.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The operator web app. Defaults documented in config/web.yaml.
 *
 * @param enabled       false: no /ui pages and no /login
 * @param defaultLine   where "/" sends an OPERATOR or ADMIN when no camera or context names a line yet
 * @param recentResults results listed per station on the line screen
 * @param clientQueue   events queued per connected browser before it is told to reload
 * @param maxClients    most browsers on the live stream at once
 * @param stateInterval how often the stream checks health and sends changes (also the keep-alive)
 * @param updateInterval shortest time between two updates of a line's results (or rates) on its screens
 */
@ConfigurationProperties(prefix = "visionhub.web")
public record WebProperties(
        Boolean enabled,
        String defaultLine,
        Integer recentResults,
        Integer clientQueue,
        Integer maxClients,
        Duration stateInterval,
        Duration updateInterval) {

    public WebProperties {
        enabled = enabled == null || enabled;
        defaultLine = defaultLine == null || defaultLine.isBlank() ? "line-1" : defaultLine.strip();
        recentResults = recentResults == null ? 20 : recentResults;
        clientQueue = clientQueue == null ? 256 : clientQueue;
        maxClients = maxClients == null ? 200 : maxClients;
        stateInterval = stateInterval == null ? Duration.ofSeconds(2) : stateInterval;
        updateInterval = updateInterval == null ? Duration.ofMillis(100) : updateInterval;
        if (updateInterval.isNegative() || updateInterval.toMillis() > 1000) {
            throw new IllegalArgumentException(
                    "visionhub.web.update-interval must be between 0 and 1s (got " + updateInterval + ")");
        }
        if (recentResults < 1 || recentResults > 500) {
            throw new IllegalArgumentException(
                    "visionhub.web.recent-results must be between 1 and 500 (got " + recentResults + ")");
        }
        if (clientQueue < 8) {
            throw new IllegalArgumentException(
                    "visionhub.web.client-queue must be at least 8 (got " + clientQueue + ")");
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("visionhub.web.max-clients must be at least 1 (got " + maxClients + ")");
        }
        if (stateInterval.toMillis() < 100) {
            throw new IllegalArgumentException(
                    "visionhub.web.state-interval must be at least 100ms (got " + stateInterval + ")");
        }
        if (!LineNames.valid(defaultLine)) {
            throw new IllegalArgumentException(
                    "visionhub.web.default-line '" + defaultLine + "' is not a line name (" + LineNames.RULE + ")");
        }
    }
}
