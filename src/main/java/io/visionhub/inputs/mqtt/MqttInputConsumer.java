package io.visionhub.inputs.mqtt;

import io.visionhub.outputs.mqtt.NoDelaySocketFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
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
 * messages run in arrival order) and acknowledges it there once the route has finished. Paho's manual
 * acknowledgements keep the PUBACK back until then; the broker stops sending at {@code receiveMaximum} messages
 * unacknowledged, which bounds the lanes' queues.
 */
public class MqttInputConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(MqttInputConsumer.class);

    private MqttAsyncClient client;
    private ExecutorService[] lanes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean accepting;
    private Semaphore window;

    public MqttInputConsumer(MqttInputEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public MqttInputEndpoint getEndpoint() {
        return (MqttInputEndpoint) super.getEndpoint();
    }

    /** Messages handed to a lane and not yet acknowledged. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        MqttInputEndpoint e = getEndpoint();
        window = new Semaphore(e.getReceiveMaximum());
        lanes = new ExecutorService[e.getLanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = e.getCamelContext()
                    .getExecutorServiceManager()
                    .newSingleThreadExecutor(this, "mqtt-input-" + e.getClientId() + "-lane-" + i);
        }
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
        if (!accepting) {
            return; // stopping: not acknowledged, the broker sends it again to the next session
        }
        try {
            // the broker should stop at receiveMaximum; Mosquitto 2.0.11 was seen sending far more when messages are
            // acknowledged out of order (other topics first). Waiting here stops Paho reading the socket: the rest
            // stays with the broker (unacknowledged or queued), never in this process's memory
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // not acknowledged: comes again
        }
        if (!accepting) {
            window.release();
            return;
        }
        inFlight.incrementAndGet();
        int lane = Math.floorMod(topic.hashCode(), lanes.length);
        lanes[lane].execute(() -> route(topic, message));
    }

    private void route(String topic, MqttMessage message) {
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(message.getPayload());
            in.setHeader(MqttInputConstants.TOPIC, topic);
            in.setHeader(MqttInputConstants.MESSAGE_ID, message.getId());
            in.setHeader(MqttInputConstants.QOS, message.getQos());
            in.setHeader(MqttInputConstants.DUPLICATE, message.isDuplicate());
            try {
                getProcessor().process(exchange);
            } catch (Exception ex) {
                exchange.setException(ex);
            }
            if (exchange.getException() == null) {
                acknowledge(topic, message);
            } else {
                getExceptionHandler()
                        .handleException(
                                "mqtt-input: message " + message.getId() + " on " + topic + " failed and is NOT "
                                        + "acknowledged; the broker sends it again when the session resumes (give "
                                        + "the route a dead-letter channel to keep and acknowledge bad messages)",
                                exchange,
                                exchange.getException());
            }
        } finally {
            inFlight.decrementAndGet();
            window.release();
            releaseExchange(exchange, false);
        }
    }

    private void acknowledge(String topic, MqttMessage message) {
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
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
        window.release(getEndpoint().getReceiveMaximum()); // Paho's thread may wait for the window
        for (ExecutorService lane : lanes) {
            lane.shutdownNow();
        }
        client.disconnectForcibly(0, 0, false);
        client.close(true);
    }

    @Override
    protected void doStop() throws Exception {
        accepting = false;
        if (window != null) {
            window.release(getEndpoint().getReceiveMaximum()); // Paho's thread may wait for the window
        }
        MqttInputEndpoint e = getEndpoint();
        if (lanes != null) {
            for (ExecutorService lane : lanes) {
                e.getCamelContext().getExecutorServiceManager().shutdown(lane); // finishes what is queued
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(e.getShutdownSeconds());
            for (ExecutorService lane : lanes) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !lane.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    lane.shutdownNow();
                }
            }
            if (inFlight.get() > 0) {
                LOG.warn(
                        "mqtt-input:{}: {} message(s) still in flight after {} s; not acknowledged, the broker "
                                + "sends them again when the session resumes",
                        e.getTopicFilter(),
                        inFlight.get(),
                        e.getShutdownSeconds());
            }
        }
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect(5_000).waitForCompletion(5_000);
                }
            } catch (MqttException ex) {
                LOG.debug("mqtt-input: disconnect: {}", ex.getMessage());
            }
            try {
                client.close(true);
            } catch (MqttException ex) {
                LOG.debug("mqtt-input: close: {}", ex.getMessage());
            }
            client = null;
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
