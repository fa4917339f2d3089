package io.visionhub.enterprise.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters of the outbox: {@code visionhub.outbox.rows{status}} (gauges, read from the table on scrape:
 * the four share one reading, {@link OutboxCountsReader}, one statement that reads no DELIVERED row; NaN while the
 * table cannot be read) and {@code visionhub.outbox.deliveries{outcome=delivered|failed|parked}} (counters since
 * start).
 */
public class OutboxMetrics implements MeterBinder {

    private final OutboxCountsReader counts;
    private final OutboxDeliverer deliverer;

    public OutboxMetrics(OutboxRepository repo, OutboxDeliverer deliverer) {
        this(new OutboxCountsReader(repo), deliverer);
    }

    public OutboxMetrics(OutboxCountsReader counts, OutboxDeliverer deliverer) {
        this.counts = counts;
        this.deliverer = deliverer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String status : OutboxRow.STATUSES) {
            Gauge.builder("visionhub.outbox.rows", counts, c -> {
                        try {
                            return c.current().of(status);
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    })
                    .tag("status", status)
                    .description("Outbox rows by status")
                    .strongReference(true)
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
