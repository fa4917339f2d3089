package io.visionhub.context;

import io.visionhub.event.ProductionContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The context versions of one line, oldest first, as stored (JSON) in the shared map. A version whose
 * {@code productionOrder} is null marks the end of production (events after it get no context). {@code epoch}
 * counts the resets of the line: a reset starts a new timeline with a higher epoch.
 */
public record ContextTimeline(String line, List<ProductionContext> versions, Long epoch) {

    public ContextTimeline {
        versions = versions == null ? List.of() : List.copyOf(versions);
        epoch = epoch == null ? 0L : epoch;
    }

    public ContextTimeline(String line, List<ProductionContext> versions) {
        this(line, versions, 0L);
    }

    public ProductionContext latest() {
        return versions.isEmpty() ? null : versions.get(versions.size() - 1);
    }

    /** This timeline with one more version, keeping at most {@code limit} versions (the newest). */
    public ContextTimeline append(ProductionContext next, int limit) {
        List<ProductionContext> all = new ArrayList<>(versions);
        all.add(next);
        int from = Math.max(0, all.size() - Math.max(1, limit));
        return new ContextTimeline(line, all.subList(from, all.size()), epoch);
    }

    /** Whether a context version marks the end of production rather than an order. */
    public static boolean isEnd(ProductionContext c) {
        return c.productionOrder() == null;
    }

    static Instant validFrom(ProductionContext c) {
        return c.validFrom();
    }
}
