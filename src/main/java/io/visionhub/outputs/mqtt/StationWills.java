package io.visionhub.outputs.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.event.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each station's retained status honest when the hub dies. MQTT gives one last will per connection, and
 * the hub's own connection carries the hub status will; so each station with a retained status gets a small
 * second connection whose only content is its will: {@code state: OFFLINE} on the station's status topic,
 * retained. When the hub dies (crash, kill, network loss) the broker publishes it and the retained status no
 * longer says RUNNING. On a clean stop each station's status is set to {@code STOPPED} and the connection is
 * closed without the will. After a reconnect the last status is published again.
 *
 * <p>The will has no timestamp: the broker sends it as it was given at connect time, so any time in it would be
 * the connect's, not the death's; the time the broker delivers it is the time the hub was lost.
 */
public final class StationWills implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StationWills.class);

    private final String brokerUrl;
    private final String hubClientId;
    private final MqttTopics topics;
    private final Function<OutboundMessage, MqttConnectionOptions> optionsWithWill;
    private final Clock clock;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retry;
    private volatile boolean closed;

    /**
     * @param optionsWithWill connection options (TLS, login) of the hub, with the given message as the will
     * @param retry one thread for the connect retries (in the hub from Camel's ExecutorServiceManager); shut down by
     *     {@link #close()} before the connections close
     */
    public StationWills(
            String brokerUrl,
            String hubClientId,
            MqttTopics topics,
            Function<OutboundMessage, MqttConnectionOptions> optionsWithWill,
            Clock clock,
            ScheduledExecutorService retry) {
        this.retry = retry;
        this.brokerUrl = brokerUrl;
        this.hubClientId = hubClientId;
        this.topics = topics;
        this.optionsWithWill = optionsWithWill;
        this.clock = clock;
    }

    /** Called with each retained status the hub publishes for a station: opens its will connection once. */
    public void track(String line, String station, byte[] status) {
        if (closed) {
            return;
        }
        guards.computeIfAbsent(topics.stationStatus(line, station), topic -> {
                    Guard g = new Guard(topic, line, station);
                    g.connect();
                    return g;
                })
                .lastStatus = status;
    }

    /** How many station will connections are up (tests, health). */
    public int connected() {
        return (int)
                guards.values().stream().filter(g -> g.client.isConnected()).count();
    }

    /** The will a station's connection leaves: state OFFLINE, retained, on its status topic. */
    OutboundMessage offline(String topic, String line, String station) {
        return status(topic, line, station, "OFFLINE", "hub connection lost", false);
    }

    private OutboundMessage status(
            String topic, String line, String station, String state, String reason, boolean timestamp) {
        ObjectNode doc = EventJson.mapper().createObjectNode();
        doc.put("station", station);
        doc.put("line", line);
        doc.put("state", state);
        doc.put("reason", reason);
        doc.put("hubClientId", hubClientId);
        if (timestamp) {
            doc.put("timestamp", clock.instant().toString());
        }
        return new OutboundMessage(
                topic, doc.toString().getBytes(StandardCharsets.UTF_8), 1, true, MqttEventPublisher.CONTENT_TYPE, "");
    }

    /** Clean stop: every station's retained status becomes STOPPED, then the will connections close without will. */
    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        for (Guard g : guards.values()) {
            g.stop(status(g.topic, g.line, g.station, "STOPPED", "hub stopped", true));
        }
        guards.clear();
    }

    private final class Guard extends MqttCallbackAdapter {
        final String topic;
        final String line;
        final String station;
        volatile byte[] lastStatus;
        private final MqttAsyncClient client;
        private final MqttConnectionOptions options;

        Guard(String topic, String line, String station) {
            this.topic = topic;
            this.line = line;
            this.station = station;
            String id = (hubClientId + "-st-" + station).replaceAll("[^A-Za-z0-9_.-]", "_");
            try {
                client = new MqttAsyncClient(brokerUrl, id, new MemoryPersistence());
            } catch (MqttException e) {
                throw new IllegalArgumentException(
                        "MQTT station status connection for " + station + ": " + e.getMessage(), e);
            }
            options = optionsWithWill.apply(offline(topic, line, station));
            options.setAutomaticReconnect(true);
            options.setCleanStart(true);
            client.setCallback(this);
        }

        void connect() {
            if (closed) {
                return;
            }
            try {
                client.connect(options, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        LOG.debug("MQTT will connection of station {} up", station);
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        scheduleConnect(); // automatic reconnect starts only after a first success
                    }
                });
            } catch (MqttException e) {
                scheduleConnect();
            }
        }

        private void scheduleConnect() {
            if (!closed) {
                try {
                    retry.schedule(this::connect, 2, TimeUnit.SECONDS);
                } catch (RejectedExecutionException ignored) {
                    // closing
                }
            }
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            byte[] last = lastStatus;
            if (reconnect && last != null && !closed) {
                // the will fired while the connection was away: say RUNNING again
                try {
                    MqttMessage m = new MqttMessage(last, 1, true, null);
                    client.publish(topic, m);
                } catch (MqttException e) {
                    LOG.debug("MQTT station {} status after reconnect: {}", station, e.getMessage());
                }
            }
        }

        void stop(OutboundMessage stopped) {
            try {
                if (client.isConnected()) {
                    client.publish(stopped.topic(), new MqttMessage(stopped.payload(), 1, true, null))
                            .waitForCompletion(2000);
                    client.disconnect(2000).waitForCompletion(3000); // a normal DISCONNECT: the broker drops the will
                }
            } catch (MqttException e) {
                LOG.debug("MQTT station {} stop: {}", station, e.getMessage());
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("MQTT station {} close: {}", station, e.getMessage());
            }
        }
    }
}
