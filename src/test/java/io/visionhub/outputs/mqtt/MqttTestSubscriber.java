package io.visionhub.outputs.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** An independent Paho MQTT 5 subscriber that collects what arrives. */
public final class MqttTestSubscriber implements AutoCloseable {

    /** One received message. */
    public record Received(String topic, MqttMessage message) {
        public String text() {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }

        public String userProperty(String key) {
            List<UserProperty> props = message.getProperties().getUserProperties();
            return props == null
                    ? null
                    : props.stream()
                            .filter(p -> p.getKey().equals(key))
                            .map(UserProperty::getValue)
                            .findFirst()
                            .orElse(null);
        }
    }

    private final MqttClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    public MqttTestSubscriber(String url, String clientId, String filter, boolean persistentSession)
            throws MqttException {
        this(url, clientId, filter, persistentSession, new MqttConnectionOptions());
    }

    public MqttTestSubscriber(
            String url, String clientId, String filter, boolean persistentSession, MqttConnectionOptions options)
            throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        options.setCleanStart(!persistentSession);
        if (persistentSession) {
            options.setSessionExpiryInterval(3600L);
        }
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 2);
        options.setReceiveMaximum(1000);
        client.setCallback(new MqttCallbackAdapter() {

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, message));
            }
        });
        client.connect(options);
        client.subscribe(filter, 1);
    }

    public Received next(long timeoutSeconds) throws InterruptedException {
        return received.poll(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** The next message on the topic, skipping others; null on timeout. */
    public Received next(String topic, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            Received r = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r != null && r.topic().equals(topic)) {
                return r;
            }
        }
        return null;
    }

    /** Publishes with QoS 1 from this client (commands, test input). */
    public void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close(true);
    }
}
