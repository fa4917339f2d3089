package io.visionhub.outputs.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 publisher that loses nothing while its bound holds: messages go straight to the broker while it is
 * connected and nothing waits, otherwise into an on-disk {@link OfflineBuffer}; a keeper thread (re)connects and
 * sends the buffer in order. Messages in flight when the connection drops go back into the buffer in their place.
 * Metrics: visionhub.mqtt.published, visionhub.mqtt.buffer.kept, visionhub.mqtt.buffer.dropped,
 * visionhub.mqtt.buffer.size.
 */
public class ReliableMqttClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReliableMqttClient.class);
    /** Longest wait for a free slot in the broker's in-flight window before a message goes to the disk buffer. */
    private static final long WINDOW_WAIT_MS = 1000;
    /** Messages sent from the buffer per round trip. */
    private static final int DRAIN_BATCH = 16;

    private final String brokerUrl;
    private final String clientId;
    private final MqttConnectionOptions options;
    private final OfflineBuffer buffer;
    private final long maxReconnectDelayMs;
    private final Object lock = new Object();
    /** Sent directly, not yet acknowledged: sequence -> message. Guarded by lock. */
    private final TreeMap<Long, OutboundMessage> inFlight = new TreeMap<>();

    private final Counter published;
    private final Counter kept;
    private final Counter dropped;
    private final MqttAsyncClient client;
    private volatile Consumer<ReliableMqttClient> onConnect = c -> {};
    private volatile Supplier<OutboundMessage> will;
    private volatile boolean connected;
    /** The broker's receive maximum (CONNACK): QoS 1/2 messages it accepts unacknowledged. Guarded by lock. */
    private int window = 10;

    private volatile boolean running;
    private long nextSequence;
    private Thread keeper;

    public ReliableMqttClient(
            String brokerUrl,
            String clientId,
            MqttConnectionOptions options,
            Path bufferDir,
            int maxBuffered,
            long maxReconnectDelayMs,
            MeterRegistry meters) {
        this.brokerUrl = brokerUrl;
        this.clientId = clientId;
        this.options = options;
        this.maxReconnectDelayMs = Math.max(100, maxReconnectDelayMs);
        options.setAutomaticReconnect(false);
        options.setCleanStart(true);
        if (options.getSocketFactory() == null && brokerUrl.startsWith("tcp://")) {
            options.setSocketFactory(new NoDelaySocketFactory());
        }
        try {
            this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bad MQTT broker URL or client id '" + brokerUrl + "', '" + clientId + "': " + e.getMessage()
                            + " (expected tcp://host:1883 or ssl://host:8883)",
                    e);
        }
        this.buffer = new OfflineBuffer(bufferDir, maxBuffered);
        this.nextSequence = buffer.lastSequence() + 1;
        this.published = Counter.builder("visionhub.mqtt.published")
                .description("MQTT messages acknowledged by the broker")
                .tag("client", clientId)
                .register(meters);
        this.kept = Counter.builder("visionhub.mqtt.buffer.kept")
                .description("messages kept on disk while the broker was unreachable")
                .tag("client", clientId)
                .register(meters);
        this.dropped = Counter.builder("visionhub.mqtt.buffer.dropped")
                .description("messages dropped because the offline buffer was full")
                .tag("client", clientId)
                .register(meters);
        Gauge.builder("visionhub.mqtt.buffer.size", this, ReliableMqttClient::buffered)
                .description("messages waiting in the offline buffer")
                .tag("client", clientId)
                .register(meters);
        client.setCallback(new Callback());
    }

    /**
     * The last will, made afresh before every (re)connect: the broker keeps the will of the connection it was
     * given with, so a will set once would carry the first connect's data for ever.
     */
    public void will(Supplier<OutboundMessage> will) {
        this.will = will;
    }

    /** Runs after every successful (re)connect, before the buffer is sent; e.g. to publish a retained status. */
    public void onConnect(Consumer<ReliableMqttClient> action) {
        this.onConnect = action;
    }

    /** Starts the keeper thread and waits up to the timeout for the first connection (going on without it). */
    public void start(long firstConnectTimeoutMs) {
        running = true;
        keeper = new Thread(this::keep, "mqtt-keeper-" + clientId);
        keeper.setDaemon(true);
        keeper.start();
        long deadline = System.currentTimeMillis() + firstConnectTimeoutMs;
        synchronized (lock) {
            while (!connected && System.currentTimeMillis() < deadline) {
                try {
                    lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (!connected) {
            LOG.warn(
                    "MQTT broker {} not reachable within {} ms: events are kept in {} (up to its bound) and sent "
                            + "when it answers",
                    brokerUrl,
                    firstConnectTimeoutMs,
                    buffer.file());
        }
    }

    /**
     * Sends the message, or keeps it on disk when the broker is unreachable or older messages still wait.
     *
     * @return false when the message was dropped because the buffer is full
     */
    public boolean publish(OutboundMessage message) {
        synchronized (lock) {
            // a full in-flight window is back-pressure (a round trip on a healthy link), not a reason for the disk
            long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WINDOW_WAIT_MS);
            while (connected && buffer.isEmpty() && message.qos() > 0 && inFlight.size() >= window) {
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            long seq = nextSequence++;
            if (connected && buffer.isEmpty() && (message.qos() == 0 || inFlight.size() < window)) {
                try {
                    inFlight.put(seq, message);
                    client.publish(message.topic(), toPaho(message), seq, new Ack(seq));
                    return true;
                } catch (MqttException e) {
                    inFlight.remove(seq);
                    LOG.debug("MQTT publish of {} not accepted now ({}), keeping it", message.topic(), e.getMessage());
                }
            }
            return keep(seq, message);
        }
    }

    /**
     * Sends without buffering (QoS 0 telemetry such as Sparkplug data, statuses from the on-connect action);
     * false when not connected.
     */
    public boolean publishNow(OutboundMessage message) {
        if (!client.isConnected()) {
            return false;
        }
        try {
            client.publish(message.topic(), toPaho(message));
            return true;
        } catch (MqttException e) {
            return false;
        }
    }

    public boolean isConnected() {
        return connected;
    }

    /**
     * QoS 1/2 messages the broker takes unacknowledged: its receive maximum (CONNACK) at the last connect, 65,535 when
     * it announced none; 10 before the first connect.
     */
    public int inFlightWindow() {
        synchronized (lock) {
            return window;
        }
    }

    public int buffered() {
        synchronized (lock) {
            return buffer.size();
        }
    }

    public double keptCount() {
        return kept.count();
    }

    public double droppedCount() {
        return dropped.count();
    }

    public String brokerUrl() {
        return brokerUrl;
    }

    public String clientId() {
        return clientId;
    }

    /** Waits until nothing is buffered or in flight (for orderly shutdown and tests); false on timeout. */
    public boolean awaitDrained(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (lock) {
            while (!(buffer.isEmpty() && inFlight.isEmpty())) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.min(left, 50));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Publishes a last message (e.g. retained offline status) if connected, then disconnects; the buffer stays on disk. */
    public void close(OutboundMessage farewell) {
        running = false;
        if (keeper != null) {
            keeper.interrupt();
        }
        try {
            if (client.isConnected()) {
                if (farewell != null) {
                    client.publish(farewell.topic(), toPaho(farewell)).waitForCompletion(2000);
                }
                awaitDrained(2000);
                client.disconnect(2000).waitForCompletion(3000);
            }
        } catch (MqttException e) {
            LOG.debug("MQTT disconnect from {}: {}", brokerUrl, e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT client close: {}", e.getMessage());
        }
        synchronized (lock) {
            for (Map.Entry<Long, OutboundMessage> e : inFlight.entrySet()) {
                buffer.add(e.getKey(), e.getValue());
            }
            inFlight.clear();
            buffer.close();
        }
    }

    @Override
    public void close() {
        close(null);
    }

    private boolean keep(long seq, OutboundMessage message) {
        if (buffer.add(seq, message)) {
            kept.increment();
            lock.notifyAll();
            return true;
        }
        dropped.increment();
        if (dropped.count() == 1 || ((long) dropped.count()) % 1000 == 0) {
            LOG.error(
                    "MQTT offline buffer {} is full ({} messages): dropped {} so far, latest to {}. The broker {} "
                            + "has been unreachable too long; raise visionhub.mqtt.buffer.max-events or fix the broker",
                    buffer.file(),
                    buffer.size(),
                    (long) dropped.count(),
                    message.topic(),
                    brokerUrl);
        }
        return false;
    }

    private static MqttMessage toPaho(OutboundMessage m) {
        MqttMessage msg = new MqttMessage(m.payload());
        msg.setQos(m.qos());
        msg.setRetained(m.retained());
        MqttProperties props = new MqttProperties();
        if (m.contentType() != null && !m.contentType().isEmpty()) {
            props.setContentType(m.contentType());
            props.setPayloadFormat(m.contentType().startsWith("application/json")
                    || m.contentType().startsWith("text/"));
            List<UserProperty> user = new ArrayList<>(2);
            user.add(new UserProperty("content-type", m.contentType()));
            if (m.schemaVersion() != null && !m.schemaVersion().isEmpty()) {
                user.add(new UserProperty("schema-version", m.schemaVersion()));
            }
            props.setUserProperties(user);
        }
        msg.setProperties(props);
        return msg;
    }

    /** The keeper: connects, reconnects with backoff, and sends the buffer in order. */
    private void keep() {
        long backoff = 100;
        while (running) {
            try {
                if (!connected || !client.isConnected()) {
                    if (client.isConnected()) {
                        // Paho holds a connection the hub does not count as up: a connect interrupted by the loss
                        // callback can complete after it was given up. Drop it and connect cleanly (without this the
                        // keeper spun on "Paho connected, hub not" and only recovered when Paho lost it again).
                        dropHalfOpenConnection();
                    }
                    if (tryConnect()) {
                        backoff = 100;
                    } else {
                        Thread.sleep(backoff);
                        backoff = Math.min(maxReconnectDelayMs, backoff * 2);
                    }
                    continue;
                }
                List<Map.Entry<Long, OutboundMessage>> batch;
                synchronized (lock) {
                    while (running && connected && buffer.isEmpty()) {
                        lock.wait(1000);
                    }
                    if (!running || !connected) {
                        continue;
                    }
                    batch = buffer.head(DRAIN_BATCH);
                }
                if (!sendBatch(batch)) {
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error(
                        "MQTT keeper for {} hit an unexpected error (it keeps going): {}", brokerUrl, e.toString(), e);
            }
        }
    }

    private boolean tryConnect() throws InterruptedException {
        Supplier<OutboundMessage> willMaker = will;
        if (willMaker != null) {
            OutboundMessage w = willMaker.get();
            MqttMessage m = toPaho(w);
            options.setWillMessageProperties(m.getProperties());
            m.setProperties(new MqttProperties());
            options.setWill(w.topic(), m);
        }
        try {
            IMqttToken token = client.connect(options);
            awaitConnect(token, options.getConnectionTimeout() * 1000L + 1000);
            Integer receiveMaximum = token.getResponseProperties() == null
                    ? null
                    : token.getResponseProperties().getReceiveMaximum();
            synchronized (lock) {
                window = receiveMaximum == null || receiveMaximum <= 0 ? 65_535 : receiveMaximum;
            }
        } catch (MqttException e) {
            LOG.debug("MQTT connect to {} failed: {}", brokerUrl, e.getMessage());
            // A connect that failed or timed out can leave Paho's client "connecting" for good (every later
            // attempt answers "Connect already in progress", seen when the network came back at once after a
            // cut): drop that half-open state so the next attempt starts clean.
            dropHalfOpenConnection();
            return false;
        }
        try {
            onConnect.accept(this);
        } catch (RuntimeException e) {
            LOG.warn("MQTT on-connect action for {} failed: {}", brokerUrl, e.getMessage());
        }
        synchronized (lock) {
            connected = true;
            lock.notifyAll();
        }
        int waiting = buffered();
        // the window bounds the output's throughput (one broker round trip per window): a small one is a broker
        // setting to raise (Mosquitto: max_inflight_messages, docs/mqtt.md)
        LOG.info(
                "MQTT connected to {} as {}; in-flight window {} (the broker's receive maximum){}",
                brokerUrl,
                clientId,
                inFlightWindow(),
                waiting > 0 ? ", sending " + waiting + " kept messages in order" : "");
        return true;
    }

    /**
     * Waits for the connect on the monotonic clock. Paho's {@code waitForCompletion(timeout)} reports a timeout on any
     * early return of its wait (a wake-up before the CONNACK): seen under libfaketime, where every connect "timed out"
     * after 0.25-0.5 s of an 11 s wait and the client never connected.
     */
    private static void awaitConnect(IMqttToken token, long timeoutMs) throws MqttException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!token.isComplete()) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT);
            }
            try {
                token.waitForCompletion(leftMs);
            } catch (MqttException e) {
                if (token.isComplete() || e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_TIMEOUT) {
                    throw e;
                }
            }
        }
        if (token.getException() != null) {
            throw token.getException();
        }
    }

    private void dropHalfOpenConnection() {
        try {
            client.disconnectForcibly(0, 1000, false);
        } catch (MqttException ignored) {
            // nothing was open
        }
    }

    /** Sends one batch from the buffer head; removes what the broker acknowledged, in order. */
    private boolean sendBatch(List<Map.Entry<Long, OutboundMessage>> batch) {
        List<IMqttToken> tokens = new ArrayList<>(batch.size());
        int room;
        synchronized (lock) {
            room = Math.max(1, window - inFlight.size());
        }
        if (batch.size() > room) {
            batch = batch.subList(0, room);
        }
        for (Map.Entry<Long, OutboundMessage> e : batch) {
            try {
                tokens.add(client.publish(e.getValue().topic(), toPaho(e.getValue())));
            } catch (MqttException ex) {
                break;
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            try {
                tokens.get(i).waitForCompletion(10_000);
            } catch (MqttException ex) {
                return false;
            }
            if (!tokens.get(i).isComplete() || tokens.get(i).getException() != null) {
                return false;
            }
            synchronized (lock) {
                buffer.remove(batch.get(i).getKey());
                published.increment();
                lock.notifyAll();
            }
        }
        return tokens.size() == batch.size();
    }

    /** Acknowledgement of a message sent directly. */
    private final class Ack implements MqttActionListener {
        private final long seq;

        Ack(long seq) {
            this.seq = seq;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            synchronized (lock) {
                if (inFlight.remove(seq) == null) {
                    buffer.remove(seq); // moved to the buffer when the connection dropped, yet it did arrive
                }
                published.increment();
                lock.notifyAll();
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            synchronized (lock) {
                OutboundMessage m = inFlight.remove(seq);
                if (m != null) {
                    keep(seq, m);
                }
            }
        }
    }

    private final class Callback extends MqttCallbackAdapter {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            synchronized (lock) {
                connected = false;
                for (Map.Entry<Long, OutboundMessage> e : inFlight.entrySet()) {
                    keep(e.getKey(), e.getValue());
                }
                inFlight.clear();
                lock.notifyAll();
            }
            LOG.warn(
                    "MQTT connection to {} lost ({}): keeping events in {} until it returns",
                    brokerUrl,
                    response.getException() == null
                            ? response.getReasonString()
                            : response.getException().getMessage(),
                    buffer.file());
            // no interrupt of the keeper: notifyAll above wakes it, and an interrupt could land in the reconnect it
            // had already begun, leaving that connect half-open until the broker dropped it 10 s later
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT error from {}: {}", brokerUrl, exception.getMessage());
        }
    }

    static long secondsToMs(int seconds) {
        return TimeUnit.SECONDS.toMillis(seconds);
    }
}
