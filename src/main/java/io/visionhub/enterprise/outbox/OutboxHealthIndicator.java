package io.visionhub.enterprise.outbox;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health "outbox" (/actuator/health): UP with the row counts by status; DEGRADED while deliveries are parked
 * (they wait for an integrator: GET /api/outbox?status=PARKED), so the alarm is visible; DOWN when the outbox
 * cannot be read. The counts are those of the metrics ({@link OutboxCountsReader}: one statement that reads no
 * DELIVERED row; on PostgreSQL the DELIVERED figure is an estimate from the table statistics).
 */
public class OutboxHealthIndicator extends AbstractHealthIndicator {

    /** Same status name as the route files' health: the hub runs, something needs a person. */
    public static final Status DEGRADED = new Status("DEGRADED", "enterprise deliveries are parked; see /api/outbox");

    private final OutboxCountsReader counts;
    private final OutboxDeliverer deliverer;

    public OutboxHealthIndicator(OutboxRepository repo, OutboxDeliverer deliverer) {
        this(new OutboxCountsReader(repo), deliverer);
    }

    public OutboxHealthIndicator(OutboxCountsReader counts, OutboxDeliverer deliverer) {
        super("outbox cannot be read");
        this.counts = counts;
        this.deliverer = deliverer;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        OutboxCounts rows = counts.current();
        builder.status(rows.parked() > 0 ? DEGRADED : Status.UP).withDetail("rows", rows.asMap());
        if (deliverer != null) {
            builder.withDetail("inFlight", deliverer.inFlight())
                    .withDetail("deliveredSinceStart", deliverer.deliveredCount())
                    .withDetail("failedAttemptsSinceStart", deliverer.failureCount())
                    .withDetail("parkedSinceStart", deliverer.parkedCount());
        }
    }
}
