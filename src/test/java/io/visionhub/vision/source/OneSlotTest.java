package io.visionhub.vision.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OneSlotTest {

    /** The slot with a public fill, as a subclass would add one. */
    static final class Slot extends OneSlot<String> {
        void fill(String v) {
            set(v);
        }
    }

    @Test
    void anEmptySlotTimesOutWaitingForAValueAndPollsNull() throws Exception {
        Slot s = new Slot();
        assertThat(s.awaitEmpty(1, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(s.awaitFilled(5, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(s.awaitFilled(0, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(s.poll()).isNull();
        assertThat(s.pending()).isZero();
    }

    @Test
    void aFullSlotTimesOutWaitingToEmptyAndKeepsItsValueUntilPolled() throws Exception {
        Slot s = new Slot();
        s.fill("a");
        assertThat(s.awaitEmpty(5, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(s.awaitFilled(1, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(s.pending()).isOne();
        assertThat(s.poll()).isEqualTo("a");
        assertThat(s.poll()).isNull();
    }

    @Test
    void aThreadWaitingForTheSlotWakesWhenAnotherThreadFillsOrEmptiesIt() throws Exception {
        Slot s = new Slot();
        CompletableFuture<Boolean> filled =
                CompletableFuture.supplyAsync(() -> await(() -> s.awaitFilled(10, TimeUnit.SECONDS)));
        s.fill("a");
        assertThat(filled.get(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> emptied =
                CompletableFuture.supplyAsync(() -> await(() -> s.awaitEmpty(10, TimeUnit.SECONDS)));
        assertThat(s.poll()).isEqualTo("a");
        assertThat(emptied.get(10, TimeUnit.SECONDS)).isTrue();
    }

    interface Wait {
        boolean run() throws InterruptedException;
    }

    private static boolean await(Wait w) {
        try {
            return w.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
