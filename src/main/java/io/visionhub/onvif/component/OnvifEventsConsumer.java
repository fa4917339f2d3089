package io.visionhub.onvif.component;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.event.PartTrigger;
import io.visionhub.onvif.OnvifClient;
import io.visionhub.onvif.OnvifEvent;
import io.visionhub.onvif.OnvifException;
import io.visionhub.onvif.PullPointSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls the camera's events on a thread of its own and emits one exchange per matching event, in the camera's
 * order: the body a {@link PartTrigger} (station, part id {@code <camera>@<event time>}, cycle, the hub's time of
 * the event, deadline = that + captureWindow), the event in headers. A refused login, a lost camera or a bad
 * answer is logged with the camera's message and the subscription is made again with backoff.
 */
public class OnvifEventsConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(OnvifEventsConsumer.class);

    private final OnvifEventsEndpoint endpoint;
    private ExecutorService executor;
    private volatile boolean running;
    private volatile boolean subscribed;
    private volatile String lastError;
    private final AtomicLong cycle = new AtomicLong();
    private final AtomicLong subscriptions = new AtomicLong();

    public OnvifEventsConsumer(OnvifEventsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        endpoint.deviceService(); // a bad address fails the route's start, with its message
        running = true;
        // one task, the pull loop, for the consumer's life: nothing queues behind it
        executor = SingleThreadExecutors.inOrder(
                getEndpoint().getCamelContext().getExecutorServiceManager(),
                this,
                "onvif-events-" + endpoint.getCamera());
        executor.submit(this::pullLoop);
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        super.doStop();
    }

    /** Whether a subscription is open now. */
    public boolean subscribed() {
        return subscribed;
    }

    /** The last error (the camera's message, no password), or null. */
    public String lastError() {
        return lastError;
    }

    /** Triggers emitted so far. */
    public long triggers() {
        return cycle.get();
    }

    /** Subscriptions made so far (1 + re-subscriptions). */
    public long subscriptions() {
        return subscriptions.get();
    }

    private void pullLoop() {
        String name = "onvif-events:" + endpoint.getCamera();
        long backoff = endpoint.getReconnectDelay();
        String[] credentials = endpoint.credentials();
        while (running && !Thread.currentThread().isInterrupted()) {
            PullPointSubscription sub = null;
            try {
                OnvifClient client = new OnvifClient(
                        endpoint.deviceService(),
                        credentials[0],
                        credentials[1],
                        Duration.ofMillis(endpoint.getPullTimeout() + 10_000));
                try {
                    client.syncClock();
                } catch (OnvifException e) {
                    if (e.kind() == OnvifException.Kind.UNREACHABLE) {
                        throw e;
                    }
                }
                Duration life = Duration.ofMillis(endpoint.getSubscriptionTime());
                sub = PullPointSubscription.create(client, endpoint.topicList(), life);
                subscriptions.incrementAndGet();
                subscribed = true;
                lastError = null;
                backoff = endpoint.getReconnectDelay();
                LOG.info(
                        "{}: subscribed to {} of camera {} ({})",
                        name,
                        endpoint.getTopics(),
                        client.label(),
                        sub.address().getPath());
                long renewAt = System.nanoTime() + life.toNanos() / 2;
                while (running) {
                    List<OnvifEvent> events = sub.pull(Duration.ofMillis(endpoint.getPullTimeout()), 100);
                    for (OnvifEvent e : events) {
                        if (wanted(e)) {
                            emit(e);
                        }
                    }
                    if (System.nanoTime() - renewAt > 0) {
                        sub.renew();
                        renewAt = System.nanoTime() + life.toNanos() / 2;
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                lastError = e.getMessage();
                LOG.warn("{}: {}; subscribing again in {} ms", name, e.getMessage(), backoff);
            } finally {
                subscribed = false;
                if (sub != null && !running) {
                    unsubscribe(sub);
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(endpoint.getReconnectMaxDelay(), backoff * 2);
        }
    }

    private static void unsubscribe(PullPointSubscription sub) {
        try {
            sub.close();
        } catch (RuntimeException ignored) {
            // the camera drops the subscription at its termination time anyway
        }
    }

    boolean wanted(OnvifEvent e) {
        List<String> topics = endpoint.topicList();
        if (!topics.isEmpty() && topics.stream().noneMatch(e::matches)) {
            return false; // cameras that ignore the filter send everything
        }
        return !endpoint.isActiveOnly() || (e.active() && !e.initialState());
    }

    private void emit(OnvifEvent e) {
        Instant now = Instant.now();
        long n = cycle.incrementAndGet();
        PartTrigger t = new PartTrigger(
                endpoint.station(),
                endpoint.getCamera() + "@" + (e.utcTime() != null ? e.utcTime() : now),
                n,
                now,
                now.plusMillis(endpoint.getCaptureWindow()));
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(t);
            in.setHeader(OnvifEventsConstants.CAMERA, endpoint.getCamera());
            in.setHeader(OnvifEventsConstants.TOPIC, e.topic());
            in.setHeader(OnvifEventsConstants.UTC_TIME, e.utcTime());
            in.setHeader(OnvifEventsConstants.EVENT, e);
            getProcessor().process(exchange);
        } catch (Exception ex) {
            exchange.setException(ex);
        }
        if (exchange.getException() != null) {
            getExceptionHandler()
                    .handleException(
                            "onvif-events:" + endpoint.getCamera() + ": route failed for event " + e.topic() + " (part "
                                    + t.partId() + ")",
                            exchange,
                            exchange.getException());
        }
        releaseExchange(exchange, false);
    }
}
