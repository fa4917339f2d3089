package io.visionhub.quality.ncr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The NCR register's work runs on its one thread, however much is queued while that thread is held up. */
class NcrRegisterThreadTest {

    @Test
    void aBacklogOverCamelsDefaultQueueStillRunsOnTheRegistersOneThreadInOrder() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            ExecutorService register = NcrConfiguration.registerThread(camel);
            CountDownLatch ledgerSlow = new CountDownLatch(1);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger outOfOrder = new AtomicInteger();
            register.execute(() -> {
                try {
                    ledgerSlow.await(); // the register waits for a slow append
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int parts = 3000; // over Camel's default queue of 1,000
            for (int i = 0; i < parts; i++) {
                int no = i;
                register.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    if (next.getAndIncrement() != no) {
                        outOfOrder.incrementAndGet();
                    }
                });
            }
            assertThat(threads)
                    .as("work run on a caller's thread while the register was held")
                    .isEmpty();
            ledgerSlow.countDown();
            register.shutdown();
            assertThat(register.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(next.get()).isEqualTo(parts);
            assertThat(outOfOrder.get()).isZero();
            assertThat(threads).singleElement().asString().contains("ncr-register");
        }
    }
}
