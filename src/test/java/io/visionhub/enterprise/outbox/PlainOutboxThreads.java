package io.visionhub.enterprise.outbox;

import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** A deliverer on plain daemon threads, for tests and benchmarks without a CamelContext (the hub uses Camel's). */
public final class PlainOutboxThreads {

    private PlainOutboxThreads() {}

    public static OutboxDeliverer deliverer(
            OutboxRepository repo, DeliveryService delivery, EnterpriseProperties.Outbox config, Clock clock) {
        return new OutboxDeliverer(
                repo,
                delivery,
                config,
                clock,
                Executors.newFixedThreadPool(Math.max(1, config.concurrency()), daemon("outbox-delivery-")),
                Executors.newSingleThreadScheduledExecutor(daemon("outbox-poll-")));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
