package io.visionhub.inputs.mqtt;

import io.visionhub.ledger.camel.LedgerConstants;
import io.visionhub.outputs.mqtt.NoDelaySocketFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.builder.ThreadPoolBuilder;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives on Paho's callback thread, hands each message to the lane of its topic (a single thread, so one topic's
 * messages run in arrival order) and acknowledges it once its exchange is done. Paho's manual acknowledgements keep
 * the PUBACK back until then; the broker stops sending at {@code receiveMaximum} messages unacknowledged, which
 * bounds the lanes' queues.
 * <p>
 * The exchange runs asynchronously (Camel's AsyncProcessor): the lane is set as the exchange's
 * {@link LedgerConstants#CONTINUE_ON}, so {@code ledger:record} frees the lane while the record waits for its group
 * commit and the rest of the route (the outputs, then the acknowledgement) runs on the lane again once the commit is
 * durable, in the order the lane queued the records. A lane therefore has many messages of its topics on the way
 * to one commit (pipelining) while each topic keeps its order in the ledger, in the outputs and in the
 * acknowledgements; the window ({@code receiveMaximum}) bounds them all.
 * <p>
 * A message the broker sends again (same packet id) while its first delivery is still in flight, after a reconnect,
 * is not routed a second time: the first delivery's acknowledgement, after its commit, answers both (acknowledging
 * both would send the id twice, and the broker may already have given it to a new message).
 */
public class MqttInputConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(MqttInputConsumer.class);

    private MqttAsyncClient client;
    /** the lanes, window and messages in flight of the current start; a stopped one's stragglers touch only theirs */
    private volatile Session session;

    private volatile boolean accepting;

    public MqttInputConsumer(MqttInputEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public MqttInputEndpoint getEndpoint() {
        return (MqttInputEndpoint) super.getEndpoint();
    }

    /** Messages handed to a lane and not yet done (acknowledged, or left unacknowledged after a failure). */
    public int inFlight() {
        Session s = session;
        return s == null ? 0 : s.inFlight.get();
    }

    /** One start of the consumer: its lanes, its window and the packet ids it has in flight. */
    private static final class Session {
        final ExecutorService[] lanes;
        final Semaphore window;
        final int receiveMaximum;
        final AtomicInteger inFlight = new AtomicInteger();
        /** abortConnection: the lanes were dropped, what is in flight never finishes */
        volatile boolean abandoned;
        /** packet id -> the delivery being routed; a second delivery of that id waits here for the first's end */
        final Map<Integer, Delivery> byId = new ConcurrentHashMap<>();

        Session(ExecutorService[] lanes, int receiveMaximum) {
            this.lanes = lanes;
            this.receiveMaximum = receiveMaximum;
            this.window = new Semaphore(receiveMaximum);
        }
    }

    /** A message being routed; {@code again} is set when the broker sent its id again meanwhile. */
    private static final class Delivery {
        final String topic;
        final MqttMessage message;
        final ExecutorService lane;
        MqttMessage again; // guarded by the session's byId entry (compute)

        Delivery(String topic, MqttMessage message, ExecutorService lane) {
            this.topic = topic;
            this.message = message;
            this.lane = lane;
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        MqttInputEndpoint e = getEndpoint();
        ExecutorService[] lanes = new ExecutorService[e.getLanes()];
        for (int i = 0; i < lanes.length; i++) {
            // one thread and a queue the window bounds (receiveMaximum messages, each queued at most twice: its
            // start and its continuation after the commit); no caller-runs: a task run elsewhere would break order
            lanes[i] = new ThreadPoolBuilder(e.getCamelContext())
                    .poolSize(1)
                    .maxPoolSize(1)
                    .maxQueueSize(Integer.MAX_VALUE)
                    .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                    .build(this, "mqtt-input-" + e.getClientId() + "-lane-" + i);
        }
        session = new Session(lanes, e.getReceiveMaximum());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(e.getSessionExpiryInterval());
        options.setReceiveMaximum(e.getReceiveMaximum());
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (e.getBrokerUrl().regionMatches(true, 0, "tcp://", 0, 6)) {
            options.setSocketFactory(new NoDelaySocketFactory());
        }
        if (e.getUserName() != null) {
            options.setUserName(e.getUserName());
        }
        if (e.getPassword() != null) {
            options.setPassword(e.getPassword().getBytes(StandardCharsets.UTF_8));
        }
        client = new MqttAsyncClient(e.getBrokerUrl(), e.getClientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new Callback());
        accepting = true;
        // before the connection: a resumed session's messages may arrive before the subscription is renewed
        try {
            client.connect(options).waitForCompletion(15_000);
        } catch (MqttException ex) {
            client.close(true);
            throw new IllegalStateException(
                    "mqtt-input:" + e.getTopicFilter() + ": cannot connect to " + e.getBrokerUrl() + " as "
                            + e.getClientId() + ": " + ex.getMessage(),
                    ex);
        }
        // connectComplete subscribes (also after every automatic reconnect)
    }

    private void subscribe() {
        MqttInputEndpoint e = getEndpoint();
        try {
            client.subscribe(new MqttSubscription(e.getTopicFilter(), e.getQos()));
        } catch (MqttException ex) {
            LOG.error(
                    "mqtt-input:{}: cannot subscribe at {}: {}", e.getTopicFilter(), e.getBrokerUrl(), ex.getMessage());
        }
    }

    private void arrived(String topic, MqttMessage message) {
        Session s = session;
        if (!accepting || s == null) {
            return; // stopping: not acknowledged, the broker sends it again to the next session
        }
        try {
            // the broker should stop at receiveMaximum; Mosquitto 2.0.11 was seen sending far more when messages are
            // acknowledged out of order (other topics first). Waiting here stops Paho reading the socket: the rest
            // stays with the broker (unacknowledged or queued), never in this process's memory
            s.window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // not acknowledged: comes again
        }
        if (!accepting) {
            s.window.release();
            return;
        }
        ExecutorService lane = s.lanes[Math.floorMod(topic.hashCode(), s.lanes.length)];
        Delivery d = new Delivery(topic, message, lane);
        boolean[] first = {true};
        s.byId.compute(message.getId(), (id, running) -> {
            if (running == null) {
                return d;
            }
            running.again = message; // sent again while the first delivery is still on its way to its commit
            first[0] = false;
            return running;
        });
        if (!first[0]) {
            s.window.release(); // one packet id, one place in the broker's window
            LOG.debug(
                    "mqtt-input: message {} on {} came again while in flight; the first delivery answers it",
                    message.getId(),
                    topic);
            return;
        }
        s.inFlight.incrementAndGet();
        try {
            lane.execute(() -> route(s, d));
        } catch (RejectedExecutionException stopped) {
            s.byId.remove(message.getId(), d);
            s.inFlight.decrementAndGet();
            s.window.release(); // stopping: not acknowledged, comes again
        }
    }

    private void route(Session s, Delivery d) {
        Exchange exchange = createExchange(false);
        MqttMessage message = d.message;
        Message in = exchange.getIn();
        in.setBody(message.getPayload());
        in.setHeader(MqttInputConstants.TOPIC, d.topic);
        in.setHeader(MqttInputConstants.MESSAGE_ID, message.getId());
        in.setHeader(MqttInputConstants.QOS, message.getQos());
        in.setHeader(MqttInputConstants.DUPLICATE, message.isDuplicate());
        // ledger:record continues this exchange on its lane once the commit is durable (pipelining, in order)
        exchange.setProperty(LedgerConstants.CONTINUE_ON, d.lane);
        try {
            getAsyncProcessor().process(exchange, doneSync -> done(s, d, exchange));
        } catch (RuntimeException ex) {
            exchange.setException(ex);
            done(s, d, exchange);
        }
    }

    /** The exchange is done (on its lane): acknowledge it, or leave it unacknowledged when it failed. */
    private void done(Session s, Delivery d, Exchange exchange) {
        MqttMessage message = d.message;
        boolean failed = exchange.getException() != null;
        // a delivery of the same id that came meanwhile: answered by this acknowledgement; after a failure it is
        // routed now, as it would have been had it come after this one ended. The id leaves the map BEFORE the
        // PUBACK: once that is sent the broker may give the id to a new message, which must be routed, not parked
        Delivery[] next = {null};
        s.byId.computeIfPresent(message.getId(), (id, running) -> {
            if (running != d) {
                return running;
            }
            if (failed && running.again != null && accepting) {
                next[0] = new Delivery(d.topic, running.again, d.lane);
                return next[0];
            }
            return null;
        });
        boolean retry = false;
        try {
            if (!failed) {
                acknowledge(d.topic, message);
            } else {
                getExceptionHandler()
                        .handleException(
                                "mqtt-input: message " + message.getId() + " on " + d.topic + " failed and is NOT "
                                        + "acknowledged; the broker sends it again when the session resumes (give "
                                        + "the route a dead-letter channel to keep and acknowledge bad messages)",
                                exchange,
                                exchange.getException());
            }
        } finally {
            releaseExchange(exchange, false);
            if (next[0] != null) {
                retry = true;
                Delivery again = next[0];
                try {
                    d.lane.execute(() -> route(s, again)); // keeps this one's place in the window
                } catch (RejectedExecutionException stopped) {
                    s.byId.remove(message.getId(), again);
                    retry = false;
                }
            }
            if (!retry) {
                s.inFlight.decrementAndGet();
                s.window.release();
            }
        }
    }

    private void acknowledge(String topic, MqttMessage message) {
        MqttAsyncClient c = client;
        if (c == null) {
            return; // stopped meanwhile: comes again
        }
        try {
            c.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException | RuntimeException ex) {
            // the connection dropped after the route finished: the broker sends it again (DUP) after the reconnect
            LOG.debug("mqtt-input: could not acknowledge {} on {}: {}", message.getId(), topic, ex.getMessage());
        }
    }

    /**
     * Drops the connection at once and abandons the lanes, acknowledging nothing more: what a crash of the hub does
     * to the messages in flight (tests).
     */
    void abortConnection() throws MqttException {
        accepting = false;
        Session s = session;
        s.abandoned = true;
        s.window.release(s.receiveMaximum); // Paho's thread may wait for the window
        for (ExecutorService lane : s.lanes) {
            lane.shutdownNow();
        }
        MqttAsyncClient c = client;
        client = null; // exchanges still waiting for their commit acknowledge nothing
        c.disconnectForcibly(0, 0, false);
        c.close(true);
    }

    @Override
    protected void doStop() throws Exception {
        accepting = false;
        Session s = session;
        MqttInputEndpoint e = getEndpoint();
        if (s != null) {
            s.window.release(s.receiveMaximum); // Paho's thread may wait for the window
            // exchanges waiting for their commit come back to their lane: let them finish before the lanes stop
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(e.getShutdownSeconds());
            while (!s.abandoned && s.inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            for (ExecutorService lane : s.lanes) {
                e.getCamelContext().getExecutorServiceManager().shutdown(lane); // finishes what is queued
            }
            for (ExecutorService lane : s.lanes) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !lane.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    lane.shutdownNow();
                }
            }
            if (!s.abandoned && s.inFlight.get() > 0) {
                LOG.warn(
                        "mqtt-input:{}: {} message(s) still in flight after {} s; not acknowledged, the broker "
                                + "sends them again when the session resumes",
                        e.getTopicFilter(),
                        s.inFlight.get(),
                        e.getShutdownSeconds());
            }
        }
        MqttAsyncClient c = client;
        client = null;
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.disconnect(5_000).waitForCompletion(5_000);
                }
            } catch (MqttException ex) {
                LOG.debug("mqtt-input: disconnect: {}", ex.getMessage());
            }
            try {
                c.close(true);
            } catch (MqttException ex) {
                LOG.debug("mqtt-input: close: {}", ex.getMessage());
            }
        }
        super.doStop();
    }

    private final class Callback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrived(topic, message);
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            LOG.info(
                    "mqtt-input:{}: connected to {} as {}{}",
                    getEndpoint().getTopicFilter(),
                    serverURI,
                    getEndpoint().getClientId(),
                    reconnect ? " (reconnected)" : "");
            subscribe();
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warn(
                    "mqtt-input:{}: disconnected from {} ({}); reconnecting, unacknowledged messages come again",
                    getEndpoint().getTopicFilter(),
                    getEndpoint().getBrokerUrl(),
                    response.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("mqtt-input:{}: {}", getEndpoint().getTopicFilter(), exception.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
