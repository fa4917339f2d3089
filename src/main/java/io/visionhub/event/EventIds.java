package io.visionhub.event;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids for the records the hub creates: UUID version 7 (RFC 9562), a millisecond Unix timestamp followed by a
 * counter and random bits. Ids made by one hub sort in the order they were made, so every index keyed by an id
 * (inspection, defects, outbox, ledger leaves) grows at its right edge instead of touching a random page per
 * insert; on H2 that halves the ledger writer's work (bench/README-ledger.md). They are still unique across hubs
 * (62 random bits each) and are ordinary UUIDs to every target.
 */
public final class EventIds {

    /** Milliseconds since 1970 in the upper 48 bits, a 12-bit counter below: strictly increasing per JVM. */
    private static final AtomicLong LAST = new AtomicLong();

    private EventIds() {}

    /** A new time-ordered id, e.g. {@code 0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b}. */
    public static String newId() {
        return newUuid().toString();
    }

    public static UUID newUuid() {
        long now = System.currentTimeMillis() << 12;
        // the counter runs on within a millisecond (and past it, if 4,096 ids are made in one), so ids never repeat
        // and never go backwards, even when the clock is set back
        long stamp = LAST.accumulateAndGet(now, (prev, t) -> Math.max(prev + 1, t));
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
