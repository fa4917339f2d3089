package io.visionhub.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void idsAreVersion7UuidsCarryingTheirMillisecondAndSortInTheOrderTheyWereMade() {
        long before = System.currentTimeMillis();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // more than the 4,096 a millisecond's counter holds
            ids.add(EventIds.newId());
        }
        long after = System.currentTimeMillis();

        UUID first = UUID.fromString(ids.get(0));
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2); // RFC 9562 / 4122 variant
        long millis = first.getMostSignificantBits() >>> 16;
        // the counter runs into the next millisecond when ids come faster than 4,096 a millisecond (earlier tests
        // in this JVM may have), so an id can be a little ahead of the clock, never behind it
        assertThat(millis).isGreaterThanOrEqualTo(before).isLessThan(after + 1000);
        // as text, as the database compares them: strictly increasing
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
        }
    }

    @Test
    void threadsMakingIdsAtOnceNeverGetTheSameOne() throws Exception {
        ConcurrentLinkedQueue<String> all = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    all.add(EventIds.newId());
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        Set<String> distinct = new HashSet<>(all);
        assertThat(distinct).hasSize(80_000);
    }
}
