package io.visionhub.priority;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Inference first (visionhub.routing.*): the hub's routing and background threads run at a lower OS priority than
 * the threads that inspect frames.
 *
 * @param nice          Linux nice value (0-19) of the routing and background threads; 0: off, every thread keeps the
 *                      process's priority. Default 10: under CFS a nice-10 thread weighs 110 against 1024 for nice 0
 * @param normalThreads more Java thread names (regular expressions, found anywhere in the name) that keep normal
 *                      priority, besides the built-in ones ({@link RoutingPriority#INFERENCE_THREADS})
 * @param sweepInterval how often new threads are looked for and given the routing priority (default 1 s)
 */
@ConfigurationProperties(prefix = "visionhub.routing")
public record RoutingPriorityProperties(Integer nice, List<String> normalThreads, Duration sweepInterval) {

    public static final int DEFAULT_NICE = 10;

    public RoutingPriorityProperties {
        nice = nice == null ? DEFAULT_NICE : nice;
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("visionhub.routing.nice must be 0 (off) to 19 (the lowest priority), "
                    + "got " + nice + ": a negative nice value would raise routing above inference and needs "
                    + "privileges");
        }
        normalThreads = normalThreads == null ? List.of() : List.copyOf(normalThreads);
        for (String p : normalThreads) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("visionhub.routing.normal-threads: '" + p
                        + "' is not a regular expression: " + e.getDescription());
            }
        }
        sweepInterval = sweepInterval == null ? Duration.ofSeconds(1) : sweepInterval;
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException(
                    "visionhub.routing.sweep-interval must be positive, got " + sweepInterval);
        }
    }
}
