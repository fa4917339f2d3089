package io.visionhub.vision.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.PartTrigger;
import io.visionhub.vision.Frame;
import io.visionhub.vision.source.FrameSource;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A software-triggered camera whose frame for a part is followed by untriggered frames before the trigger's thread
 * takes it (Aravis' in-process fake camera streams on in TriggerMode=On; a busy hub can be slow to wake the
 * trigger's thread): the part still gets its own frame. Deterministic: the camera's {@code trigger} returns only
 * after the answer and three more frames have been handed over.
 */
class TriggeredCaptureTest {

    DefaultCamelContext camel;
    TriggeredCapture capture;

    @AfterEach
    void stop() {
        if (capture != null) {
            capture.close();
        }
        if (camel != null) {
            camel.stop();
        }
    }

    /**
     * Sends the answer to each trigger, then four frames that answer nothing; the trigger returns once the answer and
     * three of them have been handed over (the reader hands a frame over before it asks for the next one).
     */
    static final class StreamingOnCamera implements FrameSource {
        final BlockingQueue<Frame> out = new LinkedBlockingQueue<>();
        final CountDownLatch reading = new CountDownLatch(1);
        volatile CountDownLatch returned = new CountDownLatch(0);
        long sequence;

        @Override
        public void open() {}

        @Override
        public Frame next() {
            reading.countDown(); // the reader has the open source and asks for frames
            try {
                Frame f = out.take();
                returned.countDown();
                return f;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public boolean hubTriggered() {
            return true;
        }

        @Override
        public synchronized void trigger(PartTrigger t) {
            CountDownLatch latch = new CountDownLatch(5);
            returned = latch;
            out.add(new Frame("cam", sequence++, Instant.now(), null, new byte[] {1}, t.partId()));
            for (int i = 0; i < 4; i++) {
                out.add(new Frame("cam", sequence++, Instant.now(), null, new byte[] {1}, null));
            }
            try {
                // the fifth frame is returned only after the first four were handed over
                assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String describe() {
            return "camera cam (streams on after each trigger)";
        }

        @Override
        public void close() {}
    }

    @Test
    void thePartGetsTheFrameThatAnswersItsTriggerThoughUntriggeredFramesFollowIt() throws Exception {
        camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        camel.addComponent("vision", vision);
        camel.start();
        StreamingOnCamera camera = new StreamingOnCamera();
        VisionEndpoint endpoint = new VisionEndpoint("vision:trig", vision) {
            @Override
            FrameSource createFrameSource() {
                return camera;
            }
        };
        endpoint.setStation("trig");
        capture = new TriggeredCapture(endpoint, camel.getExecutorServiceManager(), this, null);
        assertThat(camera.reading.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 3; i++) {
            Instant at = Instant.now();
            Frame f = capture.frameOf(new PartTrigger("trig", "P-" + i, i, at, at.plusSeconds(5)));
            assertThat(f).as("the frame of P-" + i).isNotNull();
            assertThat(f.partId()).isEqualTo("P-" + i);
        }
    }
}
