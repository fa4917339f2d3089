package io.visionhub.routes;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where integrators keep their YAML routes and whether edits are picked up while the hub runs.
 *
 * @param dir          folder of Camel YAML DSL route files (every *.yaml / *.yml in it)
 * @param reload       watch the folder and reload a file when it changes (dev mode; off in the prod profile)
 * @param pollInterval how often the folder is checked for changes when reload is on
 */
@ConfigurationProperties(prefix = "visionhub.routes")
public record RouteFilesProperties(Path dir, Boolean reload, Duration pollInterval) {
    public RouteFilesProperties {
        dir = dir == null ? Path.of("routes") : dir;
        reload = reload == null || reload;
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    }
}
