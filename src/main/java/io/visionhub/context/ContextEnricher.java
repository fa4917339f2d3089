package io.visionhub.context;

import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ProductionContext;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step ({@code bean:contextEnricher}, kamelet {@code production-context-action}): puts into the event the
 * production context that applied on its line at its <em>capture</em> time, so a frame captured before a
 * changeover keeps the old order even when its inference ends after the change. An event with no context
 * for its line is marked {@code contextStatus=MISSING}, never given an older one.
 */
public class ContextEnricher {

    private static final Logger LOG = LoggerFactory.getLogger(ContextEnricher.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final ProductionContextStore store;
    private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();
    private final LongAdder applied = new LongAdder();
    private final LongAdder missing = new LongAdder();

    /** @param store the context store, or null when context is turned off (every event is marked MISSING) */
    public ContextEnricher(ProductionContextStore store) {
        this.store = store;
    }

    public InspectionEvent enrich(InspectionEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("contextEnricher needs an InspectionEvent body, got none");
        }
        Instant at = event.captureTime() != null ? event.captureTime() : event.inferenceTime();
        ProductionContext context = store == null || event.line() == null ? null : store.at(event.line(), at);
        if (context == null) {
            missing.increment();
            warnMissing(event);
        } else {
            applied.increment();
        }
        return event.withContext(context);
    }

    public long appliedCount() {
        return applied.sum();
    }

    public long missingCount() {
        return missing.sum();
    }

    private void warnMissing(InspectionEvent event) {
        String line = String.valueOf(event.line());
        long now = System.nanoTime();
        Long last = lastWarned.get(line);
        if (last == null || now - last > WARN_EVERY_NANOS) {
            lastWarned.put(line, now);
            LOG.warn(
                    "inspection {} of station {} on line {} captured at {} has no production context: marked MISSING. "
                            + "Push one with PUT /api/context/{} (or the MES OPC UA nodes); this is logged once a minute per line",
                    event.id(),
                    event.station(),
                    line,
                    event.captureTime(),
                    line);
        }
    }
}
