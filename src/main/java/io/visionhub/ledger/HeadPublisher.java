package io.visionhub.ledger;

import io.visionhub.ledger.heads.SignedTreeHead;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Hands each durable signed head to the listeners (heads file, {@code ledger:heads} consumers), in order, on one
 * thread of its own: a slow broker or route never delays a commit. A listener that fails is logged; the head is in
 * the database and the API, and the next head covers it too.
 * <p>
 * The thread is a Spring {@link ThreadPoolTaskExecutor} of one thread, started and stopped with the ledger (which
 * Spring starts and closes), not Camel's ExecutorServiceManager: the ledger is built before the CamelContext and
 * also runs without one (the ledger command, its tests).
 */
final class HeadPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(HeadPublisher.class);

    private final List<Consumer<SignedTreeHead>> listeners = new CopyOnWriteArrayList<>();
    private final ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();

    HeadPublisher() {
        executor.setCorePoolSize(1);
        executor.setMaxPoolSize(1);
        executor.setThreadNamePrefix("ledger-head-publisher-");
        executor.setDaemon(true);
        // close: heads already handed over are still published, for at most 10 s
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(10);
    }

    void add(Consumer<SignedTreeHead> listener) {
        listeners.add(listener);
    }

    void remove(Consumer<SignedTreeHead> listener) {
        listeners.remove(listener);
    }

    void start() {
        executor.initialize();
    }

    /** Queues the head for every listener, after those queued before it. */
    void publish(SignedTreeHead head) {
        executor.execute(() -> {
            for (Consumer<SignedTreeHead> l : listeners) {
                try {
                    l.accept(head);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "Publishing signed tree head {} to {} failed: {} (the head is in the database and the API; "
                                    + "the next head covers it too)",
                            head.treeSize(),
                            l,
                            e.getMessage());
                }
            }
        });
    }

    /** Waits until every head queued so far has been handed to the listeners. */
    void awaitPublished(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        executor.submit(() -> {}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void close() {
        executor.shutdown();
    }
}
