package io.visionhub.context;

import io.visionhub.event.ProductionContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The context versions of one line, oldest first, as stored (JSON) in the shared map. A version whose
 * {@code productionOrder} is null marks the end of production (events after it get no context).
 */
public record ContextTimeline(String line, List<ProductionContext> versions) {

    public ContextTimeline {
        versions = versions == null ? List.of() : List.copyOf(versions);
    }

    public ProductionContext latest() {
        return versions.isEmpty() ? null : versions.get(versions.size() - 1);
    }

    /** This timeline with one more version, keeping at most {@code limit} versions (the newest). */
    public ContextTimeline append(ProductionContext next, int limit) {
        List<ProductionContext> all = new ArrayList<>(versions);
        all.add(next);
        int from = Math.max(0, all.size() - Math.max(1, limit));
        return new ContextTimeline(line, all.subList(from, all.size()));
    }

    /** Whether a context version marks the end of production rather than an order. */
    public static boolean isEnd(ProductionContext c) {
        return c.productionOrder() == null;
    }

    static Instant validFrom(ProductionContext c) {
        return c.validFrom();
    }
}
