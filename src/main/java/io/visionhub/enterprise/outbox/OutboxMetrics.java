package io.visionhub.enterprise.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;

/**
 * Micrometer meters of the outbox: {@code visionhub.outbox.rows{status}} (gauge, read from the table on scrape)
 * and {@code visionhub.outbox.deliveries{outcome=delivered|failed|parked}} (counters since start).
 */
public class OutboxMetrics implements MeterBinder {

    private final OutboxRepository repo;
    private final OutboxDeliverer deliverer;

    public OutboxMetrics(OutboxRepository repo, OutboxDeliverer deliverer) {
        this.repo = repo;
        this.deliverer = deliverer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String status : List.of(OutboxRow.PENDING, OutboxRow.DELIVERED, OutboxRow.PARKED, OutboxRow.CANCELLED)) {
            Gauge.builder("visionhub.outbox.rows", repo, r -> {
                        try {
                            return r.countsByStatus().getOrDefault(status, 0L);
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    })
                    .tag("status", status)
                    .description("Outbox rows by status")
                    .register(registry);
        }
        if (deliverer != null) {
            FunctionCounter.builder("visionhub.outbox.deliveries", deliverer, OutboxDeliverer::deliveredCount)
                    .tag("outcome", "delivered")
                    .description("Documents delivered since start")
                    .register(registry);
            FunctionCounter.builder("visionhub.outbox.deliveries", deliverer, OutboxDeliverer::failureCount)
                    .tag("outcome", "failed")
                    .description("Failed delivery attempts since start")
                    .register(registry);
            FunctionCounter.builder("visionhub.outbox.deliveries", deliverer, OutboxDeliverer::parkedCount)
                    .tag("outcome", "parked")
                    .description("Deliveries parked since start")
                    .register(registry);
        }
    }
}
