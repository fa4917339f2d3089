package io.visionhub.access;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Back-off after failed logins, for the REST API (HTTP Basic, X-API-Key) and the hub's OPC UA server (user
 * name and password); each protocol keeps its own counters. Defaults documented in config/context-api.yaml.
 *
 * @param enabled             false: failures are still logged and counted, nobody is locked out
 * @param freeFailures        failed logins of one user from one address before the first lock-out
 * @param sourceFreeFailures  failed logins from one address (any user) before the address is locked out
 * @param baseDelay           first lock-out; each further failure doubles it
 * @param maxDelay            longest lock-out
 * @param resetAfter          a user or address with no failure for this long starts again from zero
 * @param maxTracked          most (user, address) and address entries kept; the oldest are forgotten first
 */
@ConfigurationProperties(prefix = "visionhub.login-throttle")
public record LoginThrottleProperties(
        Boolean enabled,
        Integer freeFailures,
        Integer sourceFreeFailures,
        Duration baseDelay,
        Duration maxDelay,
        Duration resetAfter,
        Integer maxTracked) {

    public LoginThrottleProperties {
        enabled = enabled == null || enabled;
        freeFailures = freeFailures == null ? 5 : freeFailures;
        sourceFreeFailures = sourceFreeFailures == null ? 20 : sourceFreeFailures;
        baseDelay = baseDelay == null ? Duration.ofSeconds(1) : baseDelay;
        maxDelay = maxDelay == null ? Duration.ofMinutes(5) : maxDelay;
        resetAfter = resetAfter == null ? Duration.ofMinutes(15) : resetAfter;
        maxTracked = maxTracked == null ? 10_000 : maxTracked;
        if (freeFailures < 1 || sourceFreeFailures < 1) {
            throw new IllegalArgumentException("visionhub.login-throttle.free-failures and source-free-failures "
                    + "must be at least 1 (got " + freeFailures + ", " + sourceFreeFailures + ")");
        }
        if (baseDelay.isNegative() || baseDelay.isZero() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("visionhub.login-throttle.base-delay must be positive and not more "
                    + "than max-delay (got " + baseDelay + ", " + maxDelay + ")");
        }
    }

    /** The defaults above. */
    public static LoginThrottleProperties defaults() {
        return new LoginThrottleProperties(null, null, null, null, null, null, null);
    }
}
