package io.visionhub.outputs.mqtt;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health "mqtt" (/actuator/health): UP while connected to the broker; DEGRADED while not connected (events wait
 * in the offline buffer, the hub keeps inspecting) or once the full buffer dropped events. Details: broker,
 * client id, connected, buffered (events waiting), kept and dropped since start.
 */
public class MqttHealthIndicator extends AbstractHealthIndicator {

    /** Same status name as the other parts: the hub runs, something needs a look. */
    public static final Status DEGRADED = new Status("DEGRADED", "MQTT broker unreachable or events dropped");

    private final MqttEventPublisher publisher;

    public MqttHealthIndicator(MqttEventPublisher publisher) {
        super("MQTT health check failed");
        this.publisher = publisher;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ReliableMqttClient client = publisher.client();
        if (client == null) {
            builder.up().withDetail("enabled", false);
            return;
        }
        boolean connected = client.isConnected();
        long dropped = (long) client.droppedCount();
        builder.status(connected && dropped == 0 ? Status.UP : DEGRADED)
                .withDetail("broker", client.brokerUrl())
                .withDetail("clientId", client.clientId())
                .withDetail("connected", connected)
                .withDetail("buffered", client.buffered())
                .withDetail("keptSinceStart", (long) client.keptCount())
                .withDetail("droppedSinceStart", dropped);
        if (!connected) {
            builder.withDetail(
                    "problem",
                    "not connected to " + client.brokerUrl() + ": events wait in the offline "
                            + "buffer and are sent in order when it answers; check the broker and visionhub.mqtt.broker-url");
        } else if (dropped > 0) {
            builder.withDetail(
                    "problem",
                    dropped + " events dropped because the offline buffer was full "
                            + "(visionhub.mqtt.buffer.max-events); the ledger still holds them");
        }
    }
}
