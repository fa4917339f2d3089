package io.visionhub.quality.ncr;

import static io.visionhub.camel.SingleThreadExecutorsTest.assertABurstRunsInOrderOnItsOneThread;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The NCR register's work runs on its one thread, however much is queued while that thread is held up (with Camel's
 * own single-thread executor, task 1,001 ran on the caller and took an item number twice).
 */
class NcrRegisterThreadTest {

    @Test
    void aBacklogOverCamelsDefaultQueueStillRunsOnTheRegistersOneThreadInOrder() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            assertABurstRunsInOrderOnItsOneThread(NcrConfiguration.registerThread(camel), "ncr-register");
        }
    }
}
