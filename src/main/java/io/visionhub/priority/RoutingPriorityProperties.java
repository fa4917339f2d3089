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
 * @param policy        {@code batch} (default while nice is above 0): the routing threads get the nice value and
 *                      Linux's SCHED_BATCH policy (the same weight, but a routing thread that wakes does not preempt
 *                      the inference running on its core: it waits for the core's next turn); {@code nice}: the nice
 *                      value only (the default before; and with nice 0, off); {@code idle}: SCHED_IDLE (weight 3
 *                      against 1024: they run on what inference leaves). With batch or idle the nice value stays,
 *                      and weighs them if the OS refuses the policy
 * @param normalThreads more Java thread names (regular expressions, found anywhere in the name) that keep normal
 *                      priority, besides the built-in ones ({@link RoutingPriority#INFERENCE_THREADS})
 * @param sweepInterval how often new threads are looked for and given the routing priority (default 1 s)
 */
@ConfigurationProperties(prefix = "visionhub.routing")
public record RoutingPriorityProperties(
        Integer nice, List<String> normalThreads, Duration sweepInterval, Policy policy) {

    /** How routing threads are lowered: by the nice value, and with {@code batch} or {@code idle} a Linux policy too. */
    public enum Policy {
        NICE(ThreadPolicy.SCHED_OTHER),
        BATCH(ThreadPolicy.SCHED_BATCH),
        IDLE(ThreadPolicy.SCHED_IDLE);

        private final int linux;

        Policy(int linux) {
            this.linux = linux;
        }

        /** The Linux scheduling policy routing threads get ({@link ThreadPolicy#SCHED_OTHER} for {@code nice}). */
        public int linux() {
            return linux;
        }
    }

    /** The routing priority with the default policy for the nice value. */
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
        // nice 0 without a policy is the routing priority off, as it was before batch became the default
        policy = policy == null ? (nice == 0 ? Policy.NICE : Policy.BATCH) : policy;
        sweepInterval = sweepInterval == null ? Duration.ofSeconds(1) : sweepInterval;
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException(
                    "visionhub.routing.sweep-interval must be positive, got " + sweepInterval);
        }
    }
}
