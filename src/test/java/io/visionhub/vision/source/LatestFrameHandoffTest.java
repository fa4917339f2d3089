package io.visionhub.vision.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.vision.Frame;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatestFrameHandoffTest {

    static Frame frame(long seq) {
        return new Frame("cam", seq, Instant.now(), null, new byte[] {1}, null);
    }

    @Test
    void newestFrameWinsAndReplacedFramesAreCounted() throws Exception {
        LatestFrameHandoff h = new LatestFrameHandoff();
        for (long i = 0; i < 100; i++) {
            h.offer(frame(i));
        }
        assertThat(h.take(1, TimeUnit.SECONDS).sequence()).isEqualTo(99);
        assertThat(h.dropped()).isEqualTo(99);
        assertThat(h.take(10, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aFrameThatAnswersATriggerIsNotReplacedByUntriggeredFramesOnlyByTheNextAnswer() throws Exception {
        LatestFrameHandoff h = new LatestFrameHandoff();
        java.util.function.Predicate<Frame> answer = f -> f.partId() != null;
        assertThat(h.offerKeeping(frame(1), answer)).isFalse();
        assertThat(h.offerKeeping(new Frame("cam", 2, Instant.now(), null, new byte[] {1}, "P-1"), answer))
                .as("an answer replaces an untriggered frame")
                .isTrue();
        for (long i = 3; i < 10; i++) {
            assertThat(h.offerKeeping(frame(i), answer)).isTrue(); // dropped, counted
        }
        assertThat(h.pending()).isEqualTo(1);
        assertThat(h.dropped()).isEqualTo(8);
        h.offerKeeping(new Frame("cam", 10, Instant.now(), null, new byte[] {1}, "P-2"), answer);
        Frame f = h.take(1, TimeUnit.SECONDS);
        assertThat(f.partId()).as("a later answer wins over an earlier one").isEqualTo("P-2");
        assertThat(h.dropped()).isEqualTo(9);
        assertThat(h.offerKeeping(frame(11), answer))
                .as("an empty slot takes anything")
                .isFalse();
        assertThat(h.take(1, TimeUnit.SECONDS).sequence()).isEqualTo(11);
    }

    @Test
    void losslessPutWaitsForTheInspectorInsteadOfDropping() throws Exception {
        LatestFrameHandoff h = new LatestFrameHandoff();
        Thread producer = new Thread(() -> {
            try {
                for (long i = 0; i < 50; i++) {
                    h.put(frame(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        for (long i = 0; i < 50; i++) {
            assertThat(h.take(5, TimeUnit.SECONDS).sequence()).isEqualTo(i);
        }
        producer.join();
        assertThat(h.dropped()).isZero();
    }

    @Test
    void awaitFilledLeavesTheFrameForPollAndOfferSaysWhenItReplacedOne() throws Exception {
        LatestFrameHandoff h = new LatestFrameHandoff();
        assertThat(h.awaitFilled(10, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(h.pending()).isZero();
        assertThat(h.poll()).isNull();
        assertThat(h.offer(frame(1))).isFalse();
        assertThat(h.offer(frame(2))).isTrue();
        assertThat(h.awaitFilled(1, TimeUnit.SECONDS)).isTrue();
        // waiting did not take it: the newest is still there for poll
        assertThat(h.pending()).isEqualTo(1);
        assertThat(h.poll().sequence()).isEqualTo(2);
        assertThat(h.pending()).isZero();
        assertThat(h.dropped()).isEqualTo(1);
    }
}
