package io.visionhub.enterprise.outbox;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One reading of the outbox's rows by status ({@link OutboxRepository#counts()}) shared for a short time by whoever
 * asks: the four gauges {@code visionhub.outbox.rows{status}} of one Prometheus scrape (read one after the other
 * within milliseconds), a second scraper, and the health indicator. A reading is kept for {@link #DEFAULT_TTL}, well
 * below any scrape interval, so every scrape still sees the table as it is. A failed reading is kept as long (and
 * thrown again): a scrape while the database is down waits for one failed connection, not four.
 */
public class OutboxCountsReader {

    /** How long a reading is reused. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(1);

    private final Supplier<OutboxCounts> source;
    private final long ttlNanos;
    private final LongSupplier nanoTime;

    /** the last reading, or what it threw (one of the two is set once the table has been read) */
    private OutboxCounts last;

    private RuntimeException lastFailure;
    private long readAt;

    public OutboxCountsReader(OutboxRepository repo) {
        this(repo::counts, DEFAULT_TTL, System::nanoTime);
    }

    /**
     * @param source   one reading of the table
     * @param ttl      how long a reading is reused (zero: never)
     * @param nanoTime the monotonic clock ({@link System#nanoTime()}; tests and benchmarks pass their own)
     */
    public OutboxCountsReader(Supplier<OutboxCounts> source, Duration ttl, LongSupplier nanoTime) {
        this.source = Objects.requireNonNull(source, "source");
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The counts, read now unless a reading younger than the ttl exists. Callers at the same moment wait for one
     * reading. Throws what the reading threw (kept as long as a reading is).
     */
    public synchronized OutboxCounts current() {
        long now = nanoTime.getAsLong();
        if ((last == null && lastFailure == null) || now - readAt >= ttlNanos) {
            try {
                last = source.get();
                lastFailure = null;
            } catch (RuntimeException e) {
                last = null;
                lastFailure = e;
            }
            // the time the reading ended: a slow reading is still reused for a whole ttl
            readAt = nanoTime.getAsLong();
        }
        if (lastFailure != null) {
            throw lastFailure;
        }
        return last;
    }
}
