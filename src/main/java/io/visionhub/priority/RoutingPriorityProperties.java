package io.visionhub.priority;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Inference first (visionhub.routing.*): the hub's routing and background threads run at a lower OS priority than
 * the threads that inspect frames.
 *
 * @param nice          Linux nice value (0-19) of the routing and background threads; 0 with policy {@code nice}: off,
 *                      every thread keeps the process's priority. Default 10: under CFS a nice-10 thread weighs 110
 *                      against 1024 for nice 0
 * @param policy        {@code nice} (default): the routing threads get only the nice value; {@code idle}: they also get
 *                      Linux's SCHED_IDLE policy (weight 3 against 1024: they run on what inference leaves), and keep
 *                      the nice value, which weighs them if the OS refuses SCHED_IDLE
 * @param normalThreads more Java thread names (regular expressions, found anywhere in the name) that keep normal
 *                      priority, besides the built-in ones ({@link RoutingPriority#INFERENCE_THREADS})
 * @param sweepInterval how often new threads are looked for and given the routing priority (default 1 s)
 */
@ConfigurationProperties(prefix = "visionhub.routing")
public record RoutingPriorityProperties(
        Integer nice, List<String> normalThreads, Duration sweepInterval, Policy policy) {

    /** How routing threads are lowered: {@code nice} or {@code idle} (SCHED_IDLE, and the nice value too). */
    public enum Policy {
        NICE,
        IDLE
    }

    /** The routing priority by nice value only (policy {@code nice}, today's default). */
    public RoutingPriorityProperties(Integer nice, List<String> normalThreads, Duration sweepInterval) {
        this(nice, normalThreads, sweepInterval, null);
    }

    public static final int DEFAULT_NICE = 10;

    @ConstructorBinding
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
        policy = policy == null ? Policy.NICE : policy;
        sweepInterval = sweepInterval == null ? Duration.ofSeconds(1) : sweepInterval;
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException(
                    "visionhub.routing.sweep-interval must be positive, got " + sweepInterval);
        }
    }
}
