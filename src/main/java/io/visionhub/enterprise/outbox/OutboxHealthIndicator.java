package io.visionhub.enterprise.outbox;

import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health "outbox" (/actuator/health): UP with the row counts by status; DEGRADED while deliveries are parked
 * (they wait for an integrator: GET /api/outbox?status=PARKED), so the alarm is visible; DOWN when the outbox
 * cannot be read.
 */
public class OutboxHealthIndicator extends AbstractHealthIndicator {

    /** Same status name as the route files' health: the hub runs, something needs a person. */
    public static final Status DEGRADED = new Status("DEGRADED", "enterprise deliveries are parked; see /api/outbox");

    private final OutboxRepository repo;
    private final OutboxDeliverer deliverer;

    public OutboxHealthIndicator(OutboxRepository repo, OutboxDeliverer deliverer) {
        super("outbox cannot be read");
        this.repo = repo;
        this.deliverer = deliverer;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, Long> counts = repo.countsByStatus();
        long parked = counts.getOrDefault(OutboxRow.PARKED, 0L);
        builder.status(parked > 0 ? DEGRADED : Status.UP).withDetail("rows", counts);
        if (deliverer != null) {
            builder.withDetail("inFlight", deliverer.inFlight())
                    .withDetail("deliveredSinceStart", deliverer.deliveredCount())
                    .withDetail("failedAttemptsSinceStart", deliverer.failureCount())
                    .withDetail("parkedSinceStart", deliverer.parkedCount());
        }
    }
}
