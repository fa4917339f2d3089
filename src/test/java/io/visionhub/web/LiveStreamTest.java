package io.visionhub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The hand-off from the hub's threads to the browsers: publishing never waits for a browser, a stalled browser
 * (whose connection blocks) loses its queue, is told to reload and is disconnected, while the others keep getting
 * every event in order.
 */
class LiveStreamTest {

    /** An emitter that records what it is sent, and blocks while {@code stalled} until released. */
    static class RecordingEmitter extends SseEmitter {
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean completed = new AtomicBoolean();
        final boolean stalled;

        RecordingEmitter(boolean stalled) {
            super(0L);
            this.stalled = stalled;
        }

        @Override
        public void send(SseEventBuilder builder) throws IOException {
            if (stalled) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            StringBuilder text = new StringBuilder();
            Set<org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType> parts =
                    builder.build();
            for (var d : parts) {
                text.append(d.getData());
            }
            sent.add(text.toString());
        }

        @Override
        public void send(Object object, MediaType mediaType) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized void complete() {
            completed.set(true);
        }

        boolean hasEvent(String name, String data) {
            synchronized (sent) {
                return sent.stream().anyMatch(s -> s.contains("event:" + name + "\n") && s.contains("data:" + data));
            }
        }
    }

    @Test
    void aStalledBrowserNeverHoldsUpThePublisherAndIsToldToReload() throws Exception {
        List<RecordingEmitter> made = new ArrayList<>();
        boolean[] nextStalled = {true};
        try (LiveStream stream = new LiveStream(16, 10) {
            @Override
            protected SseEmitter newEmitter() {
                RecordingEmitter e = new RecordingEmitter(nextStalled[0]);
                made.add(e);
                return e;
            }
        }) {
            stream.open("line-1", List.of());
            nextStalled[0] = false;
            stream.open("line-1", List.of(new LiveStream.Message("state", "first")));
            RecordingEmitter stalled = made.get(0);
            RecordingEmitter healthy = made.get(1);
            assertThat(stream.clients()).isEqualTo(2);

            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                stream.publish("line-1", List.of(new LiveStream.Message("inspection", "r" + i)));
                // the healthy browser keeps up (a real one reads as fast as the network allows)
                if (i % 8 == 7) {
                    int upTo = i;
                    await().atMost(Duration.ofSeconds(10)).until(() -> healthy.hasEvent("inspection", "r" + upTo));
                }
            }
            long publishMs = (System.nanoTime() - start) / 1_000_000;
            // not a timing test: the stalled browser blocks its send for up to 30 s; publishing finished regardless
            assertThat(publishMs)
                    .as("publishing waited for the stalled browser")
                    .isLessThan(30_000);

            // the healthy browser: the first message, then every event in order
            await().atMost(Duration.ofSeconds(10)).until(() -> healthy.sent.size() == 1001);
            assertThat(healthy.sent.get(0)).contains("event:state\n").contains("data:first");
            for (int i = 0; i < 1000; i++) {
                assertThat(healthy.sent.get(i + 1)).contains("data:r" + i + "\n");
            }

            // the stalled browser fell behind: dropped from the line, then told to reload once it reads again
            assertThat(stream.dropped()).isEqualTo(1);
            stalled.release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> stalled.hasEvent("state", "reload"));
            await().atMost(Duration.ofSeconds(10)).until(stalled.completed::get);
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.clients() == 1);
            assertThat(stalled.sent.size()).as("what it missed is not sent").isLessThan(20);
        }
    }

    @Test
    void noMoreBrowsersThanMaxClientsAndNothingRenderedForAnUnwatchedLine() {
        try (LiveStream stream = new LiveStream(16, 2)) {
            assertThat(stream.watched("line-1")).isFalse();
            assertThat(stream.open("line-1", List.of())).isNotNull();
            assertThat(stream.open("line-2", List.of())).isNotNull();
            assertThat(stream.open("line-1", List.of())).as("third browser").isNull();
            assertThat(stream.watched("line-1")).isTrue();
            assertThat(stream.watchedLines()).containsExactlyInAnyOrder("line-1", "line-2");
            assertThat(stream.watched("line-3")).isFalse();
        }
    }
}
